import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Fiber, Redacted, Stream, TestClock } from "effect"

// The pay loop after createTransferBatch, through the real signing, encryption, verification and decryption against
// the simulator: a batch moves ACCEPTED → PROCESSING (1 s) → FINISHED (3 s) on its Clock.

const NOON = Date.UTC(2020, 11, 25, 4)
const name = (i: number) => `工人${i}`

const batchOf = (outBatchNo: string, count: number): CreateTransferBatch.CreateTransferBatchRequest => ({
  sub_mchid: "1900000109",
  sub_appid: "wxf636efh567hg4356",
  authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
  out_batch_no: outBatchNo,
  batch_name: "十二月工资",
  batch_remark: "十二月工资",
  total_amount: count * 1000,
  total_num: count,
  transfer_detail_list: Array.from({ length: count }, (_, i) => ({
    out_detail_no: `d${i}`,
    transfer_amount: 1000,
    transfer_remark: "工资",
    openid: `oWorker${i}`,
    user_name: Redacted.make(name(i))
  }))
})

const gets = (path: string) =>
  Effect.map(
    Simulator.received,
    (requests) => requests.filter((r) => r.method === "GET" && r.url.includes(path)).length
  )

describe("partner-transfer queries", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("a batch by either number moves ACCEPTED → PROCESSING → FINISHED; its payments by either number", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const created = yield* PayrollCard.createTransferBatch(batchOf("plfk2020122501", 3))
        const byOutNo = { out_batch_no: "plfk2020122501", need_query_detail: true } as const
        const accepted = yield* PayrollCard.getTransferBatchByOutNo(byOutNo)
        assert.strictEqual(accepted.batch_status, "ACCEPTED")
        assert.strictEqual(accepted.batch_id, created.batch_id)
        assert.isUndefined(accepted.transfer_detail_list)
        // A payment is not recorded before the batch is processed: NOT_FOUND, not a failure.
        const early = yield* Effect.flip(
          PayrollCard.getTransferDetailByOutNo({ out_batch_no: "plfk2020122501", out_detail_no: "d0" })
        )
        assert.strictEqual(early._tag, "NOT_FOUND")
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* PayrollCard.getTransferBatchByOutNo(byOutNo)).batch_status, "PROCESSING")
        yield* TestClock.adjust("2 seconds")
        const finished = yield* PayrollCard.getTransferBatchByNo({
          batch_id: created.batch_id,
          need_query_detail: true
        })
        assert.strictEqual(finished.batch_status, "FINISHED")
        assert.strictEqual(finished.success_num, 3)
        assert.deepStrictEqual(finished.transfer_detail_list?.map((d) => d.detail_status), [
          "SUCCESS",
          "SUCCESS",
          "SUCCESS"
        ])
        const compact = finished.transfer_detail_list![1]!
        // The worker's name comes back encrypted to the merchant and decrypted by the SDK, Redacted.
        const byOut = yield* PayrollCard.getTransferDetailByOutNo({
          out_batch_no: "plfk2020122501",
          out_detail_no: "d1"
        })
        assert.strictEqual(byOut.detail_status, "SUCCESS")
        assert.strictEqual(Redacted.value(byOut.username!), name(1))
        assert.notInclude(JSON.stringify(byOut), name(1))
        const byNo = yield* PayrollCard.getTransferDetailByNo({
          batch_id: created.batch_id,
          detail_id: compact.detail_id
        })
        assert.strictEqual(byNo.out_detail_no, "d1")
        assert.strictEqual(Redacted.value(byNo.username!), name(1))
        const unknown = yield* Effect.flip(PayrollCard.getTransferBatchByOutNo({ ...byOutNo, out_batch_no: "never" }))
        assert.strictEqual(unknown._tag, "NOT_FOUND")
      }))

    it.effect("a page size outside 20–100 is refused before anything is sent", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const error = yield* Effect.flip(
          PayrollCard.getTransferBatchByOutNo({ out_batch_no: "plfk2020122501", need_query_detail: true, limit: 10 })
        )
        assert.strictEqual(error._tag, "RequestValidationError")
        assert.strictEqual(yield* gets("/v3/partner-transfer/"), 0)
      }))

    it.effect("awaitTransferBatch returns a closed batch as a value, and gives up with TransferBatchTimeout", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* Simulator.planTransferBatch("plfk2020122503", { close: "OVERDUE_CLOSE" })
        yield* PayrollCard.createTransferBatch(batchOf("plfk2020122503", 1))
        const closed = yield* PayrollCard.awaitTransferBatch({
          out_batch_no: "plfk2020122503",
          need_query_detail: false
        })
        assert.strictEqual(closed.batch_status, "CLOSED")
        assert.strictEqual(closed.close_reason, "OVERDUE_CLOSE")

        yield* Simulator.planTransferBatch("plfk2020122504", { notFoundFor: "1 hour" })
        yield* PayrollCard.createTransferBatch(batchOf("plfk2020122504", 1))
        const fiber = yield* Effect.fork(Effect.exit(PayrollCard.awaitTransferBatch(
          { out_batch_no: "plfk2020122504", need_query_detail: false },
          { interval: "10 seconds", maxInterval: "20 seconds", timeout: "1 minute" }
        )))
        yield* TestClock.adjust("2 minutes")
        const exit = yield* Fiber.join(fiber)
        assert.isTrue(Exit.isFailure(exit))
        const error = yield* Effect.flip(exit)
        assert.strictEqual(error._tag, "TransferBatchTimeout")
        if (error._tag === "TransferBatchTimeout") {
          assert.strictEqual(error.lastSeen, "NOT_FOUND")
          // At 0, 10, 25 and 45 s; the next, at 65 s, would be after the minute.
          assert.strictEqual(error.polls, 4)
          assert.include(error.message, "within 1m")
          assert.include(error.message, "never resubmit")
        }
      }))

    it.effect("streamTransferDetails reads every payment over all pages; a filter keeps the failed ones", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* Simulator.planTransferBatch("plfk2020122505", {
          failDetails: { d7: "ACCOUNT_FROZEN", d212: "TRANSFER_RISK" }
        })
        yield* PayrollCard.createTransferBatch(batchOf("plfk2020122505", 250))
        // Not finished: WeChat lists no payments yet.
        const before = yield* Stream.runCollect(
          PayrollCard.streamTransferDetails({ out_batch_no: "plfk2020122505", need_query_detail: true })
        )
        assert.strictEqual(before.length, 0)
        yield* TestClock.adjust("3 seconds")
        const pagesBefore = yield* gets("/v3/partner-transfer/")
        const all = Chunk.toArray(
          yield* Stream.runCollect(
            PayrollCard.streamTransferDetails({ out_batch_no: "plfk2020122505", need_query_detail: true })
          )
        )
        assert.strictEqual(all.length, 250)
        assert.deepStrictEqual(new Set(all.map((d) => d.out_detail_no)).size, 250)
        assert.strictEqual((yield* gets("/v3/partner-transfer/")) - pagesBefore, 3)
        const failed = Chunk.toArray(
          yield* Stream.runCollect(
            PayrollCard.streamTransferDetails({
              out_batch_no: "plfk2020122505",
              need_query_detail: true,
              detail_status: "FAIL",
              limit: 20
            })
          )
        )
        assert.deepStrictEqual(failed.map((d) => d.out_detail_no), ["d7", "d212"])
      }))
  })

  // Batches that take longer, to see each state in turn.
  it.layer(Sandbox.layer({ transferProcessingAfter: "2 seconds", transferFinishedAfter: "20 seconds" }))((it) => {
    it.effect("awaitTransferBatch: not found at first, then processing, then finished with a failed payment", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* Simulator.planTransferBatch("plfk2020122502", {
          notFoundFor: "12 seconds",
          failDetails: { d1: "NAME_NOT_CORRECT" }
        })
        yield* PayrollCard.createTransferBatch(batchOf("plfk2020122502", 2))
        const fiber = yield* Effect.fork(
          PayrollCard.awaitTransferBatch({ out_batch_no: "plfk2020122502", need_query_detail: true })
        )
        // Polls at 0 and 5 s (not found: "not yet"), 12.5 s (processing), then 23.75 s: finished.
        yield* TestClock.adjust("13 seconds")
        assert.isNull(fiber.unsafePoll())
        const processing = yield* PayrollCard.getTransferBatchByOutNo({
          out_batch_no: "plfk2020122502",
          need_query_detail: false
        })
        assert.strictEqual(processing.batch_status, "PROCESSING")
        yield* TestClock.adjust("14 seconds")
        const batch = yield* Fiber.join(fiber)
        assert.strictEqual(batch.batch_status, "FINISHED")
        assert.strictEqual(batch.fail_num, 1)
        assert.strictEqual(yield* gets("/v3/partner-transfer/"), 4 + 1)
        const failed = yield* PayrollCard.getTransferDetailByOutNo({
          out_batch_no: "plfk2020122502",
          out_detail_no: "d1"
        })
        assert.strictEqual(failed.detail_status, "FAIL")
        assert.strictEqual(failed.fail_reason, "NAME_NOT_CORRECT")
      }))
  })
})

import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"

// Receipts through the real crypto against the simulator: applied for once a batch (or payment) finished, ACCEPTED
// and then FINISHED with the file's download_url, digest and hash type.

const NOON = Date.UTC(2020, 11, 25, 4)

const batch = (outBatchNo: string): CreateTransferBatch.CreateTransferBatchRequest => ({
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
  out_batch_no: outBatchNo,
  batch_name: "工资",
  batch_remark: "工资",
  total_amount: 300,
  total_num: 2,
  transfer_detail_list: [
    { out_detail_no: "d0", transfer_amount: 100, transfer_remark: "工资", openid: "o0" },
    { out_detail_no: "d1", transfer_amount: 200, transfer_remark: "工资", openid: "o1" }
  ]
})

describe("transfer receipts", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("a batch's receipt: refused before the batch finished, then ACCEPTED, then FINISHED with its file", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* PayrollCard.createTransferBatch(batch("receipt0001"))
        const early = yield* Effect.flip(PayrollCard.applyBillReceipt({ out_batch_no: "receipt0001" }))
        assert.strictEqual(early._tag, "INVALID_REQUEST")
        yield* TestClock.adjust("3 seconds")
        const applied = yield* PayrollCard.applyBillReceipt({ out_batch_no: "receipt0001" })
        assert.strictEqual(applied.signature_status, "ACCEPTED")
        assert.isUndefined(applied.download_url)
        const again = yield* PayrollCard.applyBillReceipt({ out_batch_no: "receipt0001" })
        assert.strictEqual(again.signature_no, applied.signature_no)
        yield* TestClock.adjust("1 second")
        const finished = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0001" })
        assert.strictEqual(finished.signature_status, "FINISHED")
        assert.strictEqual(finished.hash_type, "SHA256")
        assert.match(finished.hash_value!, /^[0-9A-F]{64}$/)
        assert.match(
          finished.download_url!,
          /^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/transferdownload\/signfile\?token=/
        )
        // Each query names a fresh download_url (each valid 10 minutes).
        const later = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0001" })
        assert.notStrictEqual(later.download_url, finished.download_url)
        assert.strictEqual(later.hash_value, finished.hash_value)
        const unknown = yield* Effect.flip(PayrollCard.getBillReceipt({ out_batch_no: "never" }))
        assert.strictEqual(unknown._tag, "NOT_FOUND")
      }))

    it.effect("a payment's receipt: only of a successful payment; out_batch_no goes with BATCH_TRANSFER only", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* Simulator.planTransferBatch("receipt0002", { failDetails: { d1: "ACCOUNT_FROZEN" } })
        yield* PayrollCard.createTransferBatch(batch("receipt0002"))
        yield* TestClock.adjust("3 seconds")
        const key = { accept_type: "BATCH_TRANSFER", out_batch_no: "receipt0002", out_detail_no: "d0" } as const
        const failed = yield* Effect.flip(PayrollCard.applyDetailReceipt({ ...key, out_detail_no: "d1" }))
        assert.strictEqual(failed._tag, "PARAM_ERROR")
        const applied = yield* PayrollCard.applyDetailReceipt(key)
        assert.strictEqual(applied.signature_status, "ACCEPTED")
        yield* TestClock.adjust("1 second")
        const finished = yield* PayrollCard.getDetailReceipt(key)
        assert.strictEqual(finished.signature_status, "FINISHED")
        assert.strictEqual(finished.out_detail_no, "d0")
        assert.isDefined(finished.download_url)
        // WeChat's rule, checked before anything is sent.
        const sent = (yield* Simulator.received).length
        const noBatch = yield* Effect.flip(
          PayrollCard.getDetailReceipt({ accept_type: "BATCH_TRANSFER", out_detail_no: "d0" })
        )
        assert.strictEqual(noBatch._tag, "RequestValidationError")
        const extraBatch = yield* Effect.flip(
          PayrollCard.applyDetailReceipt({ ...key, accept_type: "TRANSFER_TO_BANK" })
        )
        assert.strictEqual(extraBatch._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, sent)
      }))
  })
})

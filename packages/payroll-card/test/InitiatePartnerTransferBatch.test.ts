import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"

// The service provider's batch (POST /v3/partner-transfer/batches) through the real signing, encryption and
// verification against the simulator's route, then found by the partner-transfer queries that route shares its
// store with.

const NOON = Date.UTC(2020, 11, 25, 4)

const batchOf = (
  outBatchNo: string,
  count: number
): InitiatePartnerTransferBatch.InitiatePartnerTransferBatchRequest => ({
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
    user_name: Redacted.make(`工人${i}`),
    ...(i === 0 ? { user_id_card: Redacted.make("110101199003072316") } : {})
  })),
  transfer_scene: "PAYROLL_CARD_TRANSFER",
  transfer_purpose: "OTHERS"
})

describe("initiatePartnerTransferBatch", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("accepts a batch with encrypted names and ID numbers; the partner-transfer queries find it", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const created = yield* PayrollCard.initiatePartnerTransferBatch(batchOf("ptfk2020122501", 2))
        assert.strictEqual(created.out_batch_no, "ptfk2020122501")
        assert.match(created.batch_id, /^1030000\d{33}$/)
        const [sent] = (yield* Simulator.received).filter((r) => r.url.endsWith("/v3/partner-transfer/batches"))
        assert.isDefined(sent)
        // Names and the ID number left the SDK encrypted only.
        assert.notInclude(sent!.body, "工人0")
        assert.notInclude(sent!.body, "110101199003072316")

        const found = yield* PayrollCard.getTransferBatchByOutNo({
          out_batch_no: "ptfk2020122501",
          need_query_detail: false
        })
        assert.strictEqual(found.batch_id, created.batch_id)
        assert.strictEqual(found.batch_status, "ACCEPTED")
        assert.strictEqual(found.total_num, 2)

        // The same request again is the same batch; the same number with other fields is refused.
        const again = yield* PayrollCard.initiatePartnerTransferBatch(batchOf("ptfk2020122501", 2))
        assert.strictEqual(again.batch_id, created.batch_id)
        const reused = yield* Effect.flip(
          PayrollCard.initiatePartnerTransferBatch({ ...batchOf("ptfk2020122501", 2), transfer_purpose: "COMMISSION" })
        )
        assert.strictEqual(reused._tag, "INVALID_REQUEST")
      }))

    it.effect("a batch whose totals disagree with its details is refused before anything is sent", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const error = yield* Effect.flip(
          PayrollCard.initiatePartnerTransferBatch({ ...batchOf("ptfk2020122502", 2), total_amount: 1 })
        )
        assert.strictEqual(error._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))
  })
})

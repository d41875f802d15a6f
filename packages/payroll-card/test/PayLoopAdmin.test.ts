import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxServer } from "@effect-wechatpay/sandbox"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"

// Another process plays the worker and WeChat's batch outcomes through the loopback server's admin routes, as a
// user following the README from a second terminal would.

const admin = (url: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    })
    return { status: response.status, body: await response.text() }
  })

const WORKER = { openid: "oWorkerAdmin0001", sub_mchid: "1900000109", sub_appid: "wxa1111111111111" }

describe("admin routes of the pay loop, over loopback", () => {
  layer(
    Sandbox.layerServer({ retry: false, transferProcessingAfter: "0 millis", transferFinishedAfter: "0 millis" }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    ),
    { timeout: 30_000 }
  )((it) => {
    it.effect("a createToken token authorised from outside lets preOrder through", () =>
      Effect.gen(function*() {
        const server = yield* SandboxServer.SandboxServer
        const { token } = yield* PayrollCard.createToken({
          ...WORKER,
          user_name: Redacted.make("张三"),
          id_card_number: Redacted.make("110101199003072316"),
          employment_type: "LONG_TERM_EMPLOYMENT"
        })
        assert.strictEqual((yield* PayrollCard.getRelation(WORKER)).authorize_state, "UNAUTHORIZED")
        const unknown = yield* admin(`${server.url}/sandbox/tokens/nosuchtoken/authorize`, {})
        assert.strictEqual(unknown.status, 404)
        const authorised = yield* admin(`${server.url}/sandbox/tokens/${token}/authorize`, {})
        assert.strictEqual(authorised.status, 200, authorised.body)
        assert.strictEqual((yield* PayrollCard.getRelation(WORKER)).authorize_state, "AUTHORIZED")
        const check = yield* PayrollCard.preOrder({
          ...WORKER,
          authenticate_number: "adminToken0001",
          project_name: "城市配送",
          employer_name: "某某物流有限公司",
          authenticate_type: "NORMAL"
        })
        assert.strictEqual(check.authenticate_number, "adminToken0001")
      }))

    it.effect("a 204 with no body crosses a real socket and verifies (createWesureInsurance)", () =>
      Effect.gen(function*() {
        const result = yield* PayrollCard.createWesureInsurance({
          sp_mchid: "1900000001",
          wesure_order_no: "W2022050500001",
          token: "abcdefghijklmn",
          insurance_company_order_no: "PA2022050500001",
          openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
          insure_state: "INSURE_SUCCESS",
          insure_effect_time: "2022-05-06T00:00:00+08:00",
          insure_invalid_time: "2022-05-07T00:00:00+08:00",
          insurance_company_name: "平安"
        })
        assert.isUndefined(result)
      }))

    it.effect("a batch plan set from outside: a payment fails with its reason", () =>
      Effect.gen(function*() {
        const server = yield* SandboxServer.SandboxServer
        const planned = yield* admin(`${server.url}/sandbox/transfer-batches/adminPlan0001/plan`, {
          fail_details: { d1: "PAY_ROLL_CARD_USER_NOT_OPEN" }
        })
        assert.strictEqual(planned.status, 200, planned.body)
        const refused = yield* admin(`${server.url}/sandbox/transfer-batches/adminPlan0001/plan`, {
          not_found_for_seconds: -1
        })
        assert.strictEqual(refused.status, 400)
        yield* PayrollCard.createTransferBatch({
          sub_mchid: "1900000109",
          sub_appid: "wxa1111111111111",
          authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
          out_batch_no: "adminPlan0001",
          batch_name: "工资",
          batch_remark: "工资",
          total_amount: 200,
          total_num: 2,
          transfer_detail_list: [
            { out_detail_no: "d0", transfer_amount: 100, transfer_remark: "工资", openid: "o0" },
            { out_detail_no: "d1", transfer_amount: 100, transfer_remark: "工资", openid: "o1" }
          ]
        })
        const batch = yield* PayrollCard.awaitTransferBatch({ out_batch_no: "adminPlan0001", need_query_detail: true })
        assert.strictEqual(batch.fail_num, 1)
        const failed = yield* PayrollCard.getTransferDetailByOutNo({
          out_batch_no: "adminPlan0001",
          out_detail_no: "d1"
        })
        assert.strictEqual(failed.fail_reason, "PAY_ROLL_CARD_USER_NOT_OPEN")
        assert.isUndefined(failed.username)
      }))
  })
})

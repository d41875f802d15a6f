import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

// The insurance (微保) calls through the real crypto against the simulator: a token validates once its check passed;
// an insurance result is answered 204 with no body, verified over the empty body.

const insurance = (token: string) => ({
  sp_mchid: "1900000001",
  sub_mchid: "1900000109",
  wesure_order_no: "W2022050500001",
  token,
  insurance_company_order_no: "PA2022050500001",
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  insure_state: "INSURE_SUCCESS",
  insure_effect_time: "2022-05-06T00:00:00+08:00",
  insure_invalid_time: "2022-05-07T00:00:00+08:00",
  insurance_company_name: "平安"
})

describe("payroll-card insurance (wesure) calls", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("validateWesureToken: refused while the check runs, SUCCESS with the worker once it passed", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        const { token } = yield* PayrollCard.preOrderWithAuth(request)
        const validation = {
          sp_mchid: "1900000001",
          sub_mchid: request.sub_mchid,
          token,
          user_name: Redacted.make(USER_NAME),
          id_card_number: Redacted.make(ID_CARD_NUMBER),
          authenticate_type: "INSURANCE"
        } as const
        const early = yield* Effect.flip(PayrollCard.validateWesureToken(validation))
        assert.strictEqual(early._tag, "INVALID_REQUEST")
        yield* Simulator.complete(request.authenticate_number, "SUCCESS")
        const answer = yield* PayrollCard.validateWesureToken(validation)
        assert.strictEqual(answer.result, "SUCCESS")
        assert.strictEqual(answer.openid, request.openid)
        // The name and ID number went encrypted, naming the key.
        const sent = (yield* Simulator.received).at(-1)!
        assert.notInclude(sent.body, USER_NAME)
        assert.notInclude(sent.body, ID_CARD_NUMBER)
        assert.isDefined(sent.headers["Wechatpay-Serial"] ?? sent.headers["wechatpay-serial"])
      }))

    it.effect("createWesureInsurance: 204 with no body is void; a bad signature over the empty body is refused", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const result: void = yield* PayrollCard.createWesureInsurance(insurance("abcdefghijklmn"))
        assert.isUndefined(result)
        assert.strictEqual((yield* Simulator.received).at(-1)!.status, 204)
        yield* Simulator.inject(Simulator.Fault.BadSignature())
        const error = yield* Effect.flip(PayrollCard.createWesureInsurance(insurance("abcdefghijklmn")))
        assert.strictEqual(error._tag, "ResponseVerificationError")
        const invalid = yield* Effect.flip(
          PayrollCard.createWesureInsurance({ ...insurance("abcdefghijklmn"), insure_effect_time: "" })
        )
        assert.strictEqual(invalid._tag, "RequestValidationError")
      }))
  })
})

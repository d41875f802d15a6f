// Each call's error channel names the codes its declaration lists (plus the common ones), and is honest at run
// time: a code the call does not list arrives as UnknownApiError, the code kept; a listed one as its class.
import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { makeRequest } from "./fixtures.js"

type ErrorOf<F> = F extends (...args: any) => Effect.Effect<any, infer E, any> ? E : never
type Tags<F> = ErrorOf<F> extends { readonly _tag: infer T } ? T : never

type Always =
  | "RequestValidationError"
  | "RequestError"
  | "ResponseVerificationError"
  | "UnexpectedResponse"
  | "RequestTimeout"
  | "UnknownApiError"
  | "PARAM_ERROR"
  | "INVALID_REQUEST"
  | "SIGN_ERROR"
  | "NO_AUTH"
  | "FREQUENCY_LIMITED"
  | "RATELIMIT_EXCEEDED"
  | "SYSTEM_ERROR"
  | "SERVICE_UNAVAILABLE"

class NotEnough extends WeChatPayError.codeError<NotEnough>()("NOT_ENOUGH", false) {}

describe("per-call error unions", () => {
  it("getRelation lists the common codes only; getAuthentication adds ORDER_NOT_EXIST; the batch query NOT_FOUND", () => {
    expectTypeOf<Tags<typeof PayrollCard.getRelation>>().toEqualTypeOf<Always>()
    expectTypeOf<Tags<typeof PayrollCard.getAuthentication>>().toEqualTypeOf<Always | "ORDER_NOT_EXIST">()
    expectTypeOf<Tags<typeof PayrollCard.getTransferBatchByOutNo>>().toEqualTypeOf<Always | "NOT_FOUND">()
    expectTypeOf<Extract<ErrorOf<typeof PayrollCard.getRelation>, { _tag: "ORDER_NOT_EXIST" }>>().toEqualTypeOf<never>()
    // Endpoint.Error without a parameter is still what any derived call can fail with.
    expectTypeOf<ErrorOf<typeof PayrollCard.getAuthentication>>().toMatchTypeOf<Endpoint.Error>()
    assert.deepStrictEqual(
      Endpoint.commonErrors.map((Class) => Class._tag),
      [
        "PARAM_ERROR",
        "INVALID_REQUEST",
        "SIGN_ERROR",
        "NO_AUTH",
        "FREQUENCY_LIMITED",
        "RATELIMIT_EXCEEDED",
        "SYSTEM_ERROR",
        "SERVICE_UNAVAILABLE"
      ]
    )
  })

  it.layer(Sandbox.layer())((it) => {
    it.effect("a code the call does not list arrives as UnknownApiError with the code; a listed one as its class", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        const relation = { openid: request.openid, sub_mchid: request.sub_mchid, sub_appid: request.sub_appid! }
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "ORDER_NOT_EXIST" }))
        const unlisted = yield* Effect.flip(PayrollCard.getRelation(relation))
        assert.instanceOf(unlisted, WeChatPayError.UnknownApiError)
        assert.strictEqual(unlisted._tag, "UnknownApiError")
        if (unlisted._tag === "UnknownApiError") {
          assert.strictEqual(unlisted.code, "ORDER_NOT_EXIST")
          assert.strictEqual(unlisted.status, 404)
          assert.strictEqual(unlisted.method, "GET")
          assert.strictEqual(unlisted.route, "/v3/payroll-card/relations/{openid}")
          assert.match(
            unlisted.message,
            /^ORDER_NOT_EXIST \(HTTP 404\) on GET \/v3\/payroll-card\/relations\/\{openid\}/
          )
        }

        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "ORDER_NOT_EXIST" }))
        const listed = yield* Effect.flip(
          PayrollCard.getAuthentication({
            authenticate_number: request.authenticate_number,
            sub_mchid: request.sub_mchid
          })
        )
        assert.instanceOf(listed, WeChatPayError.OrderNotExist)

        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "NO_AUTH" }))
        const common = yield* Effect.flip(PayrollCard.getRelation(relation))
        assert.instanceOf(common, WeChatPayError.NoAuth)
      }))

    it.effect("a family's own class (codeError) declared by a call: WeChat's code arrives as it", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        const declared = PayrollCard.endpoints.getRelation
        const getRelation = Endpoint.toCall(Endpoint.make({
          name: "Fixture.getRelation",
          method: declared.method,
          path: declared.path,
          query: declared.query,
          request: declared.request,
          response: Schema.Struct({ openid: Schema.String }),
          errors: [NotEnough]
        }))
        expectTypeOf<Tags<typeof getRelation>>().toEqualTypeOf<Always | "NOT_ENOUGH">()
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "NOT_ENOUGH", status: 403 }))
        const error = yield* Effect.flip(
          getRelation({ openid: request.openid, sub_mchid: request.sub_mchid, sub_appid: request.sub_appid! })
        )
        assert.instanceOf(error, NotEnough)
        assert.strictEqual(error._tag, "NOT_ENOUGH")
        if (error._tag === "NOT_ENOUGH") {
          assert.strictEqual(error.status, 403)
          assert.isFalse(error.retryable)
        }
      }))
  })
})

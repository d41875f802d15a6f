import { PayrollCard, type PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Redacted } from "effect"
import { makeRequest } from "./fixtures.js"
import { recordAttributes } from "./utils/tracing.js"

const SECRET_NUMBER = 110101199003074477

/** Every way an exit's failure can be shown: message, String, JSON, Cause.pretty, enumerable properties. */
const shown = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return ""
  const error = Cause.squash(exit.cause) as object
  return [
    String(error),
    JSON.stringify(error),
    Inspectable.stringifyCircular(error),
    Cause.pretty(exit.cause),
    Object.keys(error).map((k) => `${k}=${Inspectable.stringifyCircular((error as Record<string, unknown>)[k])}`).join()
  ].join("\n")
}

describe("request validation: one error for every call, nothing sent", () => {
  it.layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect("lists each bad field's path and reason in a short message", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const error = yield* Effect.flip(
          PayrollCard.preOrderWithAuth(makeRequest({ authenticate_number: "abc-123", employment_type: "X" as never }))
        )
        assert.strictEqual(error._tag, "RequestValidationError")
        if (error._tag !== "RequestValidationError") return
        assert.deepStrictEqual(error.issues.map((i) => i.path), ["authenticate_number", "employment_type"])
        assert.include(error.message, "authenticate_number: authenticate_number must be letters and digits")
        assert.include(
          error.message,
          "employment_type: Expected \"LONG_TERM_EMPLOYMENT\" | \"SHORT_TERM_EMPLOYMENT\" | \"COOPERATION_EMPLOYMENT\" | undefined, actual \"X\""
        )
        assert.include(error.message, "actual \"X\"")
        assert.include(error.message, "POST /v3/payroll-card/authentications/pre-order-with-auth")
        assert.isBelow(error.message.length, 400)
        assert.notInclude(error.message, "\n")
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))

    it.effect("a Redacted wrapping a number for id_card_number shows nowhere, however the error is printed", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const exit = yield* Effect.exit(
          PayrollCard.preOrderWithAuth(
            makeRequest({ id_card_number: Redacted.make(SECRET_NUMBER as unknown as string) })
          )
        )
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) as { _tag: string } : undefined
        assert.strictEqual(error?._tag, "RequestValidationError")
        const text = shown(exit)
        assert.include(text, "id_card_number")
        assert.notInclude(text, String(SECRET_NUMBER))
        assert.notInclude(text, String(SECRET_NUMBER).slice(0, 8))
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))

    it.effect("a plain string where an encrypted field belongs is refused without showing it", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          PayrollCard.preOrderWithAuth(
            { ...makeRequest(), user_name: "明文姓名" } as unknown as PreOrderWithAuth.PreOrderWithAuthRequest
          )
        )
        const text = shown(exit)
        assert.include(text, "user_name: expected a Redacted<string>")
        assert.notInclude(text, "明文姓名")
      }))

    it.effect("a lone surrogate in a sensitive field or an identifier is refused, nothing sent", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const name = yield* Effect.flip(
          PayrollCard.preOrderWithAuth(makeRequest({ user_name: Redacted.make("张\uD800") }))
        )
        assert.strictEqual(name._tag, "RequestValidationError")
        assert.include(name.message, "user_name: is not well-formed Unicode")
        const openid = yield* Effect.flip(
          PayrollCard.getRelation({ openid: "o\uD800", sub_mchid: "1900000109", appid: "wxa1" })
        )
        assert.strictEqual(openid._tag, "RequestValidationError")
        assert.include(openid.message, "openid: is not well-formed Unicode")
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))

    it.effect("a path parameter that is empty, . or .. is refused; the message names the route, not the value", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        for (const openid of [".", "..", ""]) {
          const error = yield* Effect.flip(PayrollCard.getRelation({ openid, sub_mchid: "1900000109", appid: "wxa1" }))
          assert.strictEqual(error._tag, "RequestValidationError", JSON.stringify(openid))
          assert.include(error.message, "GET /v3/payroll-card/relations/{openid}")
          assert.include(error.message, "openid:")
        }
        const dots = yield* Effect.flip(
          PayrollCard.getAuthentication({ authenticate_number: "..", sub_mchid: "1900000109" })
        )
        assert.strictEqual(dots._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))

    it.effect("spans and errors name the route template; no span attribute holds the openid", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const openid = "oSecretWorker0001"
        const { attributes, tracer } = yield* recordAttributes
        const request = { openid, sub_mchid: "1900000109", appid: "wxa1" }
        yield* PayrollCard.getRelation(request).pipe(Effect.withTracer(tracer))
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "PARAM_ERROR" }))
        const error = yield* Effect.flip(PayrollCard.getRelation(request).pipe(Effect.withTracer(tracer)))
        yield* Simulator.inject(Simulator.Fault.Drop())
        const transport = yield* Effect.flip(PayrollCard.getRelation(request).pipe(Effect.withTracer(tracer)))
        assert.include(attributes, "url.template=/v3/payroll-card/relations/{openid}")
        assert.include(attributes, "name=PayrollCard.getRelation")
        // The platform's own span (with url.full) is off for these requests, but the trace still propagates.
        const received = yield* Simulator.received
        assert.isTrue(
          received.every((r) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(r.headers["traceparent"] ?? ""))
        )
        assert.notInclude(attributes.join("\n"), openid)
        assert.include(error.message, "GET /v3/payroll-card/relations/{openid}")
        assert.notInclude(`${error.message} ${JSON.stringify(error)}`, openid)
        assert.strictEqual(transport._tag, "RequestError")
        assert.notInclude(`${transport.message} ${String(transport)}`, openid)
      }))
  })
})

import { Encryptor, Sensitive } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted, Schema, Tracer } from "effect"
import { makeRequest } from "./fixtures.js"
import { tapSpans } from "./utils/tracing.js"

const recording = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.tracer, (base) => {
    const spans: Array<Tracer.Span> = []
    return Effect.map(
      Effect.exit(Effect.withTracer(effect, tapSpans(base, (span) => spans.push(span)))),
      (exit) => ({ exit, spans })
    )
  })

describe("a declared call's span and encoding", () => {
  it.layer(Sandbox.layer({ retry: false, timeout: "2 seconds" }))((it) => {
    it.effect("one span per call, named after it, parent of the attempt's http.client span, as Effect.fn's", () =>
      Effect.gen(function*() {
        const outer = yield* Effect.makeSpan("program")
        const { exit, spans } = yield* recording(
          Effect.withParentSpan(PayrollCard.preOrderWithAuth(makeRequest()), outer)
        )
        assert.isTrue(Exit.isSuccess(exit))
        const call = spans.find((span) => span.name === "PayrollCard.preOrderWithAuth")!
        const attempt = spans.find((span) => span.name === "http.client POST")!
        assert.strictEqual(call.parent._tag === "Some" && call.parent.value.spanId, outer.spanId)
        assert.strictEqual(attempt.parent._tag === "Some" && attempt.parent.value.spanId, call.spanId)
        assert.strictEqual(
          attempt.attributes.get("url.template"),
          "/v3/payroll-card/authentications/pre-order-with-auth"
        )
        assert.strictEqual(call.status._tag, "Ended")
        // The program's own span is its own again once the call is over.
        assert.strictEqual((yield* Effect.withParentSpan(Effect.currentSpan, outer)).spanId, outer.spanId)
      }))

    it.effect("a failure prints which call it was and where that call is declared", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          PayrollCard.getRelation({ openid: "..", sub_mchid: "1900000109", sub_appid: "wxa1" })
        )
        assert.isTrue(Exit.isFailure(exit))
        const pretty = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
        assert.match(pretty, /at PayrollCard\.getRelation \(.*PayrollCard\.ts:\d+:\d+\)/)
      }))

    it.effect("the SDK's encryptor encodes on the spot; an encryptor of the program's own goes through the context", () =>
      Effect.gen(function*() {
        const request = makeRequest()
        // The sandbox's encryptor is the SDK's: the call's encoding never waits on the context.
        assert.isTrue(Exit.isSuccess(yield* Effect.exit(PayrollCard.preOrderWithAuth(request))))
        // A program's own encryptor (a KMS, say) is asynchronous: the same call, through the context.
        const own = yield* Encryptor.Encryptor
        let used = 0
        const kms = Encryptor.Encryptor.of({
          serialNo: own.serialNo,
          maxPlaintextBytes: own.maxPlaintextBytes,
          encrypt: (plaintext) =>
            Effect.zipRight(Effect.sync(() => used++), Effect.zipRight(Effect.yieldNow(), own.encrypt(plaintext)))
        })
        const exit = yield* Effect.exit(
          Effect.provideService(PayrollCard.preOrderWithAuth(makeRequest()), Encryptor.Encryptor, kms)
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(used, 2)
      }))

    it.effect("both paths refuse the same plaintexts with the same message, and neither shows them", () =>
      Effect.gen(function*() {
        const encryptor = yield* Encryptor.Encryptor
        const kms = Encryptor.Encryptor.of({ ...encryptor, encrypt: (plaintext) => encryptor.encrypt(plaintext) })
        const messages = []
        for (const service of [encryptor, kms]) {
          for (const user_name of ["", "名".repeat(80)]) {
            const exit = yield* Effect.exit(
              Effect.provideService(
                PayrollCard.preOrderWithAuth(makeRequest({ user_name: Redacted.make(user_name) })),
                Encryptor.Encryptor,
                service
              )
            )
            assert.isTrue(Exit.isFailure(exit))
            const pretty = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
            if (user_name !== "") assert.notInclude(pretty, user_name)
            messages.push(Exit.isFailure(exit) ? String(Cause.squash(exit.cause)) : "")
          }
        }
        assert.deepStrictEqual(messages.slice(0, 2), messages.slice(2))
        assert.include(messages[0], "user_name")
      }))

    it.effect("Schema.encode outside a call still encrypts through the context", () =>
      Effect.gen(function*() {
        const encoded = yield* Schema.encode(Schema.Struct({ name: Sensitive.EncryptedString }))({
          name: Redacted.make("张三")
        })
        assert.isTrue(encoded.name.length > 300)
      }))
  })
})

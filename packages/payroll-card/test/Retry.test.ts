import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { makeRequest } from "./fixtures.js"

// Live services with a 1 ms backoff base: retries are observed by what reached the simulator, not by time.
describe("retries", () => {
  layer(Sandbox.layer({ retry: { attempts: 3, base: "1 millis" } }), { excludeTestServices: true })((it) => {
    it.effect("SYSTEM_ERROR twice, then success: 3 attempts, the same body, each freshly signed", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }), { times: 2 })
        const response = yield* PayrollCard.preOrderWithAuth(makeRequest())
        assert.isString(response.token)
        const received = yield* Simulator.received
        assert.strictEqual(received.length, 3)
        assert.strictEqual(new Set(received.map((r) => r.body)).size, 1)
        assert.strictEqual(new Set(received.map((r) => r.headers["authorization"])).size, 3)
      }))

    it.effect("each retry is logged at debug level with its code, attempt, Request-ID and backoff", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }), { times: 2 })
        const lines: Array<{ level: string; message: unknown; annotations: Record<string, unknown> }> = []
        const logger = Logger.make((options) => {
          lines.push({
            level: options.logLevel.label,
            message: options.message,
            annotations: Object.fromEntries(options.annotations)
          })
        })
        yield* PayrollCard.preOrderWithAuth(makeRequest()).pipe(
          Effect.provide(
            Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.All))
          )
        )
        const retries = lines.filter((l) => String(l.message).includes("retrying"))
        assert.deepStrictEqual(retries.map((l) => [l.level, l.annotations.code, l.annotations.attempt]), [
          ["DEBUG", "SYSTEM_ERROR", 1],
          ["DEBUG", "SYSTEM_ERROR", 2]
        ])
        for (const l of retries) {
          assert.isString(l.annotations.requestId)
          assert.isNumber(l.annotations.backoffMillis)
        }
      }))

    it.effect("after the last attempt, the error says how many were made", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }), { times: 3 })
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.strictEqual(error._tag, "SYSTEM_ERROR")
        assert.include(
          error.message,
          "SYSTEM_ERROR (HTTP 500) on POST /v3/payroll-card/authentications/pre-order-with-auth"
        )
        assert.include(error.message, "after 3 attempts)")
        assert.match(error.message, /Request-ID \S+/)
      }))

    it.effect("gives up after 3 attempts with the last error", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SERVICE_UNAVAILABLE" }), { times: 5 })
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.strictEqual(error._tag, "SERVICE_UNAVAILABLE")
        assert.strictEqual((yield* Simulator.received).length, 3)
      }))

    it.effect("429s are retried", () =>
      Effect.gen(function*() {
        for (const code of ["FREQUENCY_LIMITED", "RATELIMIT_EXCEEDED"]) {
          yield* Simulator.reset
          yield* Simulator.inject(Simulator.Fault.ApiError({ code }))
          yield* PayrollCard.preOrderWithAuth(makeRequest())
          assert.strictEqual((yield* Simulator.received).length, 2, code)
        }
      }))

    it.effect("a gateway's HTML 502 is an UnexpectedResponse with a short excerpt, retried", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.GatewayHtml({}), { times: 3 })
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.strictEqual(error._tag, "UnexpectedResponse")
        if (error._tag === "UnexpectedResponse") {
          assert.strictEqual(error.status, 502)
          assert.include(error.excerpt.toLowerCase(), "<html")
          assert.isAtMost(error.excerpt.length, 160)
          assert.notInclude(error.excerpt, "\n")
        }
        yield* Simulator.inject(Simulator.Fault.GatewayHtml({}), { times: 1 })
        yield* PayrollCard.preOrderWithAuth(makeRequest())
      }))

    it.effect("a dropped connection is retried, and surfaces as RequestError when it persists", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.Drop(), { times: 2 })
        yield* PayrollCard.preOrderWithAuth(makeRequest())
        yield* Simulator.inject(Simulator.Fault.Drop(), { times: 3 })
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.strictEqual(error._tag, "RequestError")
        const received = yield* Simulator.received
        assert.deepStrictEqual(received.map((r) => r.fault._tag === "Some" ? r.fault.value._tag : "none"), [
          "Drop",
          "Drop",
          "none",
          "Drop",
          "Drop",
          "Drop"
        ])
      }))

    it.effect("a body cut mid-way is an UnexpectedResponse, never data", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 20 }))
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.include(["UnexpectedResponse", "ResponseVerificationError"], error._tag)
      }))

    it.effect("4xx business errors and verification failures are never retried", () =>
      Effect.gen(function*() {
        for (const fault of [Simulator.Fault.ApiError({ code: "PARAM_ERROR" }), Simulator.Fault.BadSignature()]) {
          yield* Simulator.reset
          yield* Simulator.inject(fault)
          yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
          assert.strictEqual((yield* Simulator.received).length, 1)
        }
      }))
  })

  layer(Sandbox.layer({ retry: false }), { excludeTestServices: true })((it) => {
    it.effect("retry: false sends once", () =>
      Effect.gen(function*() {
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }))
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.strictEqual(error._tag, "SYSTEM_ERROR", String(error))
        assert.strictEqual((yield* Simulator.received).length, 1)
      }))
  })
})

import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxHttpClient, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { makeRequest } from "./fixtures.js"

const NOW = Date.parse("2026-11-22T12:00:00Z")

/** Starts a call and lets it run until it waits on the (test) clock. */
const start = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    // The in-memory transport answers through promises: give them a moment of real time to settle.
    yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
    return fiber
  })

describe("timeouts, deadlines and Retry-After, on the TestClock", () => {
  it.effect("an attempt that gets no answer within its timeout fails with RequestTimeout, never hangs", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      yield* Simulator.inject(Simulator.Fault.Delay({ duration: "1 minute" }))
      const fiber = yield* start(PayrollCard.preOrderWithAuth(makeRequest()))
      yield* TestClock.adjust("1999 millis")
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.strictEqual(error._tag, "RequestTimeout")
      if (error._tag === "RequestTimeout") {
        assert.strictEqual(error.scope, "Attempt")
        assert.strictEqual(error.timeoutMillis, 2000)
        assert.strictEqual(
          error.message,
          "POST /v3/payroll-card/authentications/pre-order-with-auth: attempt 1 got no complete answer within 2000 ms"
        )
      }
    }).pipe(Effect.provide(Sandbox.layer({ timeout: "2 seconds", retry: false }))))

  it.effect("an attempt timeout is retried; the next attempt succeeds", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      yield* Simulator.inject(Simulator.Fault.Delay({ duration: "1 minute" }))
      const fiber = yield* start(PayrollCard.preOrderWithAuth(makeRequest()))
      yield* TestClock.adjust("2 seconds")
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
      yield* TestClock.adjust("1 second") // the backoff
      const response = yield* Fiber.join(fiber)
      assert.isString(response.token)
      assert.strictEqual((yield* Simulator.received).length, 2)
    }).pipe(Effect.provide(Sandbox.layer({ timeout: "2 seconds", retry: { base: "100 millis" } }))))

  it.effect("the deadline bounds the whole call, retries and backoffs included", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      yield* Simulator.inject(Simulator.Fault.Delay({ duration: "1 minute" }), { times: 10 })
      const fiber = yield* start(PayrollCard.preOrderWithAuth(makeRequest()))
      for (let i = 0; i < 10 && fiber.unsafePoll() === null; i++) {
        yield* TestClock.adjust("1 second")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.strictEqual(error._tag, "RequestTimeout")
      if (error._tag === "RequestTimeout") {
        assert.strictEqual(error.scope, "Deadline")
        assert.strictEqual(
          error.message,
          "POST /v3/payroll-card/authentications/pre-order-with-auth did not complete within its 5000 ms deadline (after 3 attempts)"
        )
      }
      // 2 s + backoff + 2 s + backoff, then the 5 s deadline strikes during the third attempt.
      assert.strictEqual((yield* Simulator.received).length, 3)
    }).pipe(
      Effect.provide(
        Sandbox.layer({ timeout: "2 seconds", deadline: "5 seconds", retry: { attempts: 5, base: "100 millis" } })
      )
    ))

  it.effect("a 429 with Retry-After waits as long as WeChat asks before trying again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      yield* Simulator.inject(Simulator.Fault.ApiError({ code: "FREQUENCY_LIMITED", retryAfter: 7 }))
      const fiber = yield* start(PayrollCard.preOrderWithAuth(makeRequest()))
      yield* TestClock.adjust("6 seconds")
      assert.strictEqual((yield* Simulator.received).length, 1)
      yield* TestClock.adjust("1 second")
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
      const response = yield* Fiber.join(fiber)
      assert.isString(response.token)
      assert.strictEqual((yield* Simulator.received).length, 2)
    }).pipe(Effect.provide(Sandbox.layer({ retry: { base: "1 millis" }, deadline: "1 minute" }))))

  it.effect("perSecond: a token bucket shared by every call through the layer", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const fibers = yield* Effect.forEach(Array.from({ length: 9 }, () => makeRequest()), (request) =>
        Effect.fork(PayrollCard.preOrderWithAuth(request)))
      // Real time passes only for signing; on a loaded machine that can take a while, so wait for the
      // allowed requests to arrive, then a little longer to see that no more do.
      const settle = (expected: number) =>
        Effect.gen(function*() {
          for (let i = 0; i < 100 && (yield* Simulator.received).length < expected; i++) {
            yield* Effect.promise(() =>
              new Promise((resolve) => setTimeout(resolve, 10))
            )
          }
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
          return (yield* Simulator.received).length
        })
      assert.strictEqual(yield* settle(3), 3)
      yield* TestClock.adjust("1010 millis") // one refill period, past float rounding
      assert.strictEqual(yield* settle(6), 6)
      yield* TestClock.adjust("1010 millis") // one refill period, past float rounding
      const responses = yield* Fiber.joinAll(fibers)
      assert.strictEqual(responses.length, 9)
    }).pipe(Effect.provide(Sandbox.layer({ rateLimit: { perSecond: 3 }, deadline: "1 minute" }))))

  it.effect("maxInFlight: at most N requests on the wire at once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      yield* Simulator.inject(Simulator.Fault.Delay({ duration: "1 second" }), { times: 6 })
      const fibers = yield* Effect.forEach(Array.from({ length: 6 }, () => makeRequest()), (request) =>
        Effect.fork(PayrollCard.preOrderWithAuth(request)))
      for (const expected of [2, 4, 6]) {
        yield* Effect.promise(() =>
          new Promise((resolve) => setTimeout(resolve, 50))
        )
        assert.strictEqual((yield* Simulator.received).length, expected)
        yield* TestClock.adjust("1 second")
      }
      assert.strictEqual((yield* Fiber.joinAll(fibers)).length, 6)
    }).pipe(Effect.provide(Sandbox.layer({ rateLimit: { maxInFlight: 2 }, deadline: "1 minute" }))))

  it.effect("options are checked when the layer is built", () =>
    Effect.gen(function*() {
      const keys = yield* TestKeys.generateSet()
      const simulator = yield* Simulator.make(keys)
      const transport = Layer.succeed(HttpClient.HttpClient, SandboxHttpClient.fromSimulator(simulator))
      const invalid = [
        { timeout: "0 seconds" },
        { deadline: -1 },
        { retry: { attempts: 0 } },
        { retry: { attempts: 1.5 } },
        { rateLimit: { maxInFlight: 0 } },
        { rateLimit: { perSecond: Number.NaN } },
        { baseUrl: "api.mch.weixin.qq.com" },
        { backupBaseUrl: "ftp://example.com" },
        { backupBaseUrl: "https://example.com/?q=1" }
      ] as const
      for (const options of invalid) {
        const live = WeChatPay.layer({
          mchid: keys.mchid,
          merchantSerialNo: keys.merchantSerialNo,
          merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
          platformPublicKeyId: keys.platformPublicKeyId,
          platformPublicKey: keys.platformPublicKey,
          ...(options as object)
        }).pipe(Layer.provide(transport))
        const error = yield* Effect.flip(Layer.build(live).pipe(Effect.scoped))
        assert.strictEqual(error._tag, "InvalidOptionError", JSON.stringify(options))
      }
    }))
})

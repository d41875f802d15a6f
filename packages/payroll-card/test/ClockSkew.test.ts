import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { SandboxHttpClient, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Layer, Redacted, TestClock } from "effect"
import { makeRequest } from "./fixtures.js"

/** A clock `offset` milliseconds away from `base`. */
const shifted = (base: Clock.Clock, offset: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis() + offset,
  currentTimeMillis: Effect.map(base.currentTimeMillis, (t) => t + offset),
  unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos() + BigInt(offset) * 1_000_000n,
  currentTimeNanos: Effect.map(base.currentTimeNanos, (t) => t + BigInt(offset) * 1_000_000n),
  sleep: (duration) => base.sleep(duration)
})

/** The SDK against a simulator whose clock is `offset` milliseconds away from ours. */
const skewedSandbox = (offset: number) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const keys = yield* TestKeys.generateSet()
    const simulator = yield* Simulator.make(keys)
    const inMemory = SandboxHttpClient.fromSimulator(simulator)
    const transport = HttpClient.make((request) =>
      Effect.flatMap(Effect.clock, (clock) => Effect.withClock(inMemory.execute(request), shifted(clock, offset)))
    )
    return WeChatPay.layer({
      mchid: keys.mchid,
      merchantSerialNo: keys.merchantSerialNo,
      merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
      platformPublicKeyId: keys.platformPublicKeyId,
      platformPublicKey: keys.platformPublicKey
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, transport)))
  }))

describe("clock skew", () => {
  it.effect("our clock ten minutes behind WeChat's: SIGN_ERROR whose detail names the clock, not retried", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-11-22T12:00:00Z"))
      const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
      assert.strictEqual(error._tag, "SIGN_ERROR")
      if (error._tag === "SIGN_ERROR") {
        assert.strictEqual(error.status, 401)
        assert.match(String(error), /clock|timestamp/i)
        assert.strictEqual(error.detail?.location, "authorization")
        // Measured from the answer's Date header: our clock is ten minutes behind WeChat's.
        assert.strictEqual(error.clockSkewSeconds, -600)
        assert.include(String(error), "600 s behind WeChat's")
      }
    }).pipe(Effect.provide(skewedSandbox(10 * 60_000))))

  it.effect("four minutes of skew is within WeChat's window: the call succeeds", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-11-22T12:00:00Z"))
      const response = yield* PayrollCard.preOrderWithAuth(makeRequest())
      assert.isString(response.token)
    }).pipe(Effect.provide(skewedSandbox(4 * 60_000))))

  it.effect("a SIGN_ERROR with no clock skew says nothing about clocks", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-11-22T12:00:00Z"))
      const keys = yield* TestKeys.generateSet()
      const simulator = yield* Simulator.make(keys)
      const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest())).pipe(
        Effect.provide(
          WeChatPay.layer({
            mchid: keys.mchid,
            // A serial WeChat does not know: SIGN_ERROR for another reason than time.
            merchantSerialNo: "0000000000000000000000000000000000000000",
            merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
            platformPublicKeyId: keys.platformPublicKeyId,
            platformPublicKey: keys.platformPublicKey
          }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, SandboxHttpClient.fromSimulator(simulator))))
        )
      )
      assert.strictEqual(error._tag, "SIGN_ERROR")
      if (error._tag === "SIGN_ERROR") assert.isUndefined(error.clockSkewSeconds)
    }))

  it.effect("the same four minutes the other way also succeeds", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-11-22T12:00:00Z"))
      const response = yield* PayrollCard.preOrderWithAuth(makeRequest())
      assert.isString(response.token)
    }).pipe(Effect.provide(skewedSandbox(-4 * 60_000))))
})

import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, TestClock } from "effect"
import { makeRequest } from "./fixtures.js"

const gets = Effect.map(Simulator.received, (requests) => requests.filter((r) => r.method === "GET").length)

describe("PayrollCard.awaitAuthentication", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("polls every interval until the worker finishes, and returns that final result", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        yield* PayrollCard.preOrderWithAuth(request)
        const query = { authenticate_number: request.authenticate_number, sub_mchid: request.sub_mchid }

        const fiber = yield* Effect.fork(PayrollCard.awaitAuthentication(query, { interval: "3 seconds" }))
        yield* TestClock.adjust("6 seconds")
        assert.strictEqual(yield* gets, 3) // at 0, 3 and 6 s: still processing
        assert.isNull(fiber.unsafePoll())

        yield* Simulator.complete(request.authenticate_number, "FAILED")
        yield* TestClock.adjust("3 seconds")
        const result = yield* Fiber.join(fiber)
        assert.strictEqual(result.authenticate_state, "AUTHENTICATE_FAILED")
        assert.strictEqual(yield* gets, 4)
      }))

    it.effect("gives up with AuthenticationTimeout when the timeout passes first, saying how long and how often", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        yield* PayrollCard.preOrderWithAuth(request)
        const query = { authenticate_number: request.authenticate_number, sub_mchid: request.sub_mchid }

        const fiber = yield* Effect.fork(Effect.exit(PayrollCard.awaitAuthentication(query)))
        yield* TestClock.adjust("10 minutes")
        const exit = yield* Fiber.join(fiber)
        assert.isTrue(Exit.isFailure(exit))
        const error = Cause.failureOption((exit as Exit.Failure<unknown, unknown>).cause)
        assert.isTrue(error._tag === "Some" && error.value instanceof PayrollCard.AuthenticationTimeout)
        const timeout = (error as { value: PayrollCard.AuthenticationTimeout }).value
        // Defaults: every 3 s for 5 minutes, from 0 s to the last look at 300 s; one at 303 s would be too late.
        assert.strictEqual(timeout.polls, 101)
        assert.strictEqual(timeout.waitedMillis, 300_000)
        assert.strictEqual(yield* gets, 101)
        assert.strictEqual(
          timeout.message,
          `identity check ${request.authenticate_number} still AUTHENTICATE_PROCESSING at the last look within its 300 s timeout (101 polls, the last after 300 s)`
        )
      }))

    it.effect("the message names the configured timeout exactly, not how long it had waited at its last look", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        yield* PayrollCard.preOrderWithAuth(request)
        const query = { authenticate_number: request.authenticate_number, sub_mchid: request.sub_mchid }
        const messages: Array<string> = []
        // Looks at 0 and 2 s; one at 4 s would be past 3 s. Then a timeout that is not whole seconds.
        const cases: Array<PayrollCard.AwaitOptions> = [
          { interval: "2 seconds", timeout: "3 seconds" },
          { interval: "1 second", timeout: "2500 millis" }
        ]
        for (const options of cases) {
          const fiber = yield* Effect.fork(Effect.flip(PayrollCard.awaitAuthentication(query, options)))
          yield* TestClock.adjust("10 seconds")
          const error = yield* Fiber.join(fiber)
          assert.strictEqual(error._tag, "AuthenticationTimeout")
          if (error._tag === "AuthenticationTimeout") messages.push(error.message)
        }
        const checking = `identity check ${request.authenticate_number} still AUTHENTICATE_PROCESSING`
        assert.deepStrictEqual(messages, [
          `${checking} at the last look within its 3 s timeout (2 polls, the last after 2 s)`,
          `${checking} at the last look within its 2500 ms timeout (3 polls, the last after 2 s)`
        ])
      }))

    it.effect("fails at once with getAuthentication's error, e.g. ORDER_NOT_EXIST for a number never pre-ordered", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const error = yield* Effect.flip(
          PayrollCard.awaitAuthentication({ authenticate_number: "neverPreOrdered1", sub_mchid: "1900000109" })
        )
        assert.strictEqual(error._tag, "ORDER_NOT_EXIST")
        assert.strictEqual(yield* gets, 1)
      }))
  })
})

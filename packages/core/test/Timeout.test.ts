import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Ref, TestClock } from "effect"
import * as Timeout from "../src/internal/runtime/timeout.js"

const timedOut = Effect.fail("timed out" as const)

describe("internal/timeout", () => {
  describe("under the live clock (its own timer)", () => {
    it.live("fails with onTimeout once the effect has been interrupted, and its finalizer has run", () =>
      Effect.gen(function*() {
        const finalized = yield* Ref.make(false)
        const exit = yield* Effect.exit(
          Timeout.timeoutWith(
            Effect.never.pipe(Effect.onInterrupt(() => Effect.zipRight(Effect.sleep(5), Ref.set(finalized, true)))),
            10,
            timedOut
          )
        )
        assert.deepStrictEqual(exit, Exit.fail("timed out"))
        assert.isTrue(yield* Ref.get(finalized))
      }))

    it.live("returns a value, a failure or a defect of the effect as it is, and the timer does not fire later", () =>
      Effect.gen(function*() {
        const fired = yield* Ref.make(0)
        const onTimeout = Effect.zipRight(Ref.update(fired, (n) => n + 1), timedOut)
        assert.strictEqual(yield* Timeout.timeoutWith(Effect.succeed(1), 20, onTimeout), 1)
        assert.strictEqual(yield* Timeout.timeoutWith(Effect.as(Effect.sleep(2), 2), 20, onTimeout), 2)
        assert.deepStrictEqual(
          yield* Effect.exit(Timeout.timeoutWith(Effect.fail("no"), 20, onTimeout)),
          Exit.fail("no")
        )
        const died = yield* Effect.exit(Timeout.timeoutWith(Effect.die("boom"), 20, onTimeout))
        assert.deepStrictEqual(died, Exit.die("boom"))
        yield* Effect.sleep(40)
        assert.strictEqual(yield* Ref.get(fired), 0)
      }))

    it.live("interrupting the caller interrupts the effect and waits for it", () =>
      Effect.gen(function*() {
        const started = yield* Deferred.make<void>()
        const finalized = yield* Ref.make(false)
        const fiber = yield* Effect.fork(
          Timeout.timeoutWith(
            Deferred.succeed(started, undefined).pipe(
              Effect.zipRight(Effect.never),
              Effect.onInterrupt(() => Effect.zipRight(Effect.sleep(5), Ref.set(finalized, true)))
            ),
            10_000,
            timedOut
          )
        )
        yield* Deferred.await(started)
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        assert.isTrue(yield* Ref.get(finalized))
      }))
  })

  describe("under another clock (Effect.timeoutTo)", () => {
    it.effect("TestClock decides when time is up", () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.exit(Timeout.timeoutWith(Effect.never, 1_000, timedOut)))
        yield* TestClock.adjust(999)
        assert.isNull(fiber.unsafePoll())
        yield* TestClock.adjust(1)
        assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.fail("timed out"))
        assert.strictEqual(yield* Timeout.timeoutWith(Effect.succeed(3), 1_000, timedOut), 3)
      }))
  })
})

import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import * as Cancelable from "../src/internal/runtime/cancelable.js"

describe("internal/cancelable", () => {
  it.effect("runs the canceler when the fiber is interrupted while waiting, and waits for it", () =>
    Effect.gen(function*() {
      let canceled = 0
      const fiber = yield* Effect.fork(Cancelable.async<number, never>(() => Effect.sync(() => canceled++)))
      yield* Effect.yieldNow()
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.strictEqual(canceled, 1)
    }))

  it.effect("does not run it once the operation has resumed, with a value or a failure", () =>
    Effect.gen(function*() {
      let canceled = 0
      const cancel = Effect.sync(() => canceled++)
      const value = yield* Cancelable.async<number, string>((resume) => {
        setTimeout(() => resume(Effect.succeed(1)), 1)
        return cancel
      })
      const failure = yield* Effect.flip(Cancelable.async<number, string>((resume) => {
        resume(Effect.fail("no"))
        return cancel
      }))
      assert.strictEqual(value, 1)
      assert.strictEqual(failure, "no")
      assert.strictEqual(canceled, 0)
    }))

  it.effect("gives each run of the same effect its own canceler", () =>
    Effect.gen(function*() {
      const canceled: Array<number> = []
      let runs = 0
      const operation = Cancelable.async<number, never>(() => {
        const run = ++runs
        return Effect.sync(() => canceled.push(run))
      })
      const first = yield* Effect.fork(operation)
      yield* Effect.yieldNow()
      const second = yield* Effect.fork(operation)
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(first)
      assert.deepStrictEqual(canceled, [1])
      yield* Fiber.interrupt(second)
      assert.deepStrictEqual(canceled, [1, 2])
    }))
})

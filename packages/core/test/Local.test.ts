import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, FiberRef } from "effect"
import * as Local from "../src/internal/runtime/local.js"

const a = FiberRef.unsafeMake("a0")
const b = FiberRef.unsafeMake(0)

const both = Effect.all([FiberRef.get(a), FiberRef.get(b)])

describe("internal/local", () => {
  it.effect("sets every ref for the effect, and puts each back after a success, a failure or a defect", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* Local.locally(both, [[a, "a1"], [b, 1]]), ["a1", 1])
      assert.deepStrictEqual(yield* both, ["a0", 0])
      const failed = yield* Effect.exit(Local.locally(Effect.zipRight(both, Effect.fail("no")), [[a, "a1"]]))
      assert.deepStrictEqual(failed, Exit.fail("no"))
      assert.deepStrictEqual(yield* both, ["a0", 0])
      yield* Effect.exit(Local.locally(Effect.die("boom"), [[b, 2]]))
      assert.deepStrictEqual(yield* both, ["a0", 0])
      // Nested: the inner binding wins inside, the outer comes back after it.
      const nested = yield* Local.locally(
        Effect.all([Local.locally(FiberRef.get(a), [[a, "inner"]]), FiberRef.get(a)]),
        [[a, "outer"]]
      )
      assert.deepStrictEqual(nested, ["inner", "outer"])
    }))

  it.effect("puts the refs back when the effect is interrupted, and a ref the effect set itself stays", () =>
    Effect.gen(function*() {
      const inside = yield* Deferred.make<readonly [string, number]>()
      const after = yield* Deferred.make<readonly [string, number]>()
      const fiber = yield* Effect.fork(
        Local.locally(Effect.zipRight(Effect.flatMap(both, (v) => Deferred.succeed(inside, v)), Effect.never), [
          [a, "a1"],
          [b, 1]
        ]).pipe(Effect.onInterrupt(() => Effect.flatMap(both, (v) => Deferred.succeed(after, v))))
      )
      assert.deepStrictEqual(yield* Deferred.await(inside), ["a1", 1])
      assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(fiber)))
      assert.deepStrictEqual(yield* Deferred.await(after), ["a0", 0])
      const kept = yield* Local.locally(Effect.zipRight(FiberRef.set(b, 7), FiberRef.get(a)), [[a, "a1"]])
      assert.strictEqual(kept, "a1")
      assert.deepStrictEqual(yield* both, ["a0", 7])
    }))

  it.effect("runs its hooks once each, on the way in and on the way out, however the effect ends", () =>
    Effect.gen(function*() {
      let inside = 0
      const seen: Array<number> = []
      const hooks = { enter: () => void inside++, exit: () => void inside-- }
      yield* Local.locally(Effect.sync(() => seen.push(inside)), [[a, "a1"]], hooks)
      yield* Effect.exit(Local.locally(Effect.fail("no"), [[a, "a1"]], hooks))
      yield* Effect.exit(Local.locally(Effect.die("boom"), [[a, "a1"]], hooks))
      const started = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        Local.locally(Effect.zipRight(Deferred.succeed(started, undefined), Effect.never), [[a, "a1"]], hooks)
      )
      yield* Deferred.await(started)
      assert.strictEqual(inside, 1)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(seen, [1])
      assert.strictEqual(inside, 0)
    }))
})

import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as Scheduler from "../src/internal/scheduler.js"

describe("internal/scheduler", () => {
  it("runs a batch's tasks in priority order, then what they scheduled in the next batch", async () => {
    const ran: Array<string> = []
    await new Promise<void>((resolve) => {
      Scheduler.shared.scheduleTask(() => ran.push("a0"), 0)
      Scheduler.shared.scheduleTask(() => ran.push("b-1"), -1)
      Scheduler.shared.scheduleTask(() => {
        ran.push("a0'")
        Scheduler.shared.scheduleTask(() => {
          ran.push("next")
          resolve()
        }, 0)
      }, 0)
    })
    assert.deepStrictEqual(ran, ["b-1", "a0", "a0'", "next"])
  })

  it.live("fibers on it fork, wait, yield and finish as on the default scheduler", () =>
    Effect.gen(function*() {
      const fibers = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) => Effect.fork(Effect.as(Effect.zipRight(Effect.sleep(1), Effect.yieldNow()), i * 2))
      )
      const results = yield* Fiber.joinAll(fibers)
      assert.deepStrictEqual(results, Array.from({ length: 50 }, (_, i) => i * 2))
      // A long synchronous run yields now and then, and still completes.
      let n = 0
      yield* Effect.repeatN(Effect.sync(() => n++), 10_000)
      assert.strictEqual(n, 10_001)
    }).pipe(Effect.withScheduler(Scheduler.shared)))

  it("is not Effect's default scheduler, which is what a call replaces", () => {
    assert.isFalse(Scheduler.isDefault(Scheduler.shared))
  })
})

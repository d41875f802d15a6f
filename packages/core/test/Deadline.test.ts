import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schedule, TestClock } from "effect"
import { retryWithin } from "../src/internal/pipeline/deadline.js"

type Failure = { readonly retryable: boolean; readonly n: number }

/** An attempt that fails with the given outcomes in turn, then succeeds; it records when it ran. */
const scripted = (outcomes: ReadonlyArray<Failure | "hang">) => {
  const starts: Array<number> = []
  let i = 0
  const attempt = Effect.gen(function*() {
    starts.push(yield* TestClock.currentTimeMillis)
    const outcome = outcomes[i++]
    if (outcome === undefined) return "ok"
    if (outcome === "hang") return yield* Effect.never
    return yield* Effect.fail(outcome)
  })
  return { attempt, starts }
}

const options = {
  schedule: () => Schedule.spaced("100 millis").pipe(Schedule.intersect(Schedule.recurs(3))),
  while: (e: Failure | "deadline") => e !== "deadline" && e.retryable,
  deadlineMillis: 1000,
  attemptMillis: 300,
  onDeadline: () => "deadline" as const
}

describe("retryWithin", () => {
  it.effect("success on the first attempt: no timer was needed, nothing retried", () =>
    Effect.gen(function*() {
      const { attempt, starts } = scripted([])
      assert.strictEqual(yield* retryWithin(attempt, options), "ok")
      assert.deepStrictEqual(starts, [0])
    }))

  it.effect("the first failure's backoff applies: it is replayed into the schedule", () =>
    Effect.gen(function*() {
      const { attempt, starts } = scripted([{ retryable: true, n: 1 }, { retryable: true, n: 2 }])
      const fiber = yield* Effect.fork(retryWithin(attempt, options))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(fiber), "ok")
      assert.deepStrictEqual(starts, [0, 100, 200])
    }))

  it.effect("a failure that is not retryable is returned at once", () =>
    Effect.gen(function*() {
      const { attempt, starts } = scripted([{ retryable: false, n: 1 }])
      const error = yield* Effect.flip(retryWithin(attempt, options))
      assert.deepStrictEqual(error, { retryable: false, n: 1 })
      assert.deepStrictEqual(starts, [0])
    }))

  it.effect("the deadline counts from the start of the call, not from the first failure", () =>
    Effect.gen(function*() {
      const { attempt, starts } = scripted([{ retryable: true, n: 1 }, "hang"])
      const fiber = yield* Effect.fork(retryWithin(attempt, options))
      yield* TestClock.adjust("999 millis")
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Effect.flip(Fiber.join(fiber)), "deadline")
      assert.deepStrictEqual(starts, [0, 100])
    }))

  it.effect("without a schedule the attempt runs once, alone", () =>
    Effect.gen(function*() {
      const { attempt, starts } = scripted([{ retryable: true, n: 1 }])
      const error = yield* Effect.flip(retryWithin(attempt, { ...options, schedule: undefined }))
      assert.deepStrictEqual(error, { retryable: true, n: 1 })
      assert.deepStrictEqual(starts, [0])
    }))

  it.effect("an attempt timeout as long as the deadline: the deadline is timed from the start", () =>
    Effect.gen(function*() {
      const { attempt } = scripted(["hang"])
      const fiber = yield* Effect.fork(retryWithin(attempt, { ...options, attemptMillis: 1000 }))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Effect.flip(Fiber.join(fiber)), "deadline")
    }))

  it.effect("a wait asked for (Retry-After) past what is left of the deadline: that error, at once", () =>
    Effect.gen(function*() {
      type Asking = Failure & { readonly waitMillis?: number }
      const waiting = {
        ...options,
        waitMillis: (e: Asking | "deadline") => e === "deadline" ? undefined : e.waitMillis
      }
      // On the first failure: nothing is left for a 1 s wait.
      const first = scripted([{ retryable: true, n: 1, waitMillis: 1000 } as Asking])
      assert.deepStrictEqual(yield* Effect.flip(retryWithin(first.attempt, waiting)), {
        retryable: true,
        n: 1,
        waitMillis: 1000
      })
      assert.deepStrictEqual(first.starts, [0])
      // On a later one: 100 ms in, 900 ms are left, and 850 ms fit but 950 ms do not.
      const later = scripted([
        { retryable: true, n: 1 },
        { retryable: true, n: 2, waitMillis: 850 } as Asking,
        { retryable: true, n: 3, waitMillis: 950 } as Asking
      ])
      const fiber = yield* Effect.fork(retryWithin(later.attempt, { ...waiting, deadlineMillis: 1100 }))
      yield* TestClock.adjust("200 millis")
      assert.deepStrictEqual(yield* Effect.flip(Fiber.join(fiber)), { retryable: true, n: 3, waitMillis: 950 })
      assert.deepStrictEqual(later.starts, [0, 100, 200])
    }))
})

/**
 * `Effect.timeoutFail` at a third of its cost, for the timers every call pays for (the attempt's timeout).
 *
 * `Effect.timeoutFail` races the effect against a sleep: it forks both into fibers, each copying the fiber's
 * refs, and joins the winner back. In the SDK's pipeline that race was the largest single cost of a call
 * (≈ 65 µs of CPU per call, RSA stubbed: `bench/overhead.ts`). Here the effect runs in one forked fiber and the
 * timer is a plain `setTimeout`, which is what the live `Clock`'s `sleep` is made of anyway.
 *
 * Only under the live `Clock`: a program that provides another one (`TestClock`, a clock of its own) gets
 * `Effect.timeoutFail` itself, so that its time decides, as everywhere else in Effect.
 *
 * Same semantics as `Effect.timeoutFail`: when time is up the effect is interrupted, and the timeout error
 * comes only once that interruption has completed (a socket being torn down is torn down first); the
 * effect's own failure, defect or interruption comes out as it is; interrupting the caller interrupts the
 * effect and waits for it. Unlike it, fiber refs the effect sets are not merged back into the caller: the
 * SDK's attempts set none that outlive them.
 */
import type { FiberRef } from "effect"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Cancelable from "./cancelable.js"

/** The live clock, as every program has it unless it provides another. */
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/**
 * The fiber's clock, read in place rather than through `Clock.currentTimeMillis`'s steps (TestClock in tests).
 *
 * @internal
 */
export const clockOf = (fiber: { getFiberRef<A>(ref: FiberRef.FiberRef<A>): A }): Clock.Clock =>
  Context.get(fiber.getFiberRef(DefaultServices.currentServices), Clock.Clock)

/**
 * Whether `clock` is the live clock, whose time is `Date.now()`.
 *
 * @internal
 */
export const isLiveClock = (clock: Clock.Clock): boolean => clock === liveClock

/** `setTimeout`'s longest delay; a longer one fires at once, so leave those to `Effect.timeoutFail`. */
const MAX_TIMER_MILLIS = 2_147_483_647

/**
 * Runs `onTimeout` instead when `self` has not completed within `millis` of the fiber's clock.
 *
 * @internal
 */
export const timeoutWith = <A, E, R, E2, R2>(
  self: Effect.Effect<A, E, R>,
  millis: number,
  onTimeout: Effect.Effect<never, E2, R2>
): Effect.Effect<A, E | E2, R | R2> =>
  Effect.withFiberRuntime<A, E | E2, R | R2>((parent) => {
    if (clockOf(parent) !== liveClock || !(millis >= 0 && millis <= MAX_TIMER_MILLIS)) {
      return Effect.flatten(
        Effect.timeoutTo(self, { duration: millis, onSuccess: Effect.succeed, onTimeout: () => onTimeout })
      )
    }
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.fork(restore(self)), (fiber) =>
        restore(Cancelable.async<A, E | E2, R2>((resume) => {
          let settled = false
          const timer = setTimeout(() => {
            if (settled) return
            settled = true
            resume(Effect.zipRight(Fiber.interruptAs(fiber, parent.id()), onTimeout))
          }, millis)
          fiber.addObserver((exit) => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            resume(exit)
          })
          // The caller was interrupted: so is the effect, and the caller waits for it to wind down.
          return Effect.suspend(() => {
            settled = true
            clearTimeout(timer)
            return Fiber.interruptAs(fiber, parent.id())
          })
        })))
    )
  })

/**
 * `Effect.async` with a canceler, without the object V8 pretenures.
 *
 * `Effect.async` runs a returned canceler through `Effect.onInterrupt`, whose cleanup closes over an options object
 * made per call (`Exit.match`'s). It lives as long as the operation waits, so when many operations overlap, V8 learns
 * to allocate it straight into the old generation ("pretenuring"), where it keeps the canceler, and everything the
 * canceler closes over (node's request and response, the body read), alive until the next full collection. Checking
 * each literal's generation as it is made (`%InYoungGeneration`) showed it old for three calls in four. This is the
 * same composition with the cleanup written as a plain function: the same steps, the same semantics (the canceler
 * runs only when the effect is interrupted while waiting, and the fiber waits for it), nothing for V8 to pretenure.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * Like `Effect.async`: `register` starts the operation, calls `resume` once, and returns what undoes the operation
 * when the fiber is interrupted before it resumes.
 *
 * @internal
 */
export const async = <A, E, R = never>(
  register: (resume: (effect: Effect.Effect<A, E, R>) => void) => Effect.Effect<void>
): Effect.Effect<A, E, R> =>
  // Suspended: each run of the effect has its own canceler, as with `Effect.async`.
  Effect.suspend(() => {
    let cancel: Effect.Effect<void> | undefined
    return Effect.onExit(
      Effect.async<A, E, R>((resume) => {
        cancel = register(resume)
      }),
      (exit) =>
        Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause) && cancel !== undefined ? cancel : Effect.void
    )
  })

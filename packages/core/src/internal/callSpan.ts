/**
 * The span of a declared call, as `Effect.fn(name)` gives it, in fewer steps.
 *
 * `Effect.fn` opens the span with `Effect.withSpan`, which makes it the parent span with
 * `Effect.provideService` (an `acquireUseRelease`), and `execute` then set the call's route the same way: 49 of a
 * call's runtime steps (counted in `bench/overhead.ts`). Here one `Local.locally` does both. What the span
 * carries is `Effect.fn`'s: its name, the parent of the attempts' `http.client` spans, and the definition and
 * call sites that `Cause.pretty` prints under a failure.
 */
import { Context, Effect, FiberRef, Tracer } from "effect"
import * as Call from "./call.js"
import * as Local from "./local.js"

/**
 * An `Error` whose stack holds the frame of the caller of the function that calls this one (as `Effect.fn` takes
 * it): frames 0 and 1 are this function and that one.
 */
export const site = (): Error => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 3
  const error = new Error()
  Error.stackTraceLimit = limit
  return error
}

/** The caller's frame of a {@link site}, in the form `Cause.pretty` prints. */
const frame = (error: Error): string => {
  const at = (error.stack ?? "").trim().split("\n").slice(3).join("\n").trim()
  return at.includes("(") ? at : at.replace(/at (.*)/, "at ($1)")
}

/**
 * Opens the span `name` around the effect made with it, as its parent span, with `route` as the call's route. `definition` and
 * `call` are {@link site}s taken where the call was declared and where it was made.
 *
 * @internal
 */
export const traced = <A, E, R>(
  effect: (span: Tracer.Span) => Effect.Effect<A, E, R>,
  options: { readonly name: string; readonly route: string; readonly definition: Error; readonly call: Error }
): Effect.Effect<A, E, R> => {
  let stack: string | undefined
  const captureStackTrace = () => stack ??= `${frame(options.definition)}\n${frame(options.call)}`
  return Effect.useSpan(
    options.name,
    { captureStackTrace },
    (span) =>
      Effect.withFiberRuntime<A, E, R>((fiber) =>
        Local.locally(effect(span), [
          [FiberRef.currentContext, Context.add(fiber.currentContext, Tracer.ParentSpan, span)],
          [Call.currentRoute, options.route]
        ])
      )
  )
}

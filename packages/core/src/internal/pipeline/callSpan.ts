/**
 * The span of a declared call, as `Effect.fn(name)` gives it, in fewer steps.
 *
 * `Effect.fn` opens the span with `Effect.withSpan`, which makes it the parent span with
 * `Effect.provideService` (an `acquireUseRelease`), and `execute` then set the call's route the same way: 49 of a
 * call's runtime steps (counted in `bench/overhead.ts`). Here one `Local.locally` does both. What the span
 * carries is `Effect.fn`'s: its name, the parent of the attempts' `http.client` spans, and the site that
 * `Cause.pretty` prints under a failure — where the call was declared (`PayrollCard.ts:…`), and where it was made
 * only when {@link currentCallSites} is on: `Effect.fn` captures a stack trace on every call for that, which cost
 * 12–35 µs per call measured here (V8 walks the async frames of the caller), 2–5 % of a whole call (as
 * `Effect.fnUntraced` says, the traced form is not for hot paths). Off, a call pays one read of a fiber ref.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as Local from "../runtime/local.js"
import * as Call from "./callContext.js"

/**
 * Whether a declared call records where it was made (`CallSite.currentEnabled`). Off by default.
 *
 * @internal
 */
export const currentCallSites: FiberRef.FiberRef<boolean> = globalValue(
  Symbol.for("@effect-wechatpay/core/CallSite/currentEnabled"),
  () => FiberRef.unsafeMake(false)
)

/**
 * Whether the code running now is a fiber's (an `Effect.gen` body, a `flatMap` continuation) with
 * {@link currentCallSites} on. Read when the call is made, not when it runs: by then the caller's frame is gone.
 * An effect made outside any fiber (a module-level constant) has no fiber to ask, and records nothing.
 *
 * @internal
 */
export const recording = (): boolean => {
  const fiber = Fiber.getCurrentFiber()
  return Option.isSome(fiber) && fiber.value.getFiberRef(currentCallSites)
}

/**
 * An `Error` whose stack holds the frame of the caller of the function that calls this one (as `Effect.fn` takes
 * it): frames 0 and 1 are this function and that one. Taken once per declared call, and once per call made while
 * {@link recording}.
 *
 * @internal
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
 * What a span declared at `definition` (a {@link site}) gives `Cause.pretty`: the declaration's frame, and the
 * frame of the `call` when there is one (as `Effect.fn` gives both), formatted once, when first asked for.
 */
const trace = (definition: Error, call?: Error): () => string => {
  let stack: string | undefined
  return () => stack ??= call === undefined ? frame(definition) : `${frame(definition)}\n${frame(call)}`
}

/**
 * Opens the span `name` around the effect made with it, as its parent span, with `route` as the call's route.
 * Made once per declared call: the options it hands `Effect.useSpan` are then one object for every call, not one
 * per call (an object made per call and held for the call's whole life is one V8 learns to allocate in the old
 * generation, where it keeps what it points to alive until the next full collection). Given the `call` site (a
 * {@link site} taken where the call was made), the span's trace shows that frame too.
 *
 * @internal
 */
export const make = (options: { readonly name: string; readonly route: string; readonly definition: Error }) => {
  const spanOptions = { captureStackTrace: trace(options.definition) }
  return <A, E, R>(effect: (span: Tracer.Span) => Effect.Effect<A, E, R>, call?: Error): Effect.Effect<A, E, R> =>
    Effect.useSpan(
      options.name,
      call === undefined ? spanOptions : { captureStackTrace: trace(options.definition, call) },
      (span) =>
        Effect.withFiberRuntime<A, E, R>((fiber) =>
          Local.locally(
            effect(span),
            Local.list(
              Local.bind(FiberRef.currentContext, Context.add(fiber.currentContext, Tracer.ParentSpan, span)),
              Local.bind(Call.currentRoute, options.route)
            )
          )
        )
    )
}

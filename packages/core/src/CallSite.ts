/**
 * Where a failed call was made: an opt-in that makes every declared call (`PayrollCard.preOrderWithAuth`, any
 * `Endpoint.toCall`) record its caller's file and line, as `Effect.fn` does, so that `Cause.pretty` (what
 * `NodeRuntime.runMain` prints) and the call's span (`code.stacktrace`, on failure) lead to the program's own code,
 * not only to the SDK's declaration of the call.
 *
 * Off by default, for speed: recording takes a stack trace on every call, which costs 12–35 µs of CPU per call
 * (V8 walks the caller's async frames), 2–5 % of a whole call. Off, a call pays one read of a fiber ref.
 *
 * The switch is read when the call is made, from the fiber running the caller's code (an `Effect.gen` body, an
 * `Effect.fn`, a `flatMap` continuation): an effect built outside any running program (a module-level constant)
 * records nothing.
 *
 * @since 0.1.0
 */
import type { FiberRef } from "effect"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as CallSpan from "./internal/pipeline/callSpan.js"

/**
 * Whether declared calls record where they are made; `false` unless {@link layer} or {@link withEnabled} turn
 * it on (as `FiberRef.currentTracerTimingEnabled` is for Effect's spans).
 *
 * @example
 * ```ts
 * import { Effect, FiberRef } from "effect"
 * import { CallSite } from "@effect-wechatpay/core"
 *
 * const on = FiberRef.get(CallSite.currentEnabled) // Effect<boolean>
 * const forThisPart = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.locally(effect, CallSite.currentEnabled, true)
 * ```
 *
 * @since 0.1.0
 * @category fiber refs
 */
export const currentEnabled: FiberRef.FiberRef<boolean> = CallSpan.currentCallSites

/**
 * Runs `self` with call sites recorded (or not, with `false`): every declared call its code makes shows, under a
 * failure in `Cause.pretty`, the line that made it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { CallSite } from "@effect-wechatpay/core"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const program = Effect.gen(function*() {
 *   // On failure, Cause.pretty shows this line: at PayrollCard.getRelation (…/program.ts:8:23)
 *   return yield* PayrollCard.getRelation({ openid: "o1", sub_mchid: "1900000109", sub_appid: "wxa1" })
 * }).pipe(CallSite.withEnabled(true))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withEnabled: {
  (enabled: boolean): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, enabled: boolean): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, enabled: boolean): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentEnabled, enabled)
)

/**
 * Turns call sites on for the program it is provided to (as `Layer.setTracerTiming` does for Effect's own switch);
 * merge it with the SDK's layer while debugging, or in tests.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { CallSite, type WeChatPay } from "@effect-wechatpay/core"
 *
 * declare const WeChatPayLive: Layer.Layer<WeChatPay.Services>
 * declare const program: Effect.Effect<void, never, WeChatPay.Services>
 * const debugging = program.pipe(Effect.provide(Layer.merge(WeChatPayLive, CallSite.layer)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never> = Layer.locallyScoped(currentEnabled, true)

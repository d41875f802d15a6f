/**
 * An attempt's timeout kept by the transport itself, for a transport that can: the lean one.
 *
 * Any other transport gets the attempt's timeout from `timeout.ts`, which runs the attempt in a forked fiber so
 * that it can be interrupted: that fork and its two extra scheduler turns were a sixth of a call's CPU over
 * `LeanHttpClient` (≈ 55 µs of ≈ 325, RSA stubbed: `bench/overhead.ts`). The lean transport instead arms one
 * timer per exchange, from the deadline the pipeline puts in {@link current}, and when it fires tears the exchange
 * down (the request, or the body still being read) with {@link AttemptTimedOut}, which the pipeline turns into
 * the same `RequestTimeout` the forked timer gives.
 *
 * Under the live clock only (the deadline is wall-clock time): with `TestClock` the pipeline uses `timeout.ts`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

/**
 * When the current attempt must have its verified answer, in epoch milliseconds; `undefined` outside the SDK's
 * pipeline, or when the pipeline keeps the time itself.
 *
 * @internal
 */
export const current: FiberRef.FiberRef<number | undefined> = globalValue(
  Symbol.for("@effect-wechatpay/core/AttemptDeadline/current"),
  () => FiberRef.unsafeMake<number | undefined>(undefined)
)

/**
 * The transports that keep {@link current} themselves (a wrapped one does not count: the pipeline cannot know).
 *
 * @internal
 */
export const keepers: WeakSet<HttpClient.HttpClient> = globalValue(
  Symbol.for("@effect-wechatpay/core/AttemptDeadline/keepers"),
  () => new WeakSet<HttpClient.HttpClient>()
)

/**
 * What a keeping transport fails with once the deadline has passed.
 *
 * @internal
 */
export class AttemptTimedOut extends Error {
  constructor() {
    super("the attempt's time was up")
    this.name = "AttemptTimedOut"
  }
}

/**
 * Arms a timer for `deadline` (if any), calling `onExpiry` when it passes; returns what clears it. The timer does
 * not keep the process alive by itself: the connection it guards does.
 *
 * @internal
 */
export const arm = (deadline: number | undefined, onExpiry: () => void): () => void => {
  if (deadline === undefined) return noop
  const timer = setTimeout(onExpiry, Math.max(0, deadline - Date.now()))
  timer.unref()
  return () => clearTimeout(timer)
}

const noop = () => {}

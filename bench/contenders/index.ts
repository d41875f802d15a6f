/**
 * The contenders by name, loaded lazily so that each process loads only its own client.
 */
import type { MakeContender } from "../shared.js"

/**
 * Every contender, in the order the table shows them.
 *
 * @example
 * ```ts
 * const make = await contenders["bare-sync"]!()
 * ```
 */
export const contenders: Record<string, () => Promise<MakeContender>> = {
  "sdk-fetch": async () => (await import("./sdk-fetch.js")).make,
  "sdk-undici": async () => (await import("./sdk-undici.js")).make,
  "sdk-lean": async () => (await import("./sdk-lean.js")).make,
  "sdk-node": async () => (await import("./sdk-node.js")).make,
  "sdk-lean-notrace": async () => (await import("./ablations.js")).noTracer,
  "sdk-lean-noretry": async () => (await import("./ablations.js")).noRetry,
  "sdk-tuned": async () => (await import("./sdk-tuned.js")).make,
  "axios-plugin": async () => (await import("./axios-plugin.js")).make,
  "effect-floor": async () => (await import("./effect-floor.js")).make,
  "bare-sync": async () => (await import("./bare-sync.js")).make,
  "bare-threadpool": async () => (await import("./bare-threadpool.js")).make
}

/** The contenders a run includes unless `--contenders=` says otherwise (`sdk-node` and ablations are opt-in). */
export const DEFAULT_CONTENDERS = [
  "sdk-fetch",
  "sdk-undici",
  "sdk-lean",
  "axios-plugin",
  "effect-floor",
  "bare-sync",
  "bare-threadpool"
]

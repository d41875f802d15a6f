/**
 * Remembers the nonces of verified answers for as long as their signature could still be accepted, so the same
 * signed answer is data once: a copy replayed by someone on the path is refused. One guard per client, shared by
 * every fiber that calls through it.
 *
 * An answer is accepted only within `windowSeconds` of its `Wechatpay-Timestamp` (the Verifier's ±300 s), so a
 * nonce needs remembering until `timestamp + windowSeconds` and no longer. Memory is bounded by `maxEntries`:
 * past it the oldest entries are dropped first, which can only re-open a replay for an answer that
 * is among the oldest (nearest to being refused as stale), and only beyond that many verified answers per window.
 */

/** Remembers verified answers' nonces; `admit` says whether this one is new. */
export interface ReplayGuard {
  /**
   * `true` the first time a nonce is seen within its window (and remembers it), `false` for a replay.
   * `timestampSeconds` is the answer's signed timestamp, `nowMillis` the current time.
   */
  readonly admit: (nonce: string, timestampSeconds: number, nowMillis: number) => boolean
  /** How many nonces are remembered now. */
  readonly size: () => number
}

/** A guard for answers accepted within `windowSeconds` of their timestamp, remembering at most `maxEntries`. */
export const make = (options: { readonly windowSeconds: number; readonly maxEntries: number }): ReplayGuard => {
  // nonce → the time (ms) after which its answer is refused as stale anyway. A Map iterates in insertion order,
  // and answers arrive roughly in timestamp order, so the front of the map is (nearly) the first to expire.
  const expiries = new Map<string, number>()
  const windowMillis = options.windowSeconds * 1000

  const prune = (nowMillis: number) => {
    for (const [nonce, expiry] of expiries) {
      if (expiry > nowMillis && expiries.size < options.maxEntries) break
      expiries.delete(nonce)
    }
  }

  return {
    admit: (nonce, timestampSeconds, nowMillis) => {
      const expiry = timestampSeconds * 1000 + windowMillis
      const known = expiries.get(nonce)
      if (known !== undefined && known > nowMillis) return false
      prune(nowMillis)
      // Re-inserting moves a reused (expired) nonce to the back, in arrival order.
      expiries.delete(nonce)
      expiries.set(nonce, expiry)
      return true
    },
    size: () => expiries.size
  }
}

/**
 * Remembers the nonces of verified answers for as long as their signature could still be accepted, so the same
 * signed answer is data once: a copy replayed by someone on the path is refused. One guard per client, shared by
 * every fiber that calls through it.
 *
 * An answer is accepted within `windowSeconds` of its `Wechatpay-Timestamp` (the Verifier's ±300 s), so a nonce
 * admitted now needs remembering for at most two windows. Nonces live in two generations, the current one and the
 * one before; the current becomes the previous (and the previous is forgotten whole) once it is two windows old,
 * so each nonce is remembered for at least two windows and at most four. A generation also turns over once it
 * holds half of `maxEntries`, which bounds memory and can only re-open a replay for the oldest answers, and only
 * beyond that many verified answers within two windows.
 *
 * Each nonce is kept as two 30-bit hashes (small integers, seeded per process) rather than a string: a full guard
 * then holds no object per entry for the garbage collector to trace, which measured ≈ 30 µs of CPU per call at
 * 100,000 entries with strings. Two different nonces share both hashes with odds of 2⁻⁶⁰ per pair.
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

const MASK = 0x3fffffff

/** A guard for answers accepted within `windowSeconds` of their timestamp, remembering at most `maxEntries`. */
export const make = (options: { readonly windowSeconds: number; readonly maxEntries: number }): ReplayGuard => {
  const lifetime = options.windowSeconds * 2000
  const perGeneration = Math.max(1, Math.floor(options.maxEntries / 2))
  // Seeded per guard: nobody on the path can choose nonces that collide.
  const seed1 = (Math.random() * 0x100000000) >>> 0
  const seed2 = (Math.random() * 0x100000000) >>> 0
  let current = new Map<number, number>()
  let previous = new Map<number, number>()
  let startedAt = Number.NEGATIVE_INFINITY

  return {
    admit: (nonce, timestampSeconds, nowMillis) => {
      // An answer refused as stale anyway needs no memory (and is never admitted by the pipeline).
      if (Math.abs(nowMillis - timestampSeconds * 1000) >= lifetime) return true
      if (nowMillis - startedAt >= lifetime || current.size >= perGeneration) {
        previous = current
        current = new Map()
        startedAt = nowMillis
      }
      // FNV-1a, twice with different seeds.
      let h1 = seed1 ^ 0x811c9dc5
      let h2 = seed2 ^ 0x811c9dc5
      for (let i = 0; i < nonce.length; i++) {
        const c = nonce.charCodeAt(i)
        h1 = Math.imul(h1 ^ c, 0x01000193)
        h2 = Math.imul(h2 ^ c, 0x01000193)
        h2 = Math.imul(h2 ^ (h2 >>> 13), 0x5bd1e995)
      }
      h1 &= MASK
      h2 &= MASK
      if (current.get(h1) === h2 || previous.get(h1) === h2) return false
      current.set(h1, h2)
      return true
    },
    size: () => current.size + previous.size
  }
}

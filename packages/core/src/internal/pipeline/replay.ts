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
 * 100,000 entries with strings. The first hash is the key, the second the value; two different nonces share both
 * with odds of 2⁻⁶⁰ per pair (the newer one is then refused as a replay). Two that share only the first are
 * common (about one pair per generation at 50,000 entries): the later one is kept whole in a small side set, so
 * neither is forgotten and neither can be replayed.
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

/** The nonces admitted in one period: by their two hashes, and whole when the first hash was taken already. */
interface Generation {
  readonly hashes: Map<number, number>
  readonly collided: Set<string>
}

const generation = (): Generation => ({ hashes: new Map(), collided: new Set() })

/** Whether `period` holds the nonce, given what its hashes map the nonce's first hash to. */
const holds = (period: Generation, nonce: string, second: number | undefined, h2: number): boolean =>
  second === h2 || (second !== undefined && period.collided.has(nonce))

const sizeOf = (period: Generation): number => period.hashes.size + period.collided.size

/**
 * A guard for answers accepted within `windowSeconds` of their timestamp, remembering at most `maxEntries`.
 * `hashBits` (at most 30, the default) narrows the hashes: tests use it to make shared first hashes common.
 */
export const make = (options: {
  readonly windowSeconds: number
  readonly maxEntries: number
  readonly hashBits?: number | undefined
}): ReplayGuard => {
  const lifetime = options.windowSeconds * 2000
  const perGeneration = Math.max(1, Math.floor(options.maxEntries / 2))
  const mask = 2 ** Math.min(30, options.hashBits ?? 30) - 1
  // Seeded per guard: nobody on the path can choose nonces that collide.
  const seed1 = (Math.random() * 0x100000000) >>> 0
  const seed2 = (Math.random() * 0x100000000) >>> 0
  let current = generation()
  let previous = generation()
  let startedAt = Number.NEGATIVE_INFINITY

  return {
    admit: (nonce, timestampSeconds, nowMillis) => {
      // An answer refused as stale anyway needs no memory (and is never admitted by the pipeline).
      if (Math.abs(nowMillis - timestampSeconds * 1000) >= lifetime) return true
      if (nowMillis - startedAt >= lifetime || sizeOf(current) >= perGeneration) {
        previous = current
        current = generation()
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
      h1 &= mask
      h2 &= mask
      const taken = current.hashes.get(h1)
      if (holds(current, nonce, taken, h2) || holds(previous, nonce, previous.hashes.get(h1), h2)) return false
      if (taken === undefined) current.hashes.set(h1, h2)
      else current.collided.add(nonce)
      return true
    },
    size: () => sizeOf(current) + sizeOf(previous)
  }
}

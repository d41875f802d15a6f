import { assert, describe, it } from "@effect/vitest"
import * as Replay from "../src/internal/pipeline/replay.js"

const T0 = 1_767_225_600 // seconds

describe("internal/replay", () => {
  it("admits a nonce once within its window, and refuses the copy", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 1000 })
    assert.isTrue(guard.admit("a", T0, T0 * 1000))
    assert.isTrue(guard.admit("b", T0, T0 * 1000))
    assert.isFalse(guard.admit("a", T0, T0 * 1000 + 1))
    assert.isFalse(guard.admit("a", T0, (T0 + 299) * 1000))
  })

  it("remembers a nonce for at least two windows after it was admitted, and forgets it within four", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 1000 })
    guard.admit("a", T0 + 299, T0 * 1000)
    for (const later of [1, 300, 599]) {
      assert.isFalse(guard.admit("a", T0 + 299, (T0 + later) * 1000), `${later} s later`)
    }
    // Refused as stale anyway from T0 + 599 s; after four windows nothing of it is left.
    guard.admit("b", T0 + 600, (T0 + 600) * 1000)
    guard.admit("c", T0 + 1200, (T0 + 1200) * 1000)
    assert.strictEqual(guard.size(), 2)
    assert.isTrue(guard.admit("a", T0 + 1200, (T0 + 1201) * 1000))
  })

  it("keeps at most maxEntries, dropping the oldest first", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 4 })
    for (let i = 0; i < 10; i++) assert.isTrue(guard.admit(`n${i}`, T0, T0 * 1000 + i))
    assert.isAtMost(guard.size(), 4)
    // The newest are still refused as replays.
    assert.isFalse(guard.admit("n9", T0, T0 * 1000 + 10))
    assert.isFalse(guard.admit("n8", T0, T0 * 1000 + 10))
  })

  it("tells 100,000 distinct nonces apart", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 400_000 })
    for (let i = 0; i < 100_000; i++) assert.isTrue(guard.admit(`${i.toString(36).toUpperCase()}F3A9C0`, T0, T0 * 1000))
    assert.strictEqual(guard.size(), 100_000)
  })

  it("remembers every nonce when first hashes collide, and refuses each copy", () => {
    // 8-bit hashes: 2,000 nonces share first hashes hundreds of times over (30 bits: about once per 50,000).
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 10_000, hashBits: 8 })
    const nonces = Array.from({ length: 2_000 }, (_, i) => `N${i.toString(36)}X`)
    const admitted = nonces.filter((nonce) => guard.admit(nonce, T0, T0 * 1000))
    // A pair sharing both 8-bit hashes (odds 2⁻¹⁶ each) is refused: allowed, but never a replay let through.
    assert.isAtLeast(admitted.length, 1_900)
    assert.strictEqual(guard.size(), admitted.length)
    for (const nonce of nonces) assert.isFalse(guard.admit(nonce, T0, T0 * 1000 + 1), nonce)
  })
})

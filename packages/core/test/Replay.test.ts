import { assert, describe, it } from "@effect/vitest"
import * as Replay from "../src/internal/replay.js"

const T0 = 1_767_225_600 // seconds

describe("internal/replay", () => {
  it("admits a nonce once within its window, and refuses the copy", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 1000 })
    assert.isTrue(guard.admit("a", T0, T0 * 1000))
    assert.isTrue(guard.admit("b", T0, T0 * 1000))
    assert.isFalse(guard.admit("a", T0, T0 * 1000 + 1))
    assert.isFalse(guard.admit("a", T0, (T0 + 299) * 1000))
  })

  it("forgets a nonce once its answer would be refused as stale anyway", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 1000 })
    guard.admit("a", T0, T0 * 1000)
    guard.admit("b", T0 + 100, (T0 + 100) * 1000)
    assert.strictEqual(guard.size(), 2)
    // At T0 + 301 s, "a" (expiring at T0 + 300 s) is dropped; "b" is still remembered.
    assert.isTrue(guard.admit("c", T0 + 301, (T0 + 301) * 1000))
    assert.strictEqual(guard.size(), 2)
    assert.isFalse(guard.admit("b", T0 + 100, (T0 + 301) * 1000))
  })

  it("keeps at most maxEntries, dropping the oldest first", () => {
    const guard = Replay.make({ windowSeconds: 300, maxEntries: 3 })
    for (let i = 0; i < 10; i++) assert.isTrue(guard.admit(`n${i}`, T0, T0 * 1000 + i))
    assert.isAtMost(guard.size(), 3)
    // The newest are still refused as replays.
    assert.isFalse(guard.admit("n9", T0, T0 * 1000 + 10))
    assert.isFalse(guard.admit("n8", T0, T0 * 1000 + 10))
  })
})

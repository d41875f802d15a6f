import { assert, describe, it } from "@effect/vitest"
import { isWellFormed, sanitize } from "../src/internal/errors/sanitize.js"

describe("sanitize: server text made safe for one line of a message", () => {
  it("escapes line breaks, controls, separators, bidi overrides and lone surrogates", () => {
    assert.strictEqual(sanitize("a\nb\r\tc"), "a\\nb\\r\\tc")
    assert.strictEqual(sanitize("x\u0000\u001b[31m\u007f\u0085"), "x\\u0000\\u001b[31m\\u007f\\u0085")
    assert.strictEqual(sanitize("p\u2028q\u2029r"), "p\\u2028q\\u2029r")
    assert.strictEqual(sanitize("evil\u202egnp.exe"), "evil\\u202egnp.exe")
    assert.strictEqual(sanitize("lone\uD800 and \uDC00"), "lone\\ud800 and \\udc00")
    // A well-formed pair, and ordinary Chinese text, stay as they are.
    assert.strictEqual(sanitize("😀 系统错误"), "😀 系统错误")
  })

  it("bounds the length and marks the cut", () => {
    const out = sanitize("x".repeat(10_000), 50)
    assert.strictEqual(out, `${"x".repeat(50)}…`)
    assert.strictEqual(sanitize("\n".repeat(100), 10), `${"\\n".repeat(5)}…`)
    assert.strictEqual(sanitize("short", 50), "short")
  })

  it("isWellFormed finds lone surrogates only", () => {
    assert.isTrue(isWellFormed("张三 😀"))
    assert.isFalse(isWellFormed("\uD800"))
    assert.isFalse(isWellFormed("a\uDC00b"))
    assert.isFalse(isWellFormed("😀".slice(0, 1)))
  })
})

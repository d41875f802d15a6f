import { WeChatPayError } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"

const documented: ReadonlyArray<readonly [string, number, boolean]> = [
  ["PARAM_ERROR", 400, false],
  ["INVALID_REQUEST", 400, false],
  ["SIGN_ERROR", 401, false],
  ["NO_AUTH", 403, false],
  ["RESOURCE_NOT_EXISTS", 404, false],
  ["ORDER_NOT_EXIST", 404, false],
  ["FREQUENCY_LIMITED", 429, true],
  ["RATELIMIT_EXCEEDED", 429, true],
  ["SYSTEM_ERROR", 500, true],
  ["SERVICE_UNAVAILABLE", 503, true]
]

describe("WeChatPayError", () => {
  it("maps every documented code to the class whose tag is the code", () => {
    assert.strictEqual(Object.keys(WeChatPayError.documented).length, documented.length)
    for (const [code, status, retryable] of documented) {
      const error = WeChatPayError.fromBody(
        {
          code,
          message: "参数错误",
          detail: { field: "openid", value: 1, issue: "too long", location: "body", extra: true }
        },
        { status, requestId: "RID-1" }
      )
      assert.strictEqual(error._tag, code)
      assert.isTrue(error instanceof WeChatPayError.documented[code as WeChatPayError.DocumentedCode])
      assert.strictEqual(error.status, status)
      assert.strictEqual(error.message, "参数错误")
      assert.strictEqual(error.requestId, "RID-1")
      assert.deepStrictEqual({ ...error.detail }, { field: "openid", value: 1, issue: "too long", location: "body" })
      assert.strictEqual(error.retryable, retryable)
      assert.strictEqual(WeChatPayError.isRetryable(error), retryable)
      assert.strictEqual(String(error), `${code} (HTTP ${status}): 参数错误 [body.openid: too long] Request-ID RID-1`)
      // Round-trips through its schema.
      const encoded = Schema.encodeSync(WeChatPayError.ApiError)(error)
      const decoded = Schema.decodeUnknownSync(WeChatPayError.ApiError)(JSON.parse(JSON.stringify(encoded)))
      assert.strictEqual(decoded._tag, code)
    }
  })

  it("keeps any other code verbatim in UnknownApiError", () => {
    const error = WeChatPayError.fromBody({ code: "NOT_ENOUGH", message: "余额不足" }, { status: 403 })
    assert.strictEqual(error._tag, "UnknownApiError")
    assert.strictEqual((error as WeChatPayError.UnknownApiError).code, "NOT_ENOUGH")
    assert.isFalse(error.retryable)
    assert.isTrue(WeChatPayError.fromBody({ code: "NEW_5XX", message: "" }, { status: 502 }).retryable)
    // A code that names an Object.prototype member is not mistaken for a documented one.
    assert.strictEqual(
      WeChatPayError.fromBody({ code: "toString", message: "" }, { status: 400 })._tag,
      "UnknownApiError"
    )
  })

  it("ignores a detail that is not an object", () => {
    const error = WeChatPayError.fromBody({ code: "PARAM_ERROR", message: "m", detail: "text" }, { status: 400 })
    assert.isUndefined(error.detail)
  })
})

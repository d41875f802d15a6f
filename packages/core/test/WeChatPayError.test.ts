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
  ["NOT_FOUND", 404, false],
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
        { status, requestId: "RID-1", method: "GET", route: "/v3/payroll-card/relations/{openid}", attempts: 3 }
      )
      assert.strictEqual(error._tag, code)
      assert.isTrue(error instanceof WeChatPayError.documented[code as WeChatPayError.DocumentedCode])
      assert.strictEqual(error.status, status)
      assert.strictEqual(error.wechatMessage, "参数错误")
      assert.strictEqual(error.requestId, "RID-1")
      assert.deepStrictEqual({ ...error.detail }, { field: "openid", value: 1, issue: "too long", location: "body" })
      assert.strictEqual(error.retryable, retryable)
      assert.strictEqual(WeChatPayError.isRetryable(error), retryable)
      const line =
        `${code} (HTTP ${status}) on GET /v3/payroll-card/relations/{openid}: 参数错误 [body.openid: too long] (Request-ID RID-1; after 3 attempts)`
      assert.strictEqual(error.message, line)
      // Printed (String, Cause.pretty, runMain), the code shows once: the name is the family, the message starts with it.
      assert.strictEqual(error.name, "WeChatPayError")
      assert.strictEqual(String(error), `WeChatPayError: ${line}`)
      // The detail's value may be personal data: it stays a field, never in the message.
      assert.notInclude(error.message, "\"value\"")
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

  it("puts server text into the message on one line, escaped and bounded, and keeps it raw as a field", () => {
    const forged = "bad\n[ERROR] fake log line\r\u0000\u2028" + "x".repeat(1000)
    const error = WeChatPayError.fromBody(
      { code: "PARAM_ERROR", message: forged, detail: { field: "a\nb", issue: "c\td" } },
      { status: 400, requestId: "RID\n2" }
    )
    assert.strictEqual(error.wechatMessage, forged)
    assert.notMatch(error.message, /[\n\r\u0000\u2028]/)
    assert.include(error.message, "bad\\n[ERROR] fake log line\\r\\u0000\\u2028")
    assert.include(error.message, "[a\\nb: c\\td]")
    assert.isBelow(error.message.length, 400)
    const unknown = WeChatPayError.fromBody({ code: "NEW\nCODE", message: "" }, { status: 400 })
    assert.notInclude(unknown.message, "\n")
  })

  it("a SIGN_ERROR with clock skew says how far off and what to do", () => {
    const error = WeChatPayError.fromBody({ code: "SIGN_ERROR", message: "签名错误" }, {
      status: 401,
      clockSkewSeconds: 600
    })
    assert.include(error.message, "600 s ahead of WeChat's")
    assert.include(error.message, "synchronise the clock")
  })

  it("timeouts name the method, route and attempts", () => {
    const deadline = new WeChatPayError.RequestTimeout({
      scope: "Deadline",
      timeoutMillis: 30000,
      method: "GET",
      route: "/v3/payroll-card/relations/{openid}",
      attempts: 3
    })
    assert.strictEqual(
      deadline.message,
      "GET /v3/payroll-card/relations/{openid} did not complete within its 30000 ms deadline (after 3 attempts)"
    )
    const attempt = new WeChatPayError.RequestTimeout({ scope: "Attempt", timeoutMillis: 10000, attempts: 2 })
    assert.strictEqual(attempt.message, "the call: attempt 2 got no complete answer within 10000 ms")
  })
})

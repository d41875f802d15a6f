import { Endpoint } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { assert, describe, it } from "@effect/vitest"

// Each call module declares its own call; PayrollCard gathers the declarations and derives one function from each.
describe("PayrollCard.endpoints", () => {
  it("each gathered declaration is named after its key, has its derived function, and agrees with its schemas", () => {
    const entries = Object.entries(PayrollCard.endpoints)
    assert.strictEqual(entries.length, 17)
    for (const [key, endpoint] of entries) {
      assert.strictEqual(endpoint.name, `PayrollCard.${key}`)
      assert.strictEqual(typeof (PayrollCard as Record<string, unknown>)[key], "function", key)
      // Made again from its own parts: Endpoint.make throws when a path parameter, query field or echo is not in the
      // schemas, or a GET leaves a field unsent.
      assert.doesNotThrow(() => Endpoint.make(endpoint as Parameters<typeof Endpoint.make>[0]), key)
    }
  })
})

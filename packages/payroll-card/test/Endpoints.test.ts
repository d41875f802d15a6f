import { Endpoint } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

// Each call module declares its own call; PayrollCard gathers the declarations and derives one function from each;
// the sandbox serves each one. CONTRIBUTING.md's "Adding a call" relies on these checks: a new declaration gathered
// without its function, with a field its schemas lack, or without a sandbox route fails here, with no count to bump.
describe("PayrollCard.endpoints", () => {
  it("each gathered declaration is named after its key, has its derived function, and agrees with its schemas", () => {
    const entries = Object.entries(PayrollCard.endpoints)
    assert.isAbove(entries.length, 0)
    for (const [key, endpoint] of entries) {
      assert.strictEqual(endpoint.name, `PayrollCard.${key}`)
      assert.strictEqual(typeof (PayrollCard as Record<string, unknown>)[key], "function", key)
      // Made again from its own parts: Endpoint.make throws when a path parameter, query field or echo is not in the
      // schemas, or a GET leaves a field unsent.
      assert.doesNotThrow(() => Endpoint.make(endpoint as Parameters<typeof Endpoint.make>[0]), key)
    }
  })

  it.layer(Sandbox.layer())((it) => {
    it.effect("the sandbox routes every gathered declaration (an unserved one is 404 RESOURCE_NOT_EXISTS)", () =>
      Effect.gen(function*() {
        // The engine routes before it authenticates: a routed request without Authorization is 401 SIGN_ERROR, an
        // unrouted one 404 RESOURCE_NOT_EXISTS. Path parameters are filled with a placeholder.
        const unserved: Array<string> = []
        for (const [key, endpoint] of Object.entries(PayrollCard.endpoints)) {
          const outcome = yield* Simulator.handle({
            method: endpoint.method,
            url: endpoint.path.replace(/\{[^}]+\}/g, "probe"),
            headers: { "User-Agent": "endpoints-test", Accept: "application/json" },
            body: ""
          })
          const status = outcome._tag === "Respond" ? outcome.response.status : undefined
          if (status !== 401) unserved.push(`${key}: ${endpoint.method} ${endpoint.path} answered ${status}`)
        }
        assert.deepStrictEqual(unserved, [])
      }))
  })
})

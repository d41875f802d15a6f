import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { recordAttributes } from "./utils/tracing.js"

// Each transport's own `http.client` span would carry `url.full` and `url.path`, openid included.
const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

describe("over loopback, spans and messages name the route template, never the openid", () => {
  for (const [name, transport] of transports) {
    layer(Sandbox.layerServer({ retry: false }).pipe(Layer.provide(transport)), { excludeTestServices: true })(
      name,
      (it) => {
        it.effect("getRelation: no span attribute holds the openid; a transport failure's message neither", () =>
          Effect.gen(function*() {
            yield* Simulator.reset
            const openid = "oSecretWorker0002"
            const { attributes, tracer } = yield* recordAttributes
            const request = { openid, sub_mchid: "1900000109", appid: "wxa1" }
            const relation = yield* PayrollCard.getRelation(request).pipe(Effect.withTracer(tracer))
            assert.strictEqual(relation.openid, openid)
            yield* Simulator.inject(Simulator.Fault.Drop())
            const transportError = yield* Effect.flip(PayrollCard.getRelation(request).pipe(Effect.withTracer(tracer)))
            assert.strictEqual(transportError._tag, "RequestError")
            assert.include(transportError.message, "/v3/payroll-card/relations/{openid}")
            assert.notInclude(`${transportError.message} ${String(transportError)}`, openid)
            assert.include(attributes, "url.template=/v3/payroll-card/relations/{openid}")
            assert.isFalse(attributes.some((a) => a.startsWith("url.full=") || a.startsWith("url.path=")))
            assert.notInclude(attributes.join("\n"), openid)
            // The trace still propagates: the server got a traceparent on each request.
            const received = yield* Simulator.received
            assert.isAtLeast(received.length, 1)
            assert.isTrue(
              received.every((r) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(r.headers["traceparent"] ?? ""))
            )
          }))
      }
    )
  }
})

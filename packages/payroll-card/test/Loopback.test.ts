import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxServer, Simulator } from "@effect-wechatpay/sandbox"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { makeRequest } from "./fixtures.js"

// The whole flow over real sockets, with each of the platform's HTTP clients.
const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

describe("over loopback", () => {
  for (const [name, transport] of transports) {
    layer(Sandbox.layerServer({ retry: { base: "1 millis" } }).pipe(Layer.provide(transport)), {
      excludeTestServices: true
    })(name, (it) => {
      it.effect("pre-orders, and 32 concurrent calls all verify", () =>
        Effect.gen(function*() {
          const server = yield* SandboxServer.SandboxServer
          assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
          const first = yield* PayrollCard.preOrderWithAuth(makeRequest())
          assert.isString(first.token)
          const all = yield* Effect.forEach(
            Array.from({ length: 32 }, () => makeRequest()),
            (request) => PayrollCard.preOrderWithAuth(request),
            { concurrency: 32 }
          )
          assert.strictEqual(new Set(all.map((r) => r.token)).size, 32)
        }))

      it.effect("socket-level faults: a dropped connection is retried; a truncated body is never data", () =>
        Effect.gen(function*() {
          yield* Simulator.inject(Simulator.Fault.Drop())
          yield* PayrollCard.preOrderWithAuth(makeRequest())
          yield* Simulator.inject(Simulator.Fault.Truncate({}), { times: 3 })
          const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
          assert.include(["UnexpectedResponse", "RequestError", "ResponseVerificationError"], error._tag)
        }))
    })
  }
})

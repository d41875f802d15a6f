import { WeChatPay } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { SandboxServer, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Redacted, Tracer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { makeRequest } from "./fixtures.js"

/** A loopback port nothing listens on: connecting to it is refused at once. */
const refusedUrl = Effect.async<string>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})

/** A loopback server that counts requests and answers 500, to prove a host was (not) used. */
const countingServer = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly hits: () => number; readonly server: Http.Server }>((resume) => {
    let hits = 0
    const server = Http.createServer((request, response) => {
      hits++
      request.resume()
      response.writeHead(500, { "content-type": "application/json" }).end(
        "{\"code\":\"SYSTEM_ERROR\",\"message\":\"x\"}"
      )
    })
    server.listen(
      0,
      "127.0.0.1",
      () =>
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          hits: () => hits,
          server
        }))
    )
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
)

/** The SDK with `baseUrl`/`backupBaseUrl` chosen by `hosts`, the simulator served on loopback. */
const sdk = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  hosts: (sandboxUrl: string) => Effect.Effect<{ readonly baseUrl: string; readonly backupBaseUrl?: string | false }>
) =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const keys = yield* TestKeys.generateSet()
    // One simulator, shared by the server and the test (to inject faults).
    const simulator = yield* Simulator.make(keys)
    const server = yield* SandboxServer.make().pipe(Effect.provideService(Simulator.Simulator, simulator))
    const urls = yield* hosts(server.url)
    return WeChatPay.layer({
      mchid: keys.mchid,
      merchantSerialNo: keys.merchantSerialNo,
      merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
      platformPublicKeyId: keys.platformPublicKeyId,
      platformPublicKey: keys.platformPublicKey,
      retry: { base: "1 millis" },
      ...urls
    }).pipe(Layer.provide(transport), Layer.merge(Layer.succeed(Simulator.Simulator, simulator)))
  }))

/** Runs `effect` and returns the `wechatpay.host` attributes its spans recorded. */
const hostsAnswering = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const base = yield* Effect.tracer
    const hosts: Array<unknown> = []
    const tracer = Tracer.make({
      span: (...args) => {
        const span = base.span(...args)
        const attribute = span.attribute.bind(span)
        span.attribute = (key, value) => {
          if (key === "wechatpay.host") hosts.push(value)
          attribute(key, value)
        }
        return span
      },
      context: base.context
    })
    const result = yield* Effect.withTracer(effect, tracer)
    return { result, hosts }
  })

const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

describe("backup host failover", () => {
  for (const [name, transport] of transports) {
    it.live(`${name}: the primary refuses connections, the backup answers the same signed request`, () =>
      Effect.gen(function*() {
        let sandboxUrl = ""
        const layer = sdk(transport, (url) => {
          sandboxUrl = url
          return Effect.map(refusedUrl, (dead) => ({ baseUrl: dead, backupBaseUrl: url }))
        })
        const logged: Array<string> = []
        const logger = Logger.make((options) => {
          logged.push(`${options.logLevel.label} ${String(options.message)}`)
        })
        const { hosts, result } = yield* hostsAnswering(PayrollCard.preOrderWithAuth(makeRequest())).pipe(
          Effect.provide(layer),
          Effect.provide(
            Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.All))
          ),
          Effect.timeout("20 seconds")
        )
        assert.isString(result.token)
        assert.deepStrictEqual(hosts, [sandboxUrl])
        assert.isTrue(
          logged.some((line) => line.startsWith("DEBUG") && line.includes("backup host")),
          logged.join("\n")
        )
      }))

    it.live(`${name}: no failover once the request may have reached the primary`, () =>
      Effect.gen(function*() {
        const backup = yield* countingServer
        const layer = sdk(transport, (url) => Effect.succeed({ baseUrl: url, backupBaseUrl: backup.url }))
        const error = yield* Effect.gen(function*() {
          // The primary takes the request and drops the connection, three attempts running.
          yield* Simulator.inject(Simulator.Fault.Drop(), { times: 3 })
          return yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        }).pipe(Effect.provide(layer), Effect.timeout("20 seconds"))
        assert.strictEqual(error._tag, "RequestError")
        assert.strictEqual(backup.hits(), 0)
      }).pipe(Effect.scoped))

    it.live(`${name}: without a backup, a refused connection is retried, then a RequestError`, () =>
      Effect.gen(function*() {
        const layer = sdk(transport, () => Effect.map(refusedUrl, (dead) => ({ baseUrl: dead, backupBaseUrl: false })))
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest())).pipe(
          Effect.provide(layer),
          Effect.timeout("20 seconds")
        )
        assert.strictEqual(error._tag, "RequestError")
        assert.notInclude(JSON.stringify(error), "WECHATPAY2")
      }))
  }
})

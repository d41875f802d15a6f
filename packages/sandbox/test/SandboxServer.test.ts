import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Scope } from "effect"
import * as Http from "node:http"
import { Rsa, Wechatpay } from "wechatpay-axios-plugin"
import * as SandboxServer from "../src/SandboxServer.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, PATH, request, simulatorLayer, validFields, verifyAnswer } from "./fixtures.js"

const keys = await generateKeys()
const ServerLive = SandboxServer.layer().pipe(Layer.provideMerge(simulatorLayer(keys)))
const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => self.pipe(Effect.provide(ServerLive))

interface RawAnswer {
  readonly status: number | undefined
  readonly headers: Http.IncomingHttpHeaders
  readonly body: Buffer
  /** Whether the whole announced body arrived. */
  readonly complete: boolean
  readonly error: Error | undefined
}

// node:http rather than fetch: it lets the test see exactly how many body bytes arrived before the socket closed.
const rawSend = (baseUrl: string, req: Simulator.SimulatedRequest) =>
  Effect.async<RawAnswer>((resume) => {
    let done = false
    const finish = (answer: RawAnswer) => {
      if (!done) {
        done = true
        resume(Effect.succeed(answer))
      }
    }
    const outgoing = Http.request(`${baseUrl}${req.url}`, { method: req.method, headers: req.headers, agent: false })
    outgoing.on("response", (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("error", () => {})
      res.on("close", () =>
        finish({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks),
          complete: res.complete,
          error: undefined
        }))
    })
    outgoing.on("error", (error) =>
      finish({ status: undefined, headers: {}, body: Buffer.alloc(0), complete: false, error }))
    outgoing.end(req.body)
  })

const fetchSend = (baseUrl: string, req: Simulator.SimulatedRequest) =>
  Effect.tryPromise(() => fetch(`${baseUrl}${req.url}`, { method: req.method, headers: req.headers, body: req.body }))

const verify = (headers: Http.IncomingHttpHeaders | Headers, body: string) => {
  const get = (name: string) => headers instanceof Headers ? headers.get(name) ?? "" : String(headers[name] ?? "")
  return verifyAnswer(
    { timestamp: get("wechatpay-timestamp"), nonce: get("wechatpay-nonce"), signature: get("wechatpay-signature") },
    body,
    keys.platformPublicKey
  )
}

describe("SandboxServer", () => {
  it.effect("listens on an ephemeral loopback port and answers with the runtime's Clock", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.isAbove(server.port, 0)
      const response = yield* fetchSend(server.url, yield* request(keys))
      const text = yield* Effect.promise(() => response.text())
      assert.strictEqual(response.status, 200, text)
      // TestClock's time, not the wall clock: the handler runs on the runtime captured at startup.
      assert.strictEqual(response.headers.get("wechatpay-timestamp"), "1700000000")
      assert.isTrue(verify(response.headers, text))
      const [received] = yield* Simulator.received
      assert.strictEqual(received.url, PATH)
      assert.strictEqual(received.headers["user-agent"], "sandbox-test/1.0")
    }).pipe(provide))

  it.effect("serves concurrent requests", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      const statuses = yield* Effect.forEach(
        Array.from({ length: 8 }, (_, i) => i),
        (i) =>
          Effect.flatMap(
            request(keys, { fields: validFields(keys, { authenticate_number: `N${i}` }) }),
            (req) => Effect.map(fetchSend(server.url, req), (response) => response.status)
          ),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(statuses, Array(8).fill(200))
    }).pipe(provide))

  it.effect("Drop destroys the socket: the client sees a connection error", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      yield* Simulator.inject(Simulator.Fault.Drop(), { times: 2 })
      const raw = yield* rawSend(server.url, yield* request(keys))
      assert.isDefined(raw.error)
      assert.strictEqual((raw.error as NodeJS.ErrnoException).code, "ECONNRESET")
      const viaFetch = yield* Effect.flip(fetchSend(server.url, yield* request(keys)))
      assert.isDefined(viaFetch)
    }).pipe(provide))

  it.effect("Truncate announces the full Content-Length, sends part of the body, then closes", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 25 }))
      yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 0 }))
      for (const bytes of [25, 0]) {
        const raw = yield* rawSend(server.url, yield* request(keys))
        assert.strictEqual(raw.status, 200)
        assert.isAbove(Number(raw.headers["content-length"]), 25)
        assert.strictEqual(raw.body.length, bytes)
        assert.isFalse(raw.complete)
      }
      yield* Simulator.inject(Simulator.Fault.Truncate())
      const response = yield* fetchSend(server.url, yield* request(keys))
      assert.strictEqual(response.status, 200)
      const bodyError = yield* Effect.flip(Effect.tryPromise(() => response.text()))
      assert.isDefined(bodyError)
    }).pipe(provide))

  it.effect("Delay holds the answer with a real timer", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      yield* Simulator.inject(Simulator.Fault.Delay({ duration: "150 millis" }))
      const started = Date.now()
      const raw = yield* rawSend(server.url, yield* request(keys))
      assert.strictEqual(raw.status, 200)
      assert.isTrue(raw.complete)
      assert.isAtLeast(Date.now() - started, 140)
      assert.isTrue(verify(raw.headers, raw.body.toString("utf8")))
    }).pipe(provide))

  it.effect("GatewayHtml and ApiError travel as ordinary answers", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      yield* Simulator.inject(Simulator.Fault.GatewayHtml({ status: 504 }))
      yield* Simulator.inject(Simulator.Fault.ApiError({ code: "RATELIMIT_EXCEEDED", retryAfter: 3 }))
      const html = yield* rawSend(server.url, yield* request(keys))
      assert.strictEqual(html.status, 504)
      assert.strictEqual(html.headers["content-type"], "text/html")
      assert.include(html.body.toString(), "504 Gateway Time-out")
      const limited = yield* rawSend(server.url, yield* request(keys))
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers["retry-after"], "3")
      assert.strictEqual(JSON.parse(limited.body.toString()).code, "RATELIMIT_EXCEEDED")
    }).pipe(provide))

  it.effect("stops listening when its scope closes", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const scope = yield* Scope.make()
      const server = yield* SandboxServer.make().pipe(Scope.extend(scope))
      const before = yield* rawSend(server.url, yield* request(keys))
      assert.strictEqual(before.status, 200)
      yield* Scope.close(scope, { _tag: "Success", value: undefined } as never)
      const after = yield* rawSend(server.url, yield* request(keys))
      assert.strictEqual((after.error as NodeJS.ErrnoException | undefined)?.code, "ECONNREFUSED")
    }).pipe(Effect.provide(simulatorLayer(keys))))

  it.effect("a taken port is a SandboxServerError", () =>
    Effect.gen(function*() {
      const server = yield* SandboxServer.SandboxServer
      const error = yield* Effect.flip(Effect.scoped(SandboxServer.make({ port: server.port })))
      assert.strictEqual(error._tag, "SandboxServerError")
      assert.include(error.message, String(server.port))
    }).pipe(provide))

  describe("interoperability with wechatpay-axios-plugin (an independent client)", () => {
    const client = (baseURL: string) =>
      new Wechatpay({
        mchid: keys.mchid,
        serial: keys.merchantSerialNo,
        privateKey: keys.merchantPrivateKey,
        certs: { [keys.platformPublicKeyId]: keys.platformPublicKey },
        baseURL
      })
    const body = () => {
      const platformKey = Rsa.from(keys.platformPublicKey, Rsa.KEY_TYPE_PUBLIC)
      return validFields(keys, {
        authenticate_number: `AXIOS${Date.now()}`,
        user_name: Rsa.encrypt("张三", platformKey),
        id_card_number: Rsa.encrypt("110101199003078881", platformKey)
      })
    }

    // it.live: the plugin stamps requests and checks answers with Date.now(), so the simulator must use the
    // wall clock too.
    it.live("completes pre-order-with-auth and verifies the simulator's signed answer", () =>
      Effect.gen(function*() {
        const server = yield* SandboxServer.SandboxServer
        const wxpay = client(`${server.url}/`)
        const fields = body()
        const response = yield* Effect.promise(() =>
          wxpay.v3.payrollCard.authentications.preOrderWithAuth.post(fields, {
            headers: { "Wechatpay-Serial": keys.platformPublicKeyId }
          })
        )
        assert.strictEqual(response.status, 200)
        // The plugin types `data` after the request body; the answer's shape is checked here instead.
        const data = response.data as unknown as Record<string, unknown>
        assert.strictEqual(data.authenticate_number, fields.authenticate_number)
        assert.strictEqual(data.mchid, keys.mchid)
        assert.match(String(data.token), /^[A-Za-z0-9]{32}$/)
        assert.strictEqual(data.expires_in, 1800)
        const [received] = yield* Simulator.received
        assert.strictEqual(received.url, PATH)
        assert.match(received.headers["authorization"], /^WECHATPAY2-SHA256-RSA2048 /)
      }).pipe(provide))

    it.live("the plugin rejects a WECHATPAY/SIGNTEST/ probe from the simulator", () =>
      Effect.gen(function*() {
        const server = yield* SandboxServer.SandboxServer
        yield* Simulator.inject(Simulator.Fault.SignatureProbe())
        const error = yield* Effect.flip(
          Effect.tryPromise(() =>
            client(`${server.url}/`).v3.payrollCard.authentications.preOrderWithAuth.post(body(), {
              headers: { "Wechatpay-Serial": keys.platformPublicKeyId }
            })
          )
        )
        assert.include(String((error.error as { code?: string }).code), "EV3_RES_HEADER_SIGNATURE_DIGEST")
      }).pipe(provide))
  })
})

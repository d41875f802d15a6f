import { Notification } from "@effect-wechatpay/core"
import { FetchHttpClient, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Schema, TestClock } from "effect"
import * as Http from "node:http"
import * as Sandbox from "../src/Sandbox.js"
import * as SandboxServer from "../src/SandboxServer.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, request, simulatorLayer, validFields } from "./fixtures.js"

const keys = await generateKeys()

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

const call = (url: string, init: RequestInit) =>
  Effect.promise(async (): Promise<Answer> => {
    const response = await fetch(url, init)
    return { status: response.status, headers: response.headers, body: await response.text() }
  })

const JSON_TYPE = { "Content-Type": "application/json" }

describe("SandboxServer admin routes keep browsers out", () => {
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
    self.pipe(Effect.provide(SandboxServer.layer().pipe(Layer.provideMerge(simulatorLayer(keys)))))

  // A pre-order opens a check the admin route can complete; whether it is still processing shows what took effect.
  const openCheck = (server: SandboxServer.Service, number: string) =>
    Effect.gen(function*() {
      const req = yield* request(keys, { fields: validFields(keys, { authenticate_number: number }) })
      const answer = yield* call(`${server.url}${req.url}`, { method: "POST", headers: req.headers, body: req.body })
      assert.strictEqual(answer.status, 200, answer.body)
      return `${server.url}/sandbox/authentications/${number}/complete`
    })

  it.effect("a POST that is not application/json is 415 and changes nothing (a browser's simple request)", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      const url = yield* openCheck(server, "cors1")
      const body = `{"result":"SUCCESS"}`
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
        const refused = yield* call(url, { method: "POST", headers: { "Content-Type": type }, body })
        assert.strictEqual(refused.status, 415, type)
        assert.strictEqual(JSON.parse(refused.body).code, "PARAM_ERROR")
      }
      // fetch's default for a string body is text/plain: what a page's fetch(url, { method: "POST", body }) sends.
      assert.strictEqual((yield* call(url, { method: "POST", body })).status, 415)
      const accepted = yield* call(url, {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body
      })
      assert.strictEqual(accepted.status, 200, accepted.body)
    }).pipe(provide))

  it.effect("an Origin other than the sandbox's own is 403 and changes nothing; its own origin is served", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      const url = yield* openCheck(server, "cors2")
      const body = `{"result":"SUCCESS"}`
      for (const origin of ["http://evil.example", "null", `http://localhost.evil.example:${server.port}`]) {
        const refused = yield* call(url, { method: "POST", headers: { ...JSON_TYPE, Origin: origin }, body })
        assert.strictEqual(refused.status, 403, origin)
        assert.strictEqual(JSON.parse(refused.body).code, "NO_AUTH")
        assert.isNull(refused.headers.get("access-control-allow-origin"))
      }
      const same = yield* call(url, { method: "POST", headers: { ...JSON_TYPE, Origin: server.url }, body })
      assert.strictEqual(same.status, 200, same.body)
    }).pipe(provide))

  it.effect("a CORS preflight gets 204 and no Access-Control-Allow-* header", () =>
    Effect.gen(function*() {
      const server = yield* SandboxServer.SandboxServer
      const preflight = yield* call(`${server.url}/sandbox/notifications`, {
        method: "OPTIONS",
        headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" }
      })
      assert.strictEqual(preflight.status, 204)
      assert.strictEqual(preflight.headers.get("allow"), "POST")
      assert.deepStrictEqual([...preflight.headers.keys()].filter((name) => name.startsWith("access-control-")), [])
    }).pipe(provide))
})

const Resource = Schema.Struct({ out_trade_no: Schema.String, trade_state: Schema.String })

/**
 * A merchant's notification endpoint on a real NodeHttpServer: it verifies and decrypts each delivery with core's
 * `Notification.decode`, records what it decoded and the headers it got, and answers the next scripted status.
 */
const merchantEndpoint = (statuses: Array<number>) =>
  Effect.gen(function*() {
    const decoded: Array<Notification.Decoded<typeof Resource.Type>> = []
    const headers: Array<Record<string, string | undefined>> = []
    const redirected: Array<string> = []
    const router = HttpRouter.empty.pipe(
      HttpRouter.post(
        "/notify",
        Effect.gen(function*() {
          const request = yield* HttpServerRequest.HttpServerRequest
          const body = yield* request.text
          headers.push({ ...request.headers })
          const notification = yield* Effect.either(Notification.decode({ headers: request.headers, body }, Resource))
          if (notification._tag === "Left") return HttpServerResponse.text(notification.left.reason, { status: 400 })
          decoded.push(notification.right)
          const status = statuses.shift() ?? 204
          return status === 302
            ? HttpServerResponse.empty({ status, headers: { Location: "/elsewhere" } })
            : HttpServerResponse.empty({ status })
        })
      ),
      HttpRouter.post(
        "/elsewhere",
        Effect.sync(() => {
          redirected.push("/elsewhere")
          return HttpServerResponse.empty({ status: 204 })
        })
      )
    )
    yield* Layer.launch(HttpServer.serve(router)).pipe(Effect.forkScoped)
    const address = (yield* HttpServer.HttpServer).address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return { url: `http://127.0.0.1:${port}/notify`, port, decoded, headers, redirected }
  })

const notify = (body: unknown) =>
  Effect.flatMap(
    SandboxServer.SandboxServer,
    (server) =>
      call(`${server.url}/sandbox/notifications`, { method: "POST", headers: JSON_TYPE, body: JSON.stringify(body) })
  )

// The sandbox (public-key mode, with the APIv3 key every generated key set has) and the SDK configured to match,
// plus the merchant's server on its own loopback port.
const WithMerchant = Layer.mergeAll(
  Sandbox.layerServer({ retry: false }),
  NodeHttpServer.layer(Http.createServer, { port: 0, host: "127.0.0.1" })
).pipe(Layer.provide(FetchHttpClient.layer))
const withMerchant = <A, E, R>(self: Effect.Effect<A, E, R>) => self.pipe(Effect.provide(WithMerchant), Effect.scoped)

describe("POST /sandbox/notifications", () => {
  it.effect("delivers a signed, encrypted notification that core's Notification.decode verifies and decrypts", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const merchant = yield* merchantEndpoint([])
      const resource = { out_trade_no: "1217752501201407033233368018", trade_state: "SUCCESS" }
      const answer = yield* notify({
        url: merchant.url,
        resource,
        id: "EV-admin-1",
        event_type: "TRANSACTION.SUCCESS",
        summary: "支付成功"
      })
      assert.strictEqual(answer.status, 200, answer.body)
      assert.isNull(answer.headers.get("wechatpay-signature"))
      assert.deepStrictEqual(JSON.parse(answer.body), {
        id: "EV-admin-1",
        delivered: true,
        attempts: 1,
        last_status: 204,
        statuses: [204]
      })
      assert.strictEqual(merchant.decoded.length, 1)
      const [decoded] = merchant.decoded
      assert.deepStrictEqual(decoded.resource, resource)
      assert.strictEqual(decoded.id, "EV-admin-1")
      assert.strictEqual(decoded.event_type, "TRANSACTION.SUCCESS")
      assert.strictEqual(decoded.summary, "支付成功")
    }).pipe(withMerchant))

  it.effect("a lost delivery is redelivered on WeChat's cadence: 500, then 204 fifteen seconds later", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const merchant = yield* merchantEndpoint([500])
      const pending = yield* Effect.fork(notify({
        url: merchant.url,
        resource: { out_trade_no: "T2", trade_state: "SUCCESS" },
        max_attempts: 3
      }))
      // The server's runtime is this test's: its Clock is TestClock, so the retry waits until the test moves it,
      // once the notifier sleeps before its second attempt (polled in real time: the first attempt is real I/O).
      const retryAt = (yield* TestClock.currentTimeMillis) + 15_000
      while (!Chunk.some(yield* TestClock.sleeps(), (at) => at === retryAt)) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
      yield* TestClock.adjust("15 seconds")
      const answer = yield* Fiber.join(pending)
      assert.strictEqual(answer.status, 200, answer.body)
      const outcome = JSON.parse(answer.body)
      assert.deepInclude(outcome, { delivered: true, attempts: 2, last_status: 204, statuses: [500, 204] })
      assert.deepStrictEqual(merchant.decoded.map((n) => n.id), [outcome.id, outcome.id])
    }).pipe(withMerchant))

  it.effect("a delivery whose admin client leaves is stopped: no retry goes on sleeping behind a closed socket", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const merchant = yield* merchantEndpoint(Array(16).fill(500))
      const server = yield* SandboxServer.SandboxServer
      const controller = new AbortController()
      const pending = fetch(`${server.url}/sandbox/notifications`, {
        method: "POST",
        headers: JSON_TYPE,
        body: JSON.stringify({
          url: merchant.url,
          resource: { out_trade_no: "T7", trade_state: "X" },
          max_attempts: 16
        }),
        signal: controller.signal
      }).catch(() => "aborted")
      const retryAt = (yield* TestClock.currentTimeMillis) + 15_000
      const sleeping = Effect.map(TestClock.sleeps(), Chunk.some((at) => at === retryAt))
      while (!(yield* sleeping)) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      controller.abort()
      assert.strictEqual(yield* Effect.promise(() => pending), "aborted")
      // Time for the server to see the socket close (a few ms on loopback), then a day for the retries: a delivery
      // still running would make its second attempt now.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 300)))
      yield* TestClock.adjust("1 day")
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 300)))
      assert.strictEqual(merchant.headers.length, 1, "the delivery went on after its admin client left")
    }).pipe(withMerchant))

  it.effect("anything but a loopback URL is 400 PARAM_ERROR and no request is made", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const merchant = yield* merchantEndpoint([])
      const resource = { out_trade_no: "T3", trade_state: "SUCCESS" }
      for (
        const url of [
          `http://0.0.0.0:${merchant.port}/notify`,
          `http://[::ffff:127.0.0.1]:${merchant.port}/notify`,
          `http://user:pass@127.0.0.1:${merchant.port}/notify`,
          "http://api.mch.weixin.qq.com/notify",
          "http://10.0.0.1/notify",
          `file:///etc/passwd`,
          "not a url"
        ]
      ) {
        const answer = yield* notify({ url, resource })
        assert.strictEqual(answer.status, 400, url)
        assert.strictEqual(JSON.parse(answer.body).code, "PARAM_ERROR", url)
      }
      for (const body of [{ resource }, { url: merchant.url }, { url: merchant.url, resource, max_attempts: 17 }]) {
        assert.strictEqual((yield* notify(body)).status, 400, JSON.stringify(body))
      }
      assert.strictEqual(merchant.headers.length, 0)
      const localhost = yield* notify({ url: merchant.url.replace("127.0.0.1", "localhost"), resource })
      assert.strictEqual(JSON.parse(localhost.body).delivered, true, localhost.body)
    }).pipe(withMerchant))

  it.effect("a redirect is not followed: the delivery is not acknowledged and the other route sees nothing", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const merchant = yield* merchantEndpoint([302])
      const answer = yield* notify({ url: merchant.url, resource: { out_trade_no: "T4", trade_state: "SUCCESS" } })
      assert.deepInclude(JSON.parse(answer.body), { delivered: false, attempts: 1, last_status: 302 })
      assert.deepStrictEqual(merchant.redirected, [])
    }).pipe(withMerchant))

  it.effect("a sandbox with no APIv3 key answers 400 INVALID_REQUEST saying how to give it one", () =>
    Effect.gen(function*() {
      const { apiV3Key: _, ...withoutKey } = keys
      const answer = yield* notify({ url: "http://127.0.0.1:1/notify", resource: {} }).pipe(
        Effect.provide(SandboxServer.layer().pipe(Layer.provideMerge(Simulator.layer(withoutKey))))
      )
      assert.strictEqual(answer.status, 400, answer.body)
      assert.strictEqual(JSON.parse(answer.body).code, "INVALID_REQUEST")
      assert.include(JSON.parse(answer.body).message, "--api-v3-key")
    }))
})

describe("notifications carry WeChat's headers and none of the sandbox's own", () => {
  it.effect("Wechatpay-Signature-Type WECHATPAY2-SHA256-RSA2048; no traceparent or b3", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const merchant = yield* merchantEndpoint([])
      // Through Simulator.notify with the caller's client, as a test in the same process sends one.
      const delivery = yield* Simulator.notify({
        url: merchant.url,
        resource: { out_trade_no: "T5", trade_state: "X" }
      })
      assert.isTrue(delivery.delivered)
      const expectWeChatHeaders = (headers: Record<string, string | undefined>) => {
        assert.strictEqual(headers["wechatpay-signature-type"], "WECHATPAY2-SHA256-RSA2048")
        for (const name of ["traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled"]) {
          assert.isUndefined(headers[name], name)
        }
      }
      expectWeChatHeaders(merchant.headers[0])
      // And through the admin route, with the server's own client.
      yield* notify({ url: merchant.url, resource: { out_trade_no: "T6", trade_state: "X" } })
      assert.strictEqual(merchant.headers.length, 2)
      expectWeChatHeaders(merchant.headers[1])
    }).pipe(withMerchant, Effect.provide(FetchHttpClient.layer)))
})

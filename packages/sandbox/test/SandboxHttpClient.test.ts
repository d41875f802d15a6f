import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Exit, Fiber, Layer, Stream, TestClock } from "effect"
import * as SandboxHttpClient from "../src/SandboxHttpClient.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, authorization, generateKeys, PATH, simulatorLayer, validFields, verifyAnswer } from "./fixtures.js"

const keys = await generateKeys()
const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(Effect.provide(SandboxHttpClient.layer.pipe(Layer.provideMerge(simulatorLayer(keys)))))

const HOST = "https://api.mch.weixin.qq.com"

const signedRequest = (options: {
  readonly query?: string
  readonly body?: (text: string) => HttpBody.HttpBody
  readonly headers?: Record<string, string>
} = {}) =>
  Effect.gen(function*() {
    const body = JSON.stringify(validFields(keys))
    const now = yield* Clock.currentTimeMillis
    const target = `${PATH}${options.query ?? ""}`
    const auth = authorization(keys, { method: "POST", url: target, body, timestamp: Math.floor(now / 1000) })
    return HttpClientRequest.post(`${HOST}${target}`).pipe(
      HttpClientRequest.setBody(options.body?.(body) ?? HttpBody.text(body, "application/json")),
      HttpClientRequest.setHeaders({
        Authorization: auth,
        Accept: "application/json",
        "Wechatpay-Serial": keys.platformPublicKeyId,
        ...(options.headers ?? { "User-Agent": "sandbox-test/1.0" })
      })
    )
  })

const execute = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request))

describe("SandboxHttpClient", () => {
  it.effect("carries a signed request to the simulator and returns its verifiable answer", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const response = yield* execute(yield* signedRequest())
      const text = yield* response.text
      assert.strictEqual(response.status, 200, text)
      assert.strictEqual(response.headers["content-type"], "application/json")
      assert.strictEqual(response.headers["content-length"], String(Buffer.byteLength(text)))
      assert.isTrue(
        verifyAnswer(
          {
            timestamp: response.headers["wechatpay-timestamp"],
            nonce: response.headers["wechatpay-nonce"],
            signature: response.headers["wechatpay-signature"]
          },
          text,
          keys.platformPublicKey
        )
      )
      const [received] = yield* Simulator.received
      assert.strictEqual(received.url, PATH)
      assert.strictEqual(received.headers["content-type"], "application/json")
    }).pipe(provide))

  it.effect("passes the query string exactly as a socket would", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const response = yield* execute(yield* signedRequest({ query: "?lang=zh_CN&x=1" }))
      assert.strictEqual(response.status, 200, yield* response.text)
    }).pipe(provide))

  it.effect("reads raw string and stream bodies", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const raw = yield* execute(
        yield* signedRequest({ body: (text) => HttpBody.raw(text, { contentType: "application/json" }) })
      )
      assert.strictEqual(raw.status, 200, yield* raw.text)
      yield* Simulator.reset
      const stream = yield* execute(
        yield* signedRequest({
          body: (text) => {
            const bytes = new TextEncoder().encode(text)
            return HttpBody.stream(Stream.make(bytes.subarray(0, 7), bytes.subarray(7)), "application/json")
          }
        })
      )
      assert.strictEqual(stream.status, 200, yield* stream.text)
    }).pipe(provide))

  it.effect("adds no default User-Agent, unlike fetch", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const response = yield* execute(yield* signedRequest({ headers: {} }))
      assert.strictEqual(response.status, 400)
      assert.include(yield* response.text, "User-Agent")
    }).pipe(provide))

  it.effect("Delay waits on the Clock: TestClock releases it, and a timeout can win", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* Simulator.inject(Simulator.Fault.Delay({ duration: "10 seconds" }), { times: 2 })
      const slow = yield* Effect.fork(execute(yield* signedRequest()))
      yield* TestClock.adjust("9 seconds")
      assert.isTrue((yield* Fiber.poll(slow))._tag === "None")
      yield* TestClock.adjust("1 second")
      const response = yield* Fiber.join(slow)
      assert.strictEqual(response.status, 200)

      const timedOut = yield* Effect.fork(Effect.timeout(execute(yield* signedRequest()), "5 seconds"))
      yield* TestClock.adjust("5 seconds")
      const exit = yield* Fiber.await(timedOut)
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(exit), "TimeoutException")
    }).pipe(provide))

  it.effect("Drop fails with a Transport RequestError", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* Simulator.inject(Simulator.Fault.Drop())
      const error = yield* Effect.flip(execute(yield* signedRequest()))
      assert.strictEqual(error._tag, "RequestError")
      assert.strictEqual(error._tag === "RequestError" && error.reason, "Transport")
    }).pipe(provide))

  it.effect("Truncate: full Content-Length, then the body read fails", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 20 }))
      const response = yield* execute(yield* signedRequest())
      assert.strictEqual(response.status, 200)
      assert.isAbove(Number(response.headers["content-length"]), 20)
      const error = yield* Effect.flip(response.text)
      assert.strictEqual(error._tag, "ResponseError")
      assert.strictEqual(error.reason, "Decode")
    }).pipe(provide))

  it.effect("GatewayHtml arrives as an HTML page", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* Simulator.inject(Simulator.Fault.GatewayHtml())
      const response = yield* execute(yield* signedRequest())
      assert.strictEqual(response.status, 502)
      assert.strictEqual(response.headers["content-type"], "text/html")
      assert.include(yield* response.text, "nginx")
    }).pipe(provide))

  it.effect("EmptyBody arrives as an empty 200", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* Simulator.inject(Simulator.Fault.EmptyBody())
      const response = yield* execute(yield* signedRequest())
      assert.strictEqual(response.status, 200)
      assert.strictEqual(yield* response.text, "")
    }).pipe(provide))
})

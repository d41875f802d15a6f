/**
 * Answers without `Content-Length` (chunked, as a gateway may frame them): verified and decoded on every transport,
 * bounded, interruptible, and read by plain accumulation: never through the response's `stream`, which cost about
 * 1 ms of CPU a call more than a `Content-Length` answer (issue 23).
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Schema } from "effect"
import type * as Http from "node:http"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { clientOn, keys, SERIAL } from "./utils/client.js"
import { closedEarly, httpServer, silent } from "./utils/hostile.js"

const getAuthentication = Endpoint.toCall(Endpoint.make({
  name: "Test.getAuthentication",
  method: "GET",
  path: "/v3/payroll-card/authentications/{authenticate_number}",
  query: ["sub_mchid"],
  request: Schema.Struct({ authenticate_number: Schema.String, sub_mchid: Schema.String }),
  response: Schema.Struct({
    authenticate_number: Schema.String,
    sub_mchid: Schema.String,
    authenticate_state: Schema.String,
    padding: Schema.optional(Schema.String)
  }),
  echo: ["authenticate_number", "sub_mchid"]
}))

const request = { authenticate_number: "chunked0001", sub_mchid: "1900000109" }

/**
 * `transport` with every answer's `stream` counted: the SDK reads bodies without it, so a count above zero means a
 * body went through a `Stream`.
 */
const counting = (transport: Layer.Layer<HttpClient.HttpClient>) => {
  const streams = { count: 0 }
  const layer = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      (client) =>
        HttpClient.transformResponse(client, (effect) =>
          Effect.map(effect, (response) =>
            new Proxy(response, {
              get(target, property) {
                if (property === "stream") streams.count++
                return Reflect.get(target, property, target)
              }
            })))
    )
  ).pipe(Layer.provide(transport))
  return { layer, streams }
}

/** A server answering `getAuthentication` signed, in `pieces` chunks and without `Content-Length`. */
const chunkedServer = (pieces: number, padding = "") =>
  Effect.gen(function*() {
    const [, platform] = yield* keys
    const key = Rsa.from(platform.privateKey, "private")
    return yield* httpServer((incoming: Http.IncomingMessage, response: Http.ServerResponse) => {
      const url = new URL(incoming.url!, "http://x")
      const body = JSON.stringify({
        authenticate_number: url.pathname.split("/").pop()!,
        sub_mchid: url.searchParams.get("sub_mchid")!,
        authenticate_state: "AUTHENTICATE_SUCCESS",
        ...(padding === "" ? {} : { padding })
      })
      const timestamp = String(Formatter.timestamp())
      const nonce = Formatter.nonce()
      response.writeHead(200, {
        "content-type": "application/json",
        "wechatpay-timestamp": timestamp,
        "wechatpay-nonce": nonce,
        "wechatpay-serial": SERIAL,
        "wechatpay-signature": Rsa.sign(Formatter.response(timestamp, nonce, body), key)
      })
      const bytes = Buffer.from(body)
      const size = Math.ceil(bytes.length / pieces)
      for (let offset = 0; offset < bytes.length; offset += size) response.write(bytes.subarray(offset, offset + size))
      response.end()
    })
  })

const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

for (const [name, transport] of transports) {
  describe(`a chunked answer on ${name}`, () => {
    it.scopedLive("is verified and decoded, read without a Stream", () =>
      Effect.gen(function*() {
        const server = yield* chunkedServer(3)
        const { layer, streams } = counting(transport)
        const { services } = yield* clientOn(layer, server.url)
        const answer = yield* Effect.provide(getAuthentication(request), services)
        assert.strictEqual(answer.authenticate_state, "AUTHENTICATE_SUCCESS")
        assert.strictEqual(answer.authenticate_number, request.authenticate_number)
        assert.strictEqual(streams.count, 0)
      }), { timeout: 10_000 })

    it.scopedLive(
      "over the limit: UnexpectedResponse saying the limit, read without a Stream",
      () =>
        Effect.gen(function*() {
          const server = yield* chunkedServer(8, "p".repeat(100_000))
          const { layer, streams } = counting(transport)
          const { services } = yield* clientOn(layer, server.url, { maxBodySize: 65_536 })
          const exit = yield* Effect.exit(Effect.provide(getAuthentication(request), services))
          assert.isTrue(Exit.isFailure(exit), "the call succeeded")
          if (Exit.isSuccess(exit)) return
          assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause))
          const error = Cause.squash(exit.cause) as { readonly _tag: string; readonly message: string }
          assert.strictEqual(error._tag, "UnexpectedResponse", error.message)
          assert.include(error.message, "65536-byte limit")
          assert.strictEqual(streams.count, 0)
        }),
      { timeout: 10_000 }
    )

    it.scopedLive(
      "that stalls: RequestTimeout when the attempt's time is up, the connection closed",
      () =>
        Effect.gen(function*() {
          const server = yield* silent(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n"
          )
          const { services } = yield* clientOn(transport, server.url, { timeout: "300 millis" })
          const started = Date.now()
          const exit = yield* Effect.exit(Effect.provide(getAuthentication(request), services))
          assert.isAtLeast(Date.now() - started, 290)
          assert.isBelow(Date.now() - started, 1_000)
          assert.isTrue(Exit.isFailure(exit), "the call succeeded")
          if (Exit.isSuccess(exit)) return
          const error = Cause.squash(exit.cause) as { readonly _tag: string; readonly message: string }
          assert.strictEqual(error._tag, "RequestTimeout", error.message)
          yield* closedEarly(server)
        }),
      { timeout: 10_000 }
    )
  })
}

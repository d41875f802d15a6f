import { Endpoint, WeChatPayClient, type WeChatPayError } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Schema } from "effect"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { clientOn, keys, SERIAL } from "./utils/client.js"
import { closedEarly, endless, gzipBomb, httpServer, lying, MB, redirecting, silent } from "./utils/hostile.js"

const getAuthentication = Endpoint.toCall(Endpoint.make({
  name: "Test.getAuthentication",
  method: "GET",
  path: "/v3/payroll-card/authentications/{authenticate_number}",
  query: ["sub_mchid"],
  request: Schema.Struct({ authenticate_number: Schema.String, sub_mchid: Schema.String }),
  response: Schema.Struct({
    authenticate_number: Schema.String,
    sub_mchid: Schema.String,
    authenticate_state: Schema.String
  }),
  echo: ["authenticate_number", "sub_mchid"]
}))

/** One call's failure, within a second (or the test fails), as the error it is. */
const failure = <A, E, R>(call: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const exit = yield* Effect.exit(call)
    const elapsed = Date.now() - started
    assert.isTrue(Exit.isFailure(exit), "the call succeeded")
    if (Exit.isSuccess(exit)) throw new Error("unreachable")
    assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause))
    assert.isBelow(elapsed, 1_000, Cause.pretty(exit.cause))
    return Cause.squash(exit.cause) as E & { readonly _tag: string; readonly message: string }
  })

const certificates = Effect.flatMap(
  WeChatPayClient.WeChatPayClient,
  (client) => client.execute({ method: "GET", path: "/v3/certificates" }, Schema.Unknown)
)

const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

// Real sockets and real time. The hostile servers have 512 MB to send: each test must end well within a second.
for (const [name, transport] of transports) {
  describe(`WeChatPayClient on ${name} against a hostile network`, () => {
    it.scopedLive(
      "a 512 MB chunked answer: UnexpectedResponse saying the limit, the connection closed",
      () =>
        Effect.gen(function*() {
          const server = yield* endless()
          const { services } = yield* clientOn(transport, server.url)
          const error = yield* failure(Effect.provide(certificates, services))
          assert.strictEqual(error._tag, "UnexpectedResponse", error.message)
          assert.include(error.message, `${WeChatPayClient.DEFAULT_MAX_BODY_SIZE}-byte limit`)
          assert.include(error.message, "GET /v3/certificates")
          yield* closedEarly(server)
        }),
      { timeout: 10_000 }
    )

    for (
      const [what, head] of [
        ["no answer at all", undefined],
        [
          "headers, then a body that never comes",
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a"
        ]
      ] as const
    ) {
      it.scopedLive(
        `${what}: RequestTimeout for the attempt when its time is up, the connection closed`,
        () =>
          Effect.gen(function*() {
            const server = yield* silent(head)
            const { services } = yield* clientOn(transport, server.url, { retry: false, timeout: "300 millis" })
            const started = Date.now()
            const error = yield* failure(Effect.provide(certificates, services))
            assert.isAtLeast(Date.now() - started, 290)
            assert.strictEqual(error._tag, "RequestTimeout", error.message)
            assert.strictEqual((error as unknown as WeChatPayError.RequestTimeout).scope, "Attempt")
            assert.include(error.message, "GET /v3/certificates")
            yield* closedEarly(server)
          }),
        { timeout: 10_000 }
      )
    }

    it.scopedLive(
      "a Content-Length over the option's limit fails before the body is read",
      () =>
        Effect.gen(function*() {
          const server = yield* lying(512 * MB)
          const { services } = yield* clientOn(transport, server.url, { retry: false, maxBodySize: 65_536 })
          const error = yield* failure(Effect.provide(certificates, services))
          assert.strictEqual(error._tag, "UnexpectedResponse", error.message)
          assert.include(error.message, "65536-byte limit")
          yield* closedEarly(server)
        }),
      { timeout: 10_000 }
    )

    it.scopedLive(
      "a Content-Length lie (100 declared, 512 MB sent): a typed error, the connection closed",
      () =>
        Effect.gen(function*() {
          const server = yield* lying(100)
          const { services } = yield* clientOn(transport, server.url)
          const error = yield* failure(Effect.provide(certificates, services))
          // 100 bytes of "a", unsigned: never data.
          assert.include(["ResponseVerificationError", "RequestError", "UnexpectedResponse"], error._tag, error.message)
          yield* closedEarly(server)
        }),
      { timeout: 10_000 }
    )

    it.scopedLive("a gzip bomb: identity asked for, a typed error, never 16 MB of data", () =>
      Effect.gen(function*() {
        const { acceptEncoding, url } = yield* gzipBomb()
        const { services } = yield* clientOn(transport, url, { retry: false, maxBodySize: MB })
        const error = yield* failure(Effect.provide(certificates, services))
        // fetch inflates whatever was asked: the limit counts the inflated bytes. The others keep the bytes that came.
        assert.include(["UnexpectedResponse", "ResponseVerificationError"], error._tag, error.message)
        if (error._tag === "UnexpectedResponse") assert.include(error.message, `${MB}-byte limit`)
        assert.deepStrictEqual(acceptEncoding, ["identity"])
      }), { timeout: 10_000 })

    it.scopedLive(
      "a 302 is UnexpectedResponse with its Location; the other host receives nothing",
      () =>
        Effect.gen(function*() {
          let received = 0
          const other = yield* httpServer((_, response) => {
            received++
            response.end("{}")
          })
          const server = yield* redirecting(`${other.url}/v3/certificates?to=\x85elsewhere`)
          const { services } = yield* clientOn(transport, server.url)
          const error = yield* failure(Effect.provide(certificates, services))
          assert.strictEqual(error._tag, "UnexpectedResponse", error.message)
          assert.include(error.message, "HTTP 302")
          // Sanitised: a C1 control (NEL) is escaped.
          assert.include(error.message, `redirect to "${other.url}/v3/certificates?to=\\\\u0085elsewhere"`)
          assert.notMatch(error.message, /\n/)
          yield* Effect.sleep("50 millis")
          assert.strictEqual(received, 0)
        }),
      { timeout: 10_000 }
    )

    it.scopedLive(
      "429 with Retry-After: 3600 fails at once as FREQUENCY_LIMITED, with retryAfter and attempts",
      () =>
        Effect.gen(function*() {
          let received = 0
          const server = yield* httpServer((_, response) => {
            received++
            response.writeHead(429, { "content-type": "application/json", "retry-after": "3600" })
            response.end(JSON.stringify({ code: "FREQUENCY_LIMITED", message: "频率超限" }))
          })
          const { services } = yield* clientOn(transport, server.url, { retry: { attempts: 5, base: "1 millis" } })
          const error = yield* failure(Effect.provide(certificates, services))
          assert.strictEqual(error._tag, "FREQUENCY_LIMITED", error.message)
          if (error._tag === "FREQUENCY_LIMITED") {
            assert.strictEqual(error.retryAfter, 3600)
            assert.strictEqual(error.attempts, 1)
          }
          assert.strictEqual(received, 1)
        }),
      { timeout: 10_000 }
    )

    it.scopedLive(
      "answers bound to requests: a swapped answer is refused, and so is the same answer twice",
      () =>
        Effect.gen(function*() {
          const [, platform] = yield* keys
          const key = Rsa.from(platform.privateKey, "private")
          // What the server answers next: "echo" a fresh signed answer, "swap" one field, "replay" the last answer.
          let mode: "echo" | "authenticate_number" | "sub_mchid" | "replay" = "echo"
          let last: { readonly body: string; readonly headers: Record<string, string> } | undefined
          const server = yield* httpServer((request, response) => {
            const url = new URL(request.url!, "http://x")
            const answer = {
              authenticate_number: url.pathname.split("/").pop()!,
              sub_mchid: url.searchParams.get("sub_mchid")!,
              authenticate_state: "AUTHENTICATE_SUCCESS"
            }
            if (mode === "authenticate_number") answer.authenticate_number = "another0002"
            if (mode === "sub_mchid") answer.sub_mchid = "1900000110"
            if (mode !== "replay" || last === undefined) {
              const body = JSON.stringify(answer)
              const timestamp = String(Formatter.timestamp())
              const nonce = Formatter.nonce()
              last = {
                body,
                headers: {
                  "content-type": "application/json",
                  "wechatpay-timestamp": timestamp,
                  "wechatpay-nonce": nonce,
                  "wechatpay-serial": SERIAL,
                  "wechatpay-signature": Rsa.sign(Formatter.response(timestamp, nonce, body), key)
                }
              }
            }
            response.writeHead(200, last.headers)
            response.end(last.body)
          })
          const { services } = yield* clientOn(transport, server.url)
          const call = getAuthentication({ authenticate_number: "secretnumber0001", sub_mchid: "1900000109" }).pipe(
            Effect.provide(services)
          )
          assert.strictEqual((yield* call).authenticate_state, "AUTHENTICATE_SUCCESS")
          for (const field of ["authenticate_number", "sub_mchid"] as const) {
            mode = field
            const error = yield* failure(call)
            assert.strictEqual(error._tag, "ResponseVerificationError", error.message)
            assert.strictEqual((error as { reason?: string }).reason, "EchoMismatch")
            assert.include(error.message, `the answer's ${field} differs from the request's`)
            // Named, never shown: neither the request's value nor the answer's.
            assert.notInclude(`${error.message} ${JSON.stringify(error)}`, "secretnumber0001")
            assert.notInclude(`${error.message} ${JSON.stringify(error)}`, "another0002")
          }
          mode = "echo"
          yield* call
          mode = "replay"
          const replayed = yield* failure(call)
          assert.strictEqual(replayed._tag, "ResponseVerificationError", replayed.message)
          assert.strictEqual((replayed as { reason?: string }).reason, "Replayed")
        }),
      { timeout: 10_000 }
    )
  })
}

describe("WeChatPayClient on LeanHttpClient with a lower limit of its own", () => {
  it.scopedLive(
    "the transport's ResponseBodyTooLarge surfaces as UnexpectedResponse saying its limit",
    () =>
      Effect.gen(function*() {
        const server = yield* endless()
        const { services } = yield* clientOn(LeanHttpClient.layer({ maxBodySize: 65_536 }), server.url)
        const error = yield* failure(Effect.provide(certificates, services))
        assert.strictEqual(error._tag, "UnexpectedResponse", error.message)
        assert.include(error.message, "65536-byte limit")
        yield* closedEarly(server)
      }),
    { timeout: 10_000 }
  )
})

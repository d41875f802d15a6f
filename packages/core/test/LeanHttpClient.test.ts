import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Exit, Fiber, Option, Schedule, Schema, Stream } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import * as LeanHttpClient from "../src/LeanHttpClient.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  readonly remotePort: number
}

interface Started {
  readonly url: string
  readonly seen: Array<Seen>
  readonly connections: () => number
  readonly http: Http.Server
}

/** A loopback server whose answers the test chooses; it records what it received and every connection. */
const server = (
  handler: (request: Http.IncomingMessage, response: Http.ServerResponse, body: string) => void
) =>
  Effect.acquireRelease(
    Effect.async<Started>(
      (resume) => {
        const seen: Array<Seen> = []
        let connections = 0
        const http = Http.createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8")
            seen.push({
              method: request.method!,
              url: request.url!,
              headers: request.headers,
              body,
              remotePort: request.socket.remotePort!
            })
            handler(request, response, body)
          })
        })
        http.on("connection", () => connections++)
        http.listen(0, "127.0.0.1", () => {
          const { port } = http.address() as AddressInfo
          resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, connections: () => connections, http }))
        })
      }
    ),
    (started) =>
      Effect.async<void>((resume) => {
        started.http.closeAllConnections()
        started.http.close(() => resume(Effect.void))
      })
  )

const json = (response: Http.ServerResponse, status: number, body: unknown, headers: Http.OutgoingHttpHeaders = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(body))
}

/** A full collection: vitest's workers lack `--expose-gc`, so the flag is set now and `gc` taken from a new context. */
const gc: () => void = (globalThis as { gc?: () => void }).gc ??
  (V8.setFlagsFromString("--expose-gc"), Vm.runInNewContext("gc") as () => void)

// Real sockets and real time: the live variants, so timeouts and sleeps are not driven by TestClock.
describe("LeanHttpClient", () => {
  it.scopedLive("GET: status, headers and a JSON body", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server((_, response) =>
        json(response, 200, { ok: true }, { "request-id": "r-1", "set-cookie": ["a=1", "b=2"] })
      )
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`${url}/v3/certificates`, { headers: { accept: "application/json" } })
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["request-id"], "r-1")
      assert.deepStrictEqual(yield* response.json, { ok: true })
      // The body is kept: reading it again in another form does not touch the socket.
      assert.strictEqual(yield* response.text, "{\"ok\":true}")
      assert.strictEqual(new TextDecoder().decode(yield* response.arrayBuffer), "{\"ok\":true}")
      assert.deepStrictEqual(Object.keys(response.cookies.cookies).sort(), ["a", "b"])
      assert.strictEqual(seen[0]!.method, "GET")
      assert.strictEqual(seen[0]!.url, "/v3/certificates")
      assert.strictEqual(seen[0]!.headers["accept"], "application/json")
    }))

  it.scopedLive("POST: the exact body bytes, content type and length, and custom headers", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server((_, response, body) => json(response, 201, { echo: body }))
      const client = yield* LeanHttpClient.make()
      const body = new TextEncoder().encode("{\"user_name\":\"张三\"}")
      const request = HttpClientRequest.post(`${url}/v3/payroll-card/tokens`).pipe(
        HttpClientRequest.setHeader("wechatpay-serial", "PUB_KEY_ID_01"),
        HttpClientRequest.bodyUint8Array(body, "application/json")
      )
      const response = yield* client.execute(request)
      assert.strictEqual(response.status, 201)
      assert.deepStrictEqual(yield* response.json, { echo: "{\"user_name\":\"张三\"}" })
      assert.strictEqual(seen[0]!.method, "POST")
      assert.strictEqual(seen[0]!.headers["content-type"], "application/json")
      assert.strictEqual(seen[0]!.headers["content-length"], String(body.length))
      assert.strictEqual(seen[0]!.headers["wechatpay-serial"], "PUB_KEY_ID_01")
    }))

  it.scopedLive("a streamed request body, and a response read as a stream", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server((_, response, body) => {
        response.writeHead(200, { "content-type": "text/plain" })
        response.write("part one, ")
        setTimeout(() => response.end(`then ${body.length} bytes`), 5)
      })
      const client = yield* LeanHttpClient.make()
      const request = HttpClientRequest.post(`${url}/upload`).pipe(
        HttpClientRequest.bodyStream(Stream.make(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])))
      )
      const response = yield* client.execute(request)
      const chunks = yield* Stream.runCollect(response.stream)
      const text = Chunk.toReadonlyArray(chunks).map((chunk) => Buffer.from(chunk).toString("utf8")).join("")
      assert.strictEqual(text, "part one, then 5 bytes")
      assert.strictEqual(seen[0]!.body.length, 5)
    }))

  it.scopedLive("non-2xx statuses are answers, not errors", () =>
    Effect.gen(function*() {
      const { url } = yield* server((request, response) =>
        request.url === "/missing"
          ? json(response, 404, { code: "RESOURCE_NOT_EXISTS", message: "no" })
          : json(response, 500, { code: "SYSTEM_ERROR", message: "later" })
      )
      const client = yield* LeanHttpClient.make()
      const missing = yield* client.get(`${url}/missing`)
      assert.strictEqual(missing.status, 404)
      assert.strictEqual(((yield* missing.json) as { code: string }).code, "RESOURCE_NOT_EXISTS")
      const failed = yield* client.get(`${url}/boom`)
      assert.strictEqual(failed.status, 500)
      // The platform's status filter composes with it like with any client.
      const strict = yield* Effect.flip(HttpClient.filterStatusOk(client).get(`${url}/missing`))
      assert.strictEqual(strict._tag, "ResponseError")
    }))

  it.scopedLive("keeps connections alive between requests", () =>
    Effect.gen(function*() {
      const { connections, seen, url } = yield* server((_, response) => json(response, 200, {}))
      const client = yield* LeanHttpClient.make()
      for (let i = 0; i < 3; i++) {
        const response = yield* client.get(`${url}/again`)
        yield* response.arrayBuffer
      }
      assert.strictEqual(connections(), 1)
      assert.strictEqual(new Set(seen.map((s) => s.remotePort)).size, 1)
    }))

  it.scopedLive("query parameters and a hash go through URL parsing; the hash is not sent", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server((_, response) => json(response, 200, {}))
      const client = yield* LeanHttpClient.make()
      yield* client.get(`${url}/v3/payroll-card/relations/o1`, { urlParams: { sub_mchid: "19", appid: "wx a" } })
      yield* client.get(`${url}/v3/a/../b?x=1#frag`)
      yield* client.get(`${url}/v3/plain?sub_mchid=1900000109`)
      assert.deepStrictEqual(seen.map((s) => s.url), [
        "/v3/payroll-card/relations/o1?sub_mchid=19&appid=wx+a",
        "/v3/b?x=1",
        "/v3/plain?sub_mchid=1900000109"
      ])
    }))

  it.scopedLive("an invalid URL fails with RequestError InvalidUrl", () =>
    Effect.gen(function*() {
      const client = yield* LeanHttpClient.make()
      const notUrl = yield* Effect.flip(client.get("not a url"))
      assert.strictEqual(notUrl._tag, "RequestError")
      assert.strictEqual(notUrl.reason, "InvalidUrl")
      const ftp = yield* Effect.flip(client.get("ftp://127.0.0.1/file"))
      assert.strictEqual(ftp.reason, "InvalidUrl")
    }))

  it.scopedLive("a connection reset fails with RequestError Transport", () =>
    Effect.gen(function*() {
      const { url } = yield* server((request) => request.socket.destroy())
      const client = yield* LeanHttpClient.make()
      const error = yield* Effect.flip(client.post(`${url}/reset`, { body: undefined }))
      assert.strictEqual(error._tag, "RequestError")
      assert.strictEqual(error.reason, "Transport")
    }))

  it.scopedLive("a refused connection fails with RequestError Transport", () =>
    Effect.gen(function*() {
      const { url } = yield* Effect.scoped(server(() => {}))
      const client = yield* LeanHttpClient.make()
      const error = yield* Effect.flip(client.get(`${url}/closed`))
      assert.strictEqual(error.reason, "Transport")
    }))

  it.scopedLive("a body cut short fails with ResponseError Decode", () =>
    Effect.gen(function*() {
      const { url } = yield* server((_, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": "100" })
        response.write("{\"partial\":")
        setTimeout(() => response.socket?.destroy(), 5)
      })
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`${url}/cut`)
      const error = yield* Effect.flip(response.text)
      assert.strictEqual(error._tag, "ResponseError")
      assert.strictEqual(error.reason, "Decode")
    }))

  it.scopedLive("interrupting a call destroys the request, so the server sees the connection close", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      const received = yield* Deferred.make<void>()
      const { url } = yield* server((request) => {
        // Never answers: only the client can end this exchange.
        request.socket.once("close", () => Deferred.unsafeDone(closed, Exit.void))
        Deferred.unsafeDone(received, Exit.void)
      })
      const client = yield* LeanHttpClient.make()
      const fiber = yield* Effect.fork(client.get(`${url}/hang`))
      yield* Deferred.await(received)
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(closed).pipe(Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "not closed" }))
    }))

  it.scopedLive("interrupting a body read destroys the response", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      const { url } = yield* server((request, response) => {
        request.socket.once("close", () => Deferred.unsafeDone(closed, Exit.void))
        response.writeHead(200, { "content-type": "text/plain" })
        response.write("the head, and a body that never ends")
      })
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`${url}/slow`)
      const fiber = yield* Effect.fork(response.text)
      yield* Effect.sleep("20 millis")
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(closed).pipe(Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "not closed" }))
    }))

  it.scopedLive("a response dropped unread is destroyed once collected: its socket does not stay in use", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      const { url } = yield* server((request, response) => {
        request.socket.once("close", () => Deferred.unsafeDone(closed, Exit.void))
        response.writeHead(200, { "content-type": "text/plain" })
        response.write("a head, and a body nobody reads")
      })
      const client = yield* LeanHttpClient.make()
      // Dropped without a look at the body (the reference goes with the inner fiber).
      yield* Effect.asVoid(client.get(`${url}/dropped`))
      yield* Effect.sleep("20 millis")
      gc()
      yield* Deferred.await(closed).pipe(
        Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "still open" }),
        Effect.retry({ times: 5, schedule: Schedule.spaced("50 millis") }),
        Effect.tapError(() => Effect.sync(gc))
      )
    }))

  it.live("releasing the layer destroys its pooled sockets", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      const { url } = yield* server((request, response) => {
        request.socket.once("close", () => Deferred.unsafeDone(closed, Exit.void))
        json(response, 200, {})
      })
      const status = yield* Effect.gen(function*() {
        const client = yield* HttpClient.HttpClient
        const response = yield* client.get(`${url}/once`)
        yield* response.arrayBuffer
        return response.status
      }).pipe(Effect.provide(LeanHttpClient.layer({ keepAlive: true, maxSockets: 4 })))
      assert.strictEqual(status, 200)
      yield* Deferred.await(closed).pipe(Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "not closed" }))
    }).pipe(Effect.scoped))

  it.scopedLive("its responses are HttpClientResponses: schema helpers and inspection work", () =>
    Effect.gen(function*() {
      const { url } = yield* server((_, response) => json(response, 200, { token: "t", expires_in: 1800 }))
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`${url}/token`)
      assert.isTrue(HttpClientResponse.TypeId in response)
      const body = yield* HttpClientResponse.schemaBodyJson(Schema.Struct({ token: Schema.String }))(response)
      assert.strictEqual(body.token, "t")
      assert.strictEqual((response.toJSON() as { status: number }).status, 200)
      assert.isTrue(Option.isSome(response.remoteAddress))
    }))
})

import { HttpClientError, HttpIncomingMessage } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Either, Option, Stream } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Zlib from "node:zlib"
import * as LeanHttpClient from "../src/LeanHttpClient.js"

const MB = 2 ** 20
// What a server may push before it sees the connection closed: the limit plus the sockets' buffers.
const FEW_MB = 16 * MB

interface Hostile {
  readonly url: string
  /** Bytes the server handed to its socket. */
  readonly written: () => number
  /** Completes when the client closed the connection. */
  readonly closed: Deferred.Deferred<number>
  readonly requests: () => number
}

/**
 * A raw TCP server that answers every request with `head` and then pushes `body(n)` chunks, up to
 * 512 MB, as fast as the client reads them, until the connection closes.
 */
const hostile = (head: string, frame: (chunk: Buffer) => Buffer = (chunk) => chunk) =>
  Effect.acquireRelease(
    Effect.async<Hostile & { readonly server: Net.Server }>((resume) => {
      let written = 0
      let requests = 0
      const closed = Deferred.unsafeMake<number>(undefined as never)
      const server = Net.createServer((socket) => {
        socket.on("error", () => {})
        socket.once("close", () => Deferred.unsafeDone(closed, Effect.succeed(written)))
        socket.once("data", () => {
          requests++
          socket.write(head)
          const chunk = frame(Buffer.alloc(64 * 1024, "a"))
          const pump = () => {
            while (!socket.destroyed && written < 512 * MB) {
              written += chunk.length
              if (!socket.write(chunk)) return void socket.once("drain", pump)
            }
          }
          pump()
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          written: () => written,
          closed,
          requests: () => requests,
          server
        }))
      })
    }),
    ({ server }) => Effect.sync(() => server.close())
  )

const chunked = (chunk: Buffer) =>
  Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])

const tooLarge = (error: unknown) => {
  assert.instanceOf(error, HttpClientError.ResponseError)
  const cause = (error as HttpClientError.ResponseError).cause
  assert.instanceOf(cause, LeanHttpClient.ResponseBodyTooLarge)
  return cause as LeanHttpClient.ResponseBodyTooLarge
}

/** The server saw the connection closed, soon, after at most a few MB. */
const closedEarly = (server: Hostile) =>
  Effect.gen(function*() {
    const written = yield* Deferred.await(server.closed).pipe(
      Effect.timeoutFail({ duration: "1 second", onTimeout: () => new Error("the connection stayed open") })
    )
    assert.isAtMost(written, FEW_MB)
  })

// Real sockets and real time. Each test must finish well within a second: the hostile server has 512 MB.
describe("LeanHttpClient against a hostile server", () => {
  it.scopedLive(
    "a 512 MB chunked answer: a typed error at the default limit, the connection closed",
    () =>
      Effect.gen(function*() {
        const server = yield* hostile(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
          chunked
        )
        const client = yield* LeanHttpClient.make()
        const started = Date.now()
        const response = yield* client.get(`${server.url}/v3/certificates`)
        const error = yield* Effect.flip(response.json)
        const cause = tooLarge(error)
        assert.strictEqual(cause.limit, LeanHttpClient.DEFAULT_MAX_BODY_SIZE)
        assert.include(error.message, `${LeanHttpClient.DEFAULT_MAX_BODY_SIZE}-byte limit`)
        yield* closedEarly(server)
        assert.isBelow(Date.now() - started, 1_000)
        // Read again: the same failure, nothing more is read.
        assert.strictEqual(tooLarge(yield* Effect.flip(response.text)).limit, LeanHttpClient.DEFAULT_MAX_BODY_SIZE)
      }),
    { timeout: 5_000 }
  )

  it.scopedLive(
    "a Content-Length over the limit fails before a byte of the body is read",
    () =>
      Effect.gen(function*() {
        const server = yield* hostile(`HTTP/1.1 200 OK\r\nContent-Length: ${512 * MB}\r\n\r\n`)
        const client = yield* LeanHttpClient.make()
        const response = yield* client.get(`${server.url}/v3/certificates`)
        const cause = tooLarge(yield* Effect.flip(response.arrayBuffer))
        assert.strictEqual(cause.declared, 512 * MB)
        assert.include(cause.message, `Content-Length ${512 * MB}`)
        yield* closedEarly(server)
      }),
    { timeout: 5_000 }
  )

  it.scopedLive(
    "a Content-Length lie (100 declared, 512 MB sent): 100 bytes, then the connection is closed",
    () =>
      Effect.gen(function*() {
        const server = yield* hostile("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        const client = yield* LeanHttpClient.make()
        const response = yield* client.get(`${server.url}/v3/certificates`)
        assert.strictEqual((yield* response.text).length, 100)
        // The bytes past the declared length are not an answer to anything: node's parser refuses them
        // and the socket is destroyed rather than pooled.
        yield* closedEarly(server)
      }),
    { timeout: 5_000 }
  )

  it.scopedLive("a body read as a stream is bounded the same way", () =>
    Effect.gen(function*() {
      const server = yield* hostile("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunked)
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`${server.url}/download`)
      tooLarge(yield* Effect.flip(Stream.runDrain(response.stream)))
      yield* closedEarly(server)
    }), { timeout: 5_000 })

  it.scopedLive("the reading fiber's MaxBodySize wins over the client's limit; the option sets that limit", () =>
    Effect.gen(function*() {
      const body = "x".repeat(2_048)
      const server = yield* Effect.acquireRelease(
        Effect.async<Http.Server>((resume) => {
          const http = Http.createServer((_, response) => {
            response.writeHead(200, { "content-type": "text/plain" })
            response.end(body)
          })
          http.listen(0, "127.0.0.1", () => resume(Effect.succeed(http)))
        }),
        (http) => Effect.sync(() => http.close())
      )
      const url = `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}/`
      const client = yield* LeanHttpClient.make({ maxBodySize: 1_024 })
      // The option's limit.
      assert.strictEqual(tooLarge(yield* Effect.flip(Effect.flatMap(client.get(url), (r) => r.text))).limit, 1_024)
      // MaxBodySize set by the caller: larger, then smaller than the body.
      const read = (size: number) =>
        Effect.flatMap(client.get(url), (r) => r.text).pipe(HttpIncomingMessage.withMaxBodySize(Option.some(size)))
      assert.strictEqual(yield* read(4_096), body)
      assert.strictEqual(tooLarge(yield* Effect.flip(read(512))).limit, 512)
      // The default client reads it whole.
      const plain = yield* LeanHttpClient.make()
      assert.isTrue(Either.isRight(yield* Effect.either(Effect.flatMap(plain.get(url), (r) => r.text))))
    }))

  it.scopedLive("a gzip bomb stays the bytes that came: nothing is inflated, no Accept-Encoding is sent", () =>
    Effect.gen(function*() {
      // 16 MB of zeros, ≈ 16 kB gzipped: inflated, it would pass the limit four times over.
      const bomb = Zlib.gzipSync(Buffer.alloc(16 * MB))
      const acceptEncoding: Array<string | undefined> = []
      const server = yield* Effect.acquireRelease(
        Effect.async<Http.Server>((resume) => {
          const http = Http.createServer((request, response) => {
            acceptEncoding.push(request.headers["accept-encoding"])
            response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
            response.end(bomb)
          })
          http.listen(0, "127.0.0.1", () => resume(Effect.succeed(http)))
        }),
        (http) => Effect.sync(() => http.close())
      )
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`http://127.0.0.1:${(server.address() as Net.AddressInfo).port}/v3/x`)
      const body = new Uint8Array(yield* response.arrayBuffer)
      assert.strictEqual(body.length, bomb.length)
      assert.deepStrictEqual([body[0], body[1]], [0x1f, 0x8b])
      assert.deepStrictEqual(acceptEncoding, [undefined])
    }))

  it.scopedLive("a redirect is an answer, never followed: the other host receives nothing", () =>
    Effect.gen(function*() {
      const other = yield* hostile("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
      const server = yield* Effect.acquireRelease(
        Effect.async<Http.Server>((resume) => {
          const http = Http.createServer((_, response) => {
            response.writeHead(302, { location: `${other.url}/v3/certificates`, "content-length": "0" })
            response.end()
          })
          http.listen(0, "127.0.0.1", () => resume(Effect.succeed(http)))
        }),
        (http) => Effect.sync(() => http.close())
      )
      const client = yield* LeanHttpClient.make()
      const response = yield* client.get(`http://127.0.0.1:${(server.address() as Net.AddressInfo).port}/v3/certs`)
      assert.strictEqual(response.status, 302)
      assert.strictEqual(response.headers["location"], `${other.url}/v3/certificates`)
      yield* Effect.sleep("50 millis")
      assert.strictEqual(other.requests(), 0)
    }))
})

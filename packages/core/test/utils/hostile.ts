/**
 * Hostile loopback servers, real sockets: an answer that never ends, a `Content-Length` lie, a gzip bomb, a
 * redirect to a second server. Shared by the transport's tests and the client's.
 */
import { assert } from "@effect/vitest"
import { Deferred, Effect } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Zlib from "node:zlib"

export const MB = 2 ** 20
/** What a server may push before it sees the connection closed: the limit plus the sockets' buffers. */
export const FEW_MB = 16 * MB

export interface Hostile {
  readonly url: string
  /** Bytes the server handed to its socket. */
  readonly written: () => number
  /** Completes when the client closed the connection. */
  readonly closed: Deferred.Deferred<number>
  readonly requests: () => number
}

/**
 * A raw TCP server that answers every request with `head` and then pushes `chunk` (64 kB of "a" by default, framed
 * by `frame`) again and again, up to `limit` bytes (512 MB), as fast as the client reads them, until the connection
 * closes.
 */
export const hostile = (
  head: string,
  frame: (chunk: Buffer) => Buffer = (chunk) => chunk,
  options: { readonly chunk?: Buffer | undefined; readonly limit?: number | undefined } = {}
) =>
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
          const chunk = frame(options.chunk ?? Buffer.alloc(64 * 1024, "a"))
          const limit = options.limit ?? 512 * MB
          const pump = () => {
            while (!socket.destroyed && written < limit) {
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

/**
 * A raw TCP server that reads each request and then goes quiet: with `head` undefined it never answers; otherwise
 * it sends `head` (a status line, headers, part of a body) and nothing more. Closed with the scope.
 */
export const silent = (head?: string | Buffer) =>
  Effect.acquireRelease(
    Effect.async<Hostile & { readonly server: Net.Server }>((resume) => {
      let requests = 0
      const closed = Deferred.unsafeMake<number>(undefined as never)
      const sockets = new Set<Net.Socket>()
      const server = Net.createServer((socket) => {
        sockets.add(socket)
        socket.on("error", () => {})
        socket.once("close", () => Deferred.unsafeDone(closed, Effect.succeed(0)))
        socket.once("data", () => {
          requests++
          if (head !== undefined) socket.write(head)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${port}`,
            written: () => 0,
            closed,
            requests: () => requests,
            server
          })
        )
      })
      server.on("close", () => sockets.forEach((socket) => socket.destroy()))
    }),
    ({ server }) => Effect.sync(() => server.close())
  )

/**
 * A raw TCP server that answers each request with `head` and then one byte of body every `everyMillis`, for as
 * long as the connection stays open: a body that never stalls long enough for an idle timeout, and never ends.
 */
export const dripping = (head: string, everyMillis = 50) =>
  Effect.acquireRelease(
    Effect.async<Hostile & { readonly server: Net.Server; readonly sockets: Set<Net.Socket> }>((resume) => {
      let written = 0
      let requests = 0
      const closed = Deferred.unsafeMake<number>(undefined as never)
      const sockets = new Set<Net.Socket>()
      const server = Net.createServer((socket) => {
        sockets.add(socket)
        socket.on("error", () => {})
        socket.once("data", () => {
          requests++
          socket.write(head)
          const timer = setInterval(() => {
            if (socket.destroyed) return
            written++
            socket.write("a")
          }, everyMillis)
          socket.once("close", () => {
            clearInterval(timer)
            Deferred.unsafeDone(closed, Effect.succeed(written))
          })
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          written: () => written,
          closed,
          requests: () => requests,
          server,
          sockets
        }))
      })
    }),
    ({ server, sockets }) =>
      Effect.sync(() => {
        sockets.forEach((socket) => socket.destroy())
        server.close()
      })
  )

/** One chunk of a `Transfer-Encoding: chunked` body. */
export const chunked = (chunk: Buffer) =>
  Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])

/** A 512 MB chunked 200. */
export const endless = () =>
  hostile("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", chunked)

/** A 200 that declares `declared` bytes and then sends 512 MB. */
export const lying = (declared: number) =>
  hostile(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`)

/** The server saw the connection closed, within a second, after at most a few MB. */
export const closedEarly = (server: Hostile) =>
  Effect.gen(function*() {
    const written = yield* Deferred.await(server.closed).pipe(
      Effect.timeoutFail({ duration: "1 second", onTimeout: () => new Error("the connection stayed open") })
    )
    assert.isAtMost(written, FEW_MB)
  })

/** An `node:http` server answering with `handler`, closed with the scope. */
export const httpServer = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly server: Http.Server }>((resume) => {
      const server = Http.createServer(handler)
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`,
          server
        })))
    }),
    ({ server }) =>
      Effect.sync(() => {
        server.closeAllConnections()
        server.close()
      })
  )

/**
 * A gzip bomb: `inflated` bytes of zeros gzipped (16 MB is ≈ 16 kB on the wire), sent with
 * `Content-Encoding: gzip` whatever the request's `Accept-Encoding` said, which is recorded.
 */
export const gzipBomb = (inflated = 16 * MB) => {
  const bomb = Zlib.gzipSync(Buffer.alloc(inflated))
  const acceptEncoding: Array<string | undefined> = []
  return Effect.map(
    httpServer((request, response) => {
      acceptEncoding.push(request.headers["accept-encoding"])
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
      response.end(bomb)
    }),
    ({ url }) => ({ url, bomb, acceptEncoding })
  )
}

/** A server that answers every request with a 302 to `location`. */
export const redirecting = (location: string) =>
  httpServer((_, response) => {
    response.writeHead(302, { location, "content-length": "0" })
    response.end()
  })

/** What {@link fileServer} answers one request with. */
export interface FileAnswer {
  readonly status?: number
  readonly headers?: Http.OutgoingHttpHeaders
  readonly body: Buffer
  /** Declare the whole body's length, send this many bytes of it, then drop the connection. */
  readonly truncateAt?: number
}

/** One request a {@link fileServer} saw. */
export interface SeenRequest {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
}

/** A file server: answers each request with `answer(request)`, and records what it saw. */
export const fileServer = (answer: (request: Http.IncomingMessage) => FileAnswer) => {
  const seen: Array<SeenRequest> = []
  return Effect.map(
    httpServer((request, response) => {
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers })
      const { body, headers, status, truncateAt } = answer(request)
      response.writeHead(status ?? 200, { "content-length": String(body.length), ...headers })
      if (truncateAt === undefined) return void response.end(body)
      response.write(body.subarray(0, truncateAt), () => response.socket?.destroy())
    }),
    ({ url }) => ({ url, seen })
  )
}

/**
 * A gzip bomb with no bottom: gzip members of 64 MB of zeros (≈ 64 kB each) sent one after another (chunked) for
 * as long as the connection stays open, as fast as the client reads them. `written` counts the bytes handed to
 * the socket: a client that reads the wire faster than it inflates (no back-pressure) shows as hundreds of MB.
 */
export const endlessGzip = () =>
  hostile(
    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
    chunked,
    { chunk: Zlib.gzipSync(Buffer.alloc(64 * MB)), limit: 4096 * MB }
  )

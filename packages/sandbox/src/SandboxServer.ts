/**
 * The `Simulator` on a loopback HTTP socket, for clients that bring their own transport (undici, axios, other
 * languages' SDKs) and for failures only a real socket shows: a dropped connection, a body cut short.
 *
 * Besides WeChat's routes it serves admin routes under `/sandbox/`, a prefix WeChat never uses; their answers are
 * never signed. `POST /sandbox/authentications/{authenticate_number}/complete` with `{"result":"SUCCESS"}` (or
 * `{"result":"FAILED","reason":"…"}`) plays the worker finishing the identity check in the mini program, so a
 * client in another process can poll `getAuthentication` past `AUTHENTICATE_PROCESSING`:
 *
 * ```sh
 * curl -X POST -d '{"result":"SUCCESS"}' http://127.0.0.1:8080/sandbox/authentications/N1/complete
 * ```
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Exit, Layer, Runtime, Schema } from "effect"
import type { Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Admin from "./internal/admin.js"
import * as crypto from "./internal/crypto.js"
import * as Problem from "./internal/problem.js"
import * as Simulator from "./Simulator.js"

/**
 * The server could not start (for example, the port is taken).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const started = SandboxServer.make({ port: 8080 }).pipe(
 *   Effect.catchTag("SandboxServerError", (error) => Effect.dieMessage(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class SandboxServerError extends Schema.TaggedError<SandboxServerError>(
  "@effect-wechatpay/sandbox/SandboxServerError"
)("SandboxServerError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * Where a running sandbox listens.
 *
 * @example
 * ```ts
 * import type { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const endpoint = (server: SandboxServer.Service) =>
 *   `${server.url}/v3/payroll-card/authentications/pre-order-with-auth`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Base URL, e.g. `http://127.0.0.1:41234`; use it as the client's base URL instead of api.mch.weixin.qq.com. */
  readonly url: string
  readonly host: string
  readonly port: number
}

/**
 * A running loopback sandbox.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const baseUrl = Effect.map(SandboxServer.SandboxServer, (server) => server.url)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class SandboxServer extends Context.Tag("@effect-wechatpay/sandbox/SandboxServer")<SandboxServer, Service>() {}

/**
 * Where to listen.
 *
 * @example
 * ```ts
 * import type { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const options: SandboxServer.Options = { host: "127.0.0.1", port: 0 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 0: an ephemeral port chosen by the OS. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
  /**
   * The largest request body accepted, in bytes. Default 1 MiB (WeChat's requests are a few KB). A request that
   * announces more in `Content-Length` is answered `413` before its body is read; a chunked body is cut off when it
   * passes the limit. Either way the answer is WeChat's JSON error shape, the connection is closed, nothing is
   * buffered beyond the limit and the server goes on serving.
   */
  readonly maxBodyBytes?: number | undefined
  /**
   * Log one line per answered request with Effect's logger: method, path (without query), status and WeChat's
   * `code` (`OK` for a success). Default false.
   */
  readonly logRequests?: boolean | undefined
}

/**
 * The default `Options.maxBodyBytes`: 1 MiB.
 *
 * @example
 * ```ts
 * import { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const options: SandboxServer.Options = { maxBodyBytes: 4 * SandboxServer.DEFAULT_MAX_BODY_BYTES }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576

/**
 * The admin route that completes an identity check, as a template: `POST` it with `{"result":"SUCCESS"}` or
 * `{"result":"FAILED","reason":"…"}`.
 *
 * @example
 * ```ts
 * import { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const url = (base: string, number: string) =>
 *   base + SandboxServer.COMPLETE_PATH.replace("{authenticate_number}", encodeURIComponent(number))
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPLETE_PATH: string = Admin.COMPLETE_PATH

const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

// The code of a JSON error answer, for the log line; a success is OK and anything else has none.
const codeOf = (status: number, body: string): string => {
  if (status < 400) return "OK"
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    return typeof code === "string" ? code : "-"
  } catch {
    return "-"
  }
}

// The simulator never fails: this is a defect or an interruption at shutdown.
const internalError = (response: Http.ServerResponse) => {
  if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" })
  response.end("sandbox: internal error")
}

const flatten = (headers: Http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/**
 * Starts the server; it stops (closing open connections) when the scope closes. Requests are answered with the
 * runtime that was current at startup, so the simulator sees that runtime's `Clock` (a `TestClock` in tests).
 * Delays, unlike in `SandboxHttpClient`, are real timers: the peer is a real socket.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const program = Effect.scoped(
 *   Effect.flatMap(SandboxServer.make({ port: 0 }), (server) => Effect.log(`listening on ${server.url}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<Service, SandboxServerError, Simulator.Simulator | Scope.Scope> =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    const runtime = yield* Effect.runtime<never>()
    const runCallback = Runtime.runCallback(runtime)
    const host = options?.host ?? "127.0.0.1"
    const timers = new Set<NodeJS.Timeout>()

    const later = (delay: Duration.Duration | undefined, action: () => void) => {
      const millis = delay === undefined ? 0 : Duration.toMillis(delay)
      if (millis <= 0) return action()
      const timer = setTimeout(() => {
        timers.delete(timer)
        action()
      }, millis)
      timers.add(timer)
    }

    const maxBodyBytes = options?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    const log = (request: Http.IncomingMessage, status: number | string, code: string) => {
      if (options?.logRequests !== true) return
      runCallback(Effect.log(`${request.method ?? "GET"} ${pathOf(request.url ?? "/")} ${status} ${code}`))
    }

    const perform = (outcome: Simulator.Outcome, request: Http.IncomingMessage, response: Http.ServerResponse) =>
      later(outcome.delay, () => {
        if (outcome._tag === "Drop") {
          log(request, "-", "DROPPED")
          return request.socket.destroy()
        }
        const { response: answer, truncateAfterBytes } = outcome
        const bytes = Buffer.from(answer.body, "utf8")
        log(request, answer.status, codeOf(answer.status, answer.body))
        response.writeHead(answer.status, { ...answer.headers, "Content-Length": String(bytes.length) })
        if (truncateAfterBytes === undefined) return response.end(bytes)
        // Headers promise the full length; the socket then carries only part of the body and closes, which the
        // client sees as a premature end of the response.
        response.flushHeaders()
        const socket = request.socket
        socket.end(bytes.subarray(0, truncateAfterBytes), () => socket.destroy())
      })

    const sendJson = (
      request: Http.IncomingMessage,
      response: Http.ServerResponse,
      status: number,
      body: string,
      headers: Readonly<Record<string, string>> = {}
    ) => {
      log(request, status, codeOf(status, body))
      response.writeHead(status, {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(body, "utf8")),
        "Request-ID": crypto.hex(16),
        ...headers
      })
      response.end(body)
    }

    // 413 and close. Node answers, then half-closes the socket and discards (never buffers) what the client still
    // sends; a client that keeps sending is cut off a second later, as nginx's lingering close does.
    const refuse = (request: Http.IncomingMessage, response: Http.ServerResponse) => {
      const body = Problem.render({
        status: 413,
        code: "PARAM_ERROR",
        message: `The request body is larger than the ${maxBodyBytes} bytes this server accepts`,
        detail: { field: "body", issue: `larger than ${maxBodyBytes} bytes`, location: "body" }
      })
      sendJson(request, response, 413, body, { Connection: "close" })
      later(Duration.seconds(1), () => request.socket.destroy())
    }

    const answer = (request: Http.IncomingMessage, response: Http.ServerResponse, body: string) => {
      const url = request.url ?? "/"
      const method = request.method ?? "GET"
      if (url.startsWith(Admin.PREFIX)) {
        return runCallback(Admin.handle(simulator, method, pathOf(url), body), {
          onExit: (exit) =>
            Exit.isSuccess(exit)
              ? sendJson(request, response, exit.value.status, exit.value.body)
              : internalError(response)
        })
      }
      runCallback(simulator.handle({ method, url, headers: flatten(request.headers), body }), {
        onExit: (exit) => Exit.isSuccess(exit) ? perform(exit.value, request, response) : internalError(response)
      })
    }

    const server = Http.createServer((request, response) => {
      const declared = request.headers["content-length"]
      if (declared !== undefined && Number(declared) > maxBodyBytes) return refuse(request, response)
      const chunks: Array<Buffer> = []
      let size = 0
      let refused = false
      request.on("data", (chunk: Buffer) => {
        if (refused) return
        size += chunk.length
        if (size > maxBodyBytes) {
          refused = true
          chunks.length = 0
          return refuse(request, response)
        }
        chunks.push(chunk)
      })
      request.on("end", () => {
        if (!refused) answer(request, response, Buffer.concat(chunks).toString("utf8"))
      })
    })

    yield* Effect.acquireRelease(
      Effect.async<void, SandboxServerError>((resume) => {
        const onError = (cause: Error) =>
          resume(
            Effect.fail(
              new SandboxServerError({
                message: `cannot listen on ${host}:${options?.port ?? 0}: ${cause.message}`,
                cause
              })
            )
          )
        server.once("error", onError)
        server.listen(options?.port ?? 0, host, () => {
          server.off("error", onError)
          resume(Effect.void)
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const timer of timers) clearTimeout(timer)
          timers.clear()
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )

    const port = (server.address() as AddressInfo).port
    const authority = host.includes(":") ? `[${host}]` : host
    return SandboxServer.of({ url: `http://${authority}:${port}`, host, port })
  })

/**
 * A layer running the loopback server with the `Simulator` in context.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { SandboxServer, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const ServerLive = SandboxServer.layer({ port: 8080 }).pipe(
 *   Layer.provideMerge(Layer.unwrapEffect(Effect.map(TestKeys.generateSet(), Simulator.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<SandboxServer, SandboxServerError, Simulator.Simulator> =>
  Layer.scoped(SandboxServer, make(options))

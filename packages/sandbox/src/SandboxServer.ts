/**
 * The `Simulator` on a loopback HTTP socket, for clients that bring their own transport (undici, axios, other
 * languages' SDKs) and for failures only a real socket shows: a dropped connection, a body cut short.
 *
 * Besides WeChat's routes it serves admin routes under `/sandbox/`, a prefix WeChat never uses; their answers are
 * never signed. They play WeChat's other parties for a client in another process:
 *
 * - `POST /sandbox/authentications/{authenticate_number}/complete` with `{"result":"SUCCESS"}` (or
 *   `{"result":"FAILED","reason":"…"}`) plays the worker finishing the identity check in the mini program, so the
 *   client can poll `getAuthentication` past `AUTHENTICATE_PROCESSING`.
 * - `POST /sandbox/notifications` with `{"url":"http://127.0.0.1:3000/notify","resource":{…}}` (and optionally
 *   `event_type`, `id`, `summary`, `original_type`, `max_attempts`) sends a notification as `Simulator.notify`
 *   does: signed, its resource encrypted with the APIv3 key. It answers 200 once the notification is acknowledged
 *   or its attempts are spent, with `{"id","delivered","attempts","last_status","statuses"}`. `max_attempts`
 *   defaults to 1 (up to 16, on WeChat's cadence by the server's `Clock`). Only loopback URLs (`127.0.0.1`, `::1`,
 *   `localhost`) are accepted, anything else is 400 `PARAM_ERROR` with no request made; redirects are not
 *   followed. A simulator without an APIv3 key (the CLI in public-key mode without `--api-v3-key`) answers 400
 *   `INVALID_REQUEST`.
 *
 * Admin routes are unauthenticated, so they keep browsers out: a POST must be `Content-Type: application/json`
 * (415 otherwise: a web page cannot send that cross-origin without a preflight), a request whose `Origin` is not the
 * server's own `url` is refused with 403, and a preflight (`OPTIONS`) gets 204 with no CORS permission.
 *
 * ```sh
 * curl -H 'Content-Type: application/json' -d '{"result":"SUCCESS"}' \
 *   http://127.0.0.1:8080/sandbox/authentications/N1/complete
 * curl -H 'Content-Type: application/json' \
 *   -d '{"url":"http://127.0.0.1:3000/notify","resource":{"out_trade_no":"1"}}' \
 *   http://127.0.0.1:8080/sandbox/notifications
 * ```
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type { FiberId, Scope } from "effect"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Admin from "./internal/admin.js"
import * as AdminNotifications from "./internal/adminNotifications.js"
import * as MediaUpload from "./internal/mediaUpload.js"
import { flatten, internalError, pathOf } from "./internal/serverIo.js"
import * as ServerReply from "./internal/serverReply.js"
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
 * The admin route that completes an identity check, as a template: `POST` it with `Content-Type:
 * application/json` and `{"result":"SUCCESS"}` or `{"result":"FAILED","reason":"…"}`.
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

/**
 * The admin route that sends a notification: `POST` it with `Content-Type: application/json` and
 * `{"url":"http://127.0.0.1:…","resource":{…}}` (see the module's documentation for the other fields and the
 * answer).
 *
 * @example
 * ```ts
 * import { SandboxServer } from "@effect-wechatpay/sandbox"
 *
 * const send = (base: string, url: string) =>
 *   fetch(base + SandboxServer.NOTIFICATIONS_PATH, {
 *     method: "POST",
 *     headers: { "Content-Type": "application/json" },
 *     body: JSON.stringify({ url, resource: { out_trade_no: "1217752501201407033233368018" } })
 *   })
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const NOTIFICATIONS_PATH: string = AdminNotifications.PATH

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
    const authority = host.includes(":") ? `[${host}]` : host
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

    // Notifications asked for through the admin route go out over fetch (in every Node 20+), never following a
    // redirect: a loopback target must not be able to send the sandbox elsewhere.
    const fetchClient = yield* Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)
    const context: { -readonly [K in keyof Admin.AdminContext]: Admin.AdminContext[K] } = {
      simulator,
      origin: "",
      deliver: (notification) =>
        simulator.notify(notification).pipe(
          Effect.provideService(HttpClient.HttpClient, fetchClient),
          Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" })
        )
    }

    const maxBodyBytes = options?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    const log = (request: Http.IncomingMessage, status: number | string, code: string) => {
      if (options?.logRequests !== true) return
      runCallback(Effect.log(`${request.method ?? "GET"} ${pathOf(request.url ?? "/")} ${status} ${code}`))
    }

    const { perform, refuse, sendJson } = ServerReply.make({ later, log, maxBodyBytes })

    // An admin answer may wait for a notification's whole delivery: it is interrupted when its client leaves or
    // the server stops, so no retry goes on sleeping behind a closed socket.
    const pending = new Set<(fiberId?: FiberId.FiberId) => void>()
    const admin = (request: Http.IncomingMessage, response: Http.ServerResponse, method: string, body: string) => {
      let done = false
      // Set only if the answer has to wait: `onExit` may run before `runCallback` returns.
      let waiting: ((fiberId?: FiberId.FiberId) => void) | undefined = undefined
      const cancel = runCallback(
        Admin.handle(context, { method, path: pathOf(request.url ?? "/"), headers: request.headers, body }),
        {
          onExit: (exit) => {
            done = true
            if (waiting !== undefined) pending.delete(waiting)
            if (Exit.isFailure(exit)) return internalError(response)
            const { body: text, headers, status } = exit.value
            if (status !== 204) return sendJson(request, response, status, text, headers)
            log(request, status, "OK")
            response.writeHead(status, headers).end()
          }
        }
      )
      if (done) return
      waiting = cancel
      pending.add(cancel)
      response.once("close", () => {
        if (!done) cancel()
      })
    }

    const answer = (request: Http.IncomingMessage, response: Http.ServerResponse, bytes: Buffer) => {
      const url = request.url ?? "/"
      const method = request.method ?? "GET"
      const body = bytes.toString("utf8")
      if (url.startsWith(Admin.PREFIX)) return admin(request, response, method, body)
      // The raw bytes too: an upload's file is binary, which its UTF-8 text would not keep.
      runCallback(simulator.handle({ method, url, headers: flatten(request.headers), body, bytes }), {
        onExit: (exit) => Exit.isSuccess(exit) ? perform(exit.value, request, response) : internalError(response)
      })
    }

    const server = Http.createServer((request, response) => {
      // An upload may carry a few MiB: its paths take what WeChat takes, whatever `maxBodyBytes` says.
      const limit = Math.max(maxBodyBytes, MediaUpload.maxRequestBytes(pathOf(request.url ?? "/")))
      const declared = request.headers["content-length"]
      if (declared !== undefined && Number(declared) > limit) return refuse(request, response)
      const chunks: Array<Buffer> = []
      let size = 0
      let refused = false
      request.on("data", (chunk: Buffer) => {
        if (refused) return
        size += chunk.length
        if (size > limit) {
          refused = true
          chunks.length = 0
          return refuse(request, response)
        }
        chunks.push(chunk)
      })
      request.on("end", () => {
        if (!refused) answer(request, response, Buffer.concat(chunks))
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
          // Set before any request can be answered: the admin routes compare a request's Origin with it.
          context.origin = `http://${authority}:${(server.address() as AddressInfo).port}`
          resume(Effect.void)
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const timer of timers) clearTimeout(timer)
          timers.clear()
          for (const cancel of pending) cancel()
          pending.clear()
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )

    return SandboxServer.of({ url: context.origin, host, port: (server.address() as AddressInfo).port })
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

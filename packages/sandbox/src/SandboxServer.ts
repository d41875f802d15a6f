/**
 * The `Simulator` on a loopback HTTP socket, for clients that bring their own transport (undici, axios, other
 * languages' SDKs) and for failures only a real socket shows: a dropped connection, a body cut short.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Exit, Layer, Runtime, Schema } from "effect"
import type { Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
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

    const perform = (outcome: Simulator.Outcome, request: Http.IncomingMessage, response: Http.ServerResponse) =>
      later(outcome.delay, () => {
        if (outcome._tag === "Drop") return request.socket.destroy()
        const { response: answer, truncateAfterBytes } = outcome
        const bytes = Buffer.from(answer.body, "utf8")
        response.writeHead(answer.status, { ...answer.headers, "Content-Length": String(bytes.length) })
        if (truncateAfterBytes === undefined) return response.end(bytes)
        // Headers promise the full length; the socket then carries only part of the body and closes, which the
        // client sees as a premature end of the response.
        response.flushHeaders()
        const socket = request.socket
        socket.end(bytes.subarray(0, truncateAfterBytes), () => socket.destroy())
      })

    const server = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        runCallback(
          simulator.handle({
            method: request.method ?? "GET",
            url: request.url ?? "/",
            headers: flatten(request.headers),
            body: Buffer.concat(chunks).toString("utf8")
          }),
          {
            onExit: (exit) => {
              if (Exit.isSuccess(exit)) return perform(exit.value, request, response)
              // handle never fails; this is a defect or an interruption at shutdown.
              if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" })
              response.end("sandbox: internal error")
            }
          }
        )
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

/**
 * A lean `HttpClient.HttpClient` on node:http / node:https, for servers that make many small API calls.
 * It is opt-in, from its own subpath (`@effect-wechatpay/core/LeanHttpClient`): the SDK works on any
 * `HttpClient`, and `NodeHttpClient.layerUndici` is the one to start with.
 *
 * `HttpClient.make` (behind `FetchHttpClient` and `NodeHttpClient`) allocates an `AbortController`,
 * parses every URL and wraps every response for interruption, which costs a noticeable share of a
 * WeChat Pay call's main-thread time. This client keeps what a JSON API needs: a keep-alive connection
 * pool, the request target sent exactly as given (it is what the request is signed over), one
 * `Effect.async` per request and one per body read, and interruption that destroys the underlying request.
 * Under `WeChatPayClient` it also keeps each attempt's timeout itself (one timer per exchange, which tears
 * down the request or the body being read), where another transport needs a forked fiber per attempt.
 *
 * Like the platform's clients it opens an `http.client` span per request with the same attributes
 * (method, `server.address`, `url.*`, headers with `Headers.currentRedactedNames` redacted, status) and
 * sends its W3C `traceparent`, and it honours `HttpClient.withTracerDisabledWhen`,
 * `HttpClient.withTracerPropagation` and `HttpClient.SpanNameGenerator`. Unlike them, `url.full` never
 * carries userinfo.
 *
 * It never follows redirects (a 3xx is an answer like any other), and it reads at most
 * `HttpIncomingMessage.MaxBodySize` bytes of a body, or {@link DEFAULT_MAX_BODY_SIZE} when that is not
 * set: a longer body fails with {@link ResponseBodyTooLarge} and its connection is closed. It sends no
 * `Accept-Encoding` and inflates nothing, so a compressed body is the bytes that came, bounded the same way.
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import type { Scope } from "effect"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import { Readable } from "node:stream"
import {
  headerAttributes,
  makeResolver,
  requestError,
  type Resolved,
  urlAttributes,
  writeBody
} from "./internal/lean/request.js"
import * as LeanResponse from "./internal/lean/response.js"
import * as AttemptDeadline from "./internal/pipeline/attemptDeadline.js"
import * as Cancelable from "./internal/runtime/cancelable.js"

/**
 * The most a body may hold when neither `Options.maxBodySize` nor `HttpIncomingMessage.MaxBodySize`
 * says otherwise: 4 MiB, far above any WeChat Pay JSON answer (a few kB), far below what would hurt.
 *
 * @example
 * ```ts
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * console.log(LeanHttpClient.DEFAULT_MAX_BODY_SIZE) // 4194304
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_BODY_SIZE = 4 * 1024 * 1024

/**
 * A body longer than the limit (or whose `Content-Length` says it is): the `cause` of the
 * `ResponseError` (reason `Decode`) that reading it fails with. Nothing more is read and the connection
 * is closed.
 *
 * @example
 * ```ts
 * import { HttpClientError } from "@effect/platform"
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * const isTooLarge = (error: HttpClientError.HttpClientError) =>
 *   error._tag === "ResponseError" && error.cause instanceof LeanHttpClient.ResponseBodyTooLarge
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ResponseBodyTooLarge: typeof LeanResponse.ResponseBodyTooLarge = LeanResponse.ResponseBodyTooLarge

/**
 * The instance type of {@link ResponseBodyTooLarge}: its `limit`, and the `declared` length if any.
 *
 * @example
 * ```ts
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * const describe = (error: LeanHttpClient.ResponseBodyTooLarge) => `limit ${error.limit} bytes`
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ResponseBodyTooLarge = LeanResponse.ResponseBodyTooLarge

/**
 * How the lean client pools its connections and how much of a body it reads.
 *
 * @example
 * ```ts
 * import type * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * const options: LeanHttpClient.Options = { keepAlive: true, maxSockets: 64 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Reuse connections between requests (default `true`). */
  readonly keepAlive?: boolean | undefined
  /** Sockets per host, in use or not (default: node's, unlimited). */
  readonly maxSockets?: number | undefined
  /**
   * The most bytes a body may hold when `HttpIncomingMessage.MaxBodySize` is not set on the reading
   * fiber (default {@link DEFAULT_MAX_BODY_SIZE}).
   */
  readonly maxBodySize?: number | undefined
}

/**
 * Builds the client on its own keep-alive agents, destroyed when the scope closes.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * const status = Effect.scoped(
 *   Effect.gen(function*() {
 *     const client = yield* LeanHttpClient.make({ maxSockets: 64 })
 *     const response = yield* client.get("http://127.0.0.1:8080/health")
 *     return response.status
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const agentOptions: Http.AgentOptions = {
          keepAlive: options.keepAlive ?? true,
          ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {})
        }
        return { http: new Http.Agent(agentOptions), https: new Https.Agent(agentOptions) }
      }),
      (agents) =>
        Effect.sync(() => {
          agents.http.destroy()
          agents.https.destroy()
        })
    ),
    (agents) => {
      const resolve = makeResolver(agents)
      const limit = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE

      /** One exchange: a single `Effect.async` from writing the request to receiving the head of the answer. */
      const exchange = (
        request: HttpClientRequest.HttpClientRequest,
        resolved: Resolved,
        readable: Readable | undefined,
        deadline: number | undefined
      ) =>
        Cancelable.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
          let nodeRequest: Http.ClientRequest
          try {
            nodeRequest = resolved.protocol === "https:" ? Https.request(resolved) : Http.request(resolved)
          } catch (cause) {
            // node refuses some targets and header values synchronously (ERR_UNESCAPED_CHARACTERS, …).
            resume(Effect.fail(requestError(request, "InvalidUrl", cause)))
            return Effect.void
          }
          let settled = false
          // Weakly: the request's listeners share this scope, and must not keep a dropped response alive.
          let response: WeakRef<LeanResponse.LeanResponse> | undefined
          const fail = (error: HttpClientError.RequestError) => {
            if (settled) return
            settled = true
            disarm()
            readable?.destroy()
            nodeRequest.destroy()
            resume(Effect.fail(error))
          }
          // The SDK's attempt deadline (see attemptDeadline): the request, then the body being read, torn down.
          const disarm = AttemptDeadline.arm(deadline, () =>
            response === undefined
              ? fail(requestError(request, "Transport", new AttemptDeadline.AttemptTimedOut()))
              : response.deref()?.expire(new AttemptDeadline.AttemptTimedOut()))
          // Kept for the request's whole life: a late socket error must not become an unhandled 'error'.
          nodeRequest.on("error", (cause) => fail(requestError(request, "Transport", cause)))
          nodeRequest.once("response", (source) => {
            if (settled) return source.destroy()
            settled = true
            const answer = new LeanResponse.LeanResponse(request, source, limit, disarm)
            response = new WeakRef(answer)
            resume(Effect.succeed(answer))
            // After the fiber's turn (resuming it was queued first): a body it reads at once needs no watching.
            queueMicrotask(() => answer.watchUnread())
          })
          writeBody(nodeRequest, request, readable, fail)
          // Interrupted before the answer arrived: destroying the request closes its socket, so the
          // server sees the call abandoned and the pool does not reuse a half-used connection.
          return Effect.sync(() => {
            if (settled) return
            settled = true
            disarm()
            readable?.destroy()
            nodeRequest.destroy()
          })
        })

      const transmit = (
        request: HttpClientRequest.HttpClientRequest,
        resolved: Resolved,
        deadline: number | undefined
      ) =>
        request.body._tag === "Stream"
          ? Effect.flatMap(
            Stream.toReadableStreamEffect(request.body.stream),
            (stream) => exchange(request, resolved, Readable.fromWeb(stream as any), deadline)
          )
          : exchange(request, resolved, undefined, deadline)

      /** The `http.client` span `HttpClient.make` opens, with its attributes, and `traceparent` sent. */
      const traced = (
        request: HttpClientRequest.HttpClientRequest,
        resolved: Resolved,
        fiber: Parameters<Parameters<typeof Effect.withFiberRuntime>[0]>[0]
      ) =>
        Effect.useSpan(
          Context.get(fiber.currentContext, HttpClient.SpanNameGenerator)(request),
          { kind: "client", captureStackTrace: false },
          (span) => {
            const redactedNames = fiber.getFiberRef(Headers.currentRedactedNames)
            span.attribute("http.request.method", request.method)
            const url = urlAttributes(resolved)
            for (const name in url) span.attribute(name, url[name])
            headerAttributes(span, "http.request.header.", request.headers, redactedNames)
            const sent = fiber.getFiberRef(HttpClient.currentTracerPropagation)
              ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
              : request
            return transmit(
              sent,
              sent === request ? resolved : { ...resolved, headers: sent.headers },
              fiber.getFiberRef(AttemptDeadline.current)
            ).pipe(
              Effect.withParentSpan(span),
              Effect.tap((response) => {
                span.attribute("http.response.status_code", response.status)
                headerAttributes(span, "http.response.header.", response.headers, redactedNames)
              })
            )
          }
        )

      const send = (request: HttpClientRequest.HttpClientRequest) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((fiber) => {
          const resolved = resolve(request)
          if (resolved instanceof Error) return Effect.fail(requestError(request, "InvalidUrl", resolved))
          return !fiber.getFiberRef(FiberRef.currentTracerEnabled) ||
              fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)
            ? transmit(request, resolved, fiber.getFiberRef(AttemptDeadline.current))
            : traced(request, resolved, fiber)
        })

      const client = HttpClient.makeWith(
        (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) => Effect.flatMap(effect, send),
        Effect.succeed
      )
      AttemptDeadline.keepers.add(client)
      return client
    }
  )

/**
 * The lean client as the `HttpClient` service; its agents (and their sockets) are destroyed when the
 * layer is released.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { WeChatPay } from "@effect-wechatpay/core"
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * declare const options: WeChatPay.Options
 * const WeChatPayLive = WeChatPay.layer(options).pipe(Layer.provide(LeanHttpClient.layer({ maxSockets: 64 })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, make(options))

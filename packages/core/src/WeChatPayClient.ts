/**
 * The APIv3 request pipeline, built from `HttpClient` combinators: `httpClient` prefixes the base URL, signs
 * every attempt over the bytes and target it sends, fails over to the backup host when the primary never
 * connected, verifies every 2xx answer, maps WeChat's error bodies to typed errors and bounds each attempt;
 * `execute` adds decoding with a schema and retries within the call's deadline.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import type { Scope } from "effect"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Check from "./internal/config/clientOptions.js"
import * as Bounded from "./internal/http/boundedBody.js"
import { redactAuthorization } from "./internal/http/outbound.js"
import * as Execute from "./internal/pipeline/execute.js"
import * as Limits from "./internal/pipeline/inFlight.js"
import * as Steps from "./internal/pipeline/steps.js"
import * as Signer from "./Signer.js"
import * as Verifier from "./Verifier.js"
import * as WeChatPayError from "./WeChatPayError.js"

/**
 * The production host.
 *
 * @example
 * ```ts
 * import { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const isProduction = (client: WeChatPayClient.Service) => client.baseUrl === WeChatPayClient.DEFAULT_BASE_URL
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.mch.weixin.qq.com"

/**
 * The backup host: the signature does not cover the host, so a request that never reached the primary
 * may be sent here unchanged.
 *
 * @example
 * ```ts
 * import { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * // Through an egress proxy, with WeChat's backup host as the fallback
 * const options: WeChatPayClient.Options = {
 *   baseUrl: "https://wechatpay-egress.internal.example.com",
 *   backupBaseUrl: WeChatPayClient.DEFAULT_BACKUP_BASE_URL
 * }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BACKUP_BASE_URL = "https://api2.mch.weixin.qq.com"

/**
 * One API call, as the endpoint modules describe it.
 *
 * @example
 * ```ts
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const request: WeChatPayClient.ApiRequest = {
 *   method: "GET",
 *   path: "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58?sub_mchid=1900000109"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiRequest {
  readonly method: HttpMethod
  /** Path plus `?query`, already encoded: it is signed exactly as given. */
  readonly path: string
  /** The JSON body, serialized once by the caller; it is signed and sent byte for byte. */
  readonly body?: string | undefined
  /**
   * A multipart body instead (WeChat's uploads, see `Media`): `bytes` sent as they are with `contentType`, the
   * signature over `signed` — the `meta` part's JSON exactly as `bytes` carry it, as WeChat verifies uploads.
   */
  readonly multipart?: {
    readonly bytes: Uint8Array
    readonly contentType: string
    readonly signed: string
  } | undefined
  /** The platform key id that encrypted sensitive fields of the body, sent as `Wechatpay-Serial`. */
  readonly wechatpaySerial?: string | undefined
  /** The route template named in errors, spans and logs instead of the path (`/v3/…/relations/{openid}`). */
  readonly route?: string | undefined
  /**
   * Answer fields that must equal the request's (`{ sub_mchid: "1900000109" }`): a verified answer whose field
   * is missing or differs is another request's answer, and fails as `ResponseVerificationError` `EchoMismatch`.
   */
  readonly echo?: Readonly<Record<string, string | number | boolean>> | undefined
}

/**
 * What a call can fail with: WeChat's typed errors, or a transport failure that outlived the retries.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayClient.CallError>
 * const handled = call.pipe(Effect.catchTag("RequestError", (e) => Effect.dieMessage(`unreachable: ${e.message}`)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type CallError = WeChatPayError.ApiError | HttpClientError.RequestError

/**
 * The client's interface: the base URL in use, `httpClient` for any APIv3 call, and `execute`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const Relation = Schema.Struct({ openid: Schema.String, relation_state: Schema.String })
 * const relation = (client: WeChatPayClient.Service, openid: string, subMchid: string) =>
 *   client.execute({ method: "GET", path: `/v3/payroll-card/relations/${openid}?sub_mchid=${subMchid}` }, Relation)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly baseUrl: string
  /** The backup host a request that never connected to `baseUrl` goes to, if failover is on. */
  readonly backupUrl?: string | undefined
  /**
   * For WeChat's files only, whose answers WeChat does not sign (`Download` uses it and checks the file's digest
   * instead): a GET of `path` (`/v3/…?…`), signed like any call, sent to the base URL (or the backup host when the
   * primary never connected), never redirected, under the client's rate limits but not its attempt timeout, whose
   * answer comes back **unverified and unread**, whatever its status. Optional, so that a hand-made `Service`
   * may leave it out (`Download` then fails as `Transport`).
   */
  readonly getUnverified?:
    | ((
      path: string
    ) => Effect.Effect<
      HttpClientResponse.HttpClientResponse,
      HttpClientError.RequestError | WeChatPayError.RequestTimeout
    >)
    | undefined
  /**
   * Any APIv3 call: give it a path (`/v3/…`), with the query in the path or as `urlParams` and any body
   * helper. Each request is signed over what is sent, sent to the base URL (or the backup host when the
   * primary never connected), and bounded by the attempt timeout; a 2xx answer is returned only once its
   * signature verifies, still readable with `json`/`text`; a WeChat error body fails as its typed error.
   * It does not retry: `execute` does, or add `HttpClient.retry` yourself.
   */
  readonly httpClient: HttpClient.HttpClient.With<CallError>
  /** Runs one call through `httpClient`, decodes the verified body with `response`, retries within the deadline. */
  readonly execute: <A, I, R>(
    request: ApiRequest,
    response: Schema.Schema<A, I, R>
  ) => Effect.Effect<A, CallError, R>
}

/**
 * The request pipeline, built from `Signer`, `Verifier` and the user's `HttpClient`.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const relation = Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
 *   client.execute(
 *     { method: "GET", path: "/v3/payroll-card/relations/o1?sub_mchid=1900000109" },
 *     Schema.Struct({ openid: Schema.String, relation_state: Schema.String })
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class WeChatPayClient extends Context.Tag("@effect-wechatpay/core/WeChatPayClient")<
  WeChatPayClient,
  Service
>() {}

/**
 * How failed attempts are retried. Only `SYSTEM_ERROR`, `SERVICE_UNAVAILABLE`, 429s, gateway 5xx pages,
 * attempt timeouts and transport failures are retried, never a 4xx business error; each attempt is
 * freshly signed over the same body.
 *
 * @example
 * ```ts
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const retry: WeChatPayClient.RetryOptions = { attempts: 5, base: "500 millis" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  readonly attempts?: number | undefined
  /** The first backoff; each next one doubles, with jitter (default 200 millis). A `Retry-After` wins if longer. */
  readonly base?: Duration.DurationInput | undefined
}

/**
 * Client-side limits, shared by every call made through one layer.
 *
 * @example
 * ```ts
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const rateLimit: WeChatPayClient.RateLimitOptions = { maxInFlight: 16, perSecond: 50 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitOptions {
  /** At most this many requests on the wire at once. */
  readonly maxInFlight?: number | undefined
  /** At most this many requests started per second (token bucket). */
  readonly perSecond?: number | undefined
}

/**
 * How {@link make} reaches WeChat: hosts, retries, timeouts and rate limits; every field is optional.
 *
 * @example
 * ```ts
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const options: WeChatPayClient.Options = {
 *   retry: { attempts: 3, base: "200 millis" },
 *   timeout: "5 seconds",
 *   deadline: "20 seconds",
 *   rateLimit: { maxInFlight: 16 }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Defaults to {@link DEFAULT_BASE_URL}. */
  readonly baseUrl?: string | undefined
  /**
   * Where to resend a request that could not connect to `baseUrl` (refused, unresolvable, connect
   * timeout). Defaults to {@link DEFAULT_BACKUP_BASE_URL} when `baseUrl` is the default, to none
   * otherwise; `false` disables failover.
   */
  readonly backupBaseUrl?: string | false | undefined
  /** Retry policy, or `false` to send every request once. */
  readonly retry?: RetryOptions | false | undefined
  /** How long one attempt may take, headers and body (default 10 seconds). */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long a call may take across all its attempts and backoffs (default 30 seconds). */
  readonly deadline?: Duration.DurationInput | undefined
  /** Optional client-side limits on concurrency and rate. */
  readonly rateLimit?: RateLimitOptions | undefined
  /**
   * The most bytes an answer's body may hold, inflated or not (default {@link DEFAULT_MAX_BODY_SIZE}). A longer
   * answer fails as `UnexpectedResponse` saying the limit, and nothing more of it is read.
   */
  readonly maxBodySize?: number | undefined
}

/**
 * The default most bytes an answer's body may hold: 4 MiB, far above any WeChat Pay JSON answer (a few kB),
 * far below what would hurt a server.
 *
 * @example
 * ```ts
 * import type { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const options: WeChatPayClient.Options = { maxBodySize: 1024 * 1024 }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_BODY_SIZE: number = Bounded.DEFAULT_MAX_BYTES

/**
 * Builds the pipeline. It asks for an `HttpClient` and never provides one: the user picks the
 * transport (`FetchHttpClient.layer`, `NodeHttpClient.layerUndici`, the sandbox's in-memory client).
 * Scoped, because a rate limit's token bucket lives as long as the layer.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* WeChatPayClient.make({ timeout: "5 seconds", retry: false })
 *   return client.baseUrl
 * }).pipe(Effect.scoped)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<
  Service,
  WeChatPayError.InvalidOptionError,
  Signer.Signer | Verifier.Verifier | HttpClient.HttpClient | Scope.Scope
> =>
  Effect.gen(function*() {
    const signer = yield* Signer.Signer
    const verifier = yield* Verifier.Verifier
    const httpClient = yield* HttpClient.HttpClient

    const { backoff, backupUrl, baseUrl, deadline, maxBodySize, retry, timeout } = yield* Check.resolve(options, {
      baseUrl: DEFAULT_BASE_URL,
      backupBaseUrl: DEFAULT_BACKUP_BASE_URL,
      maxBodySize: DEFAULT_MAX_BODY_SIZE
    })
    const timeoutMillis = Duration.toMillis(timeout)
    const deadlineMillis = Duration.toMillis(deadline)

    // Shared by every call through this client: in-flight count (for signing off the main thread), rate limits.
    const limits = yield* Limits.make(options.rateLimit)

    const steps = Steps.make({
      baseUrl,
      backupUrl,
      verifier,
      httpClient,
      timeout,
      maxBodySize,
      counter: limits.counter
    })
    // Each step below is one layer of the client, which every call goes through: the steps that belong
    // together are one function each, so that a call pays for four layers rather than nine.
    const client: HttpClient.HttpClient.With<CallError> = HttpClient.makeWith(
      Effect.flatMap(steps.send),
      Effect.succeed as HttpClient.HttpClient.Preprocess<never, never>
    ).pipe(
      // Refuse an absolute URL, add the default headers, sign over what is sent, then prefix the host.
      // Sign on the threadpool when other exchanges are in flight: the main thread has their answers to handle.
      HttpClient.mapRequestEffect((request) => steps.prepare(signer, request, limits.inFlight() > 0)),
      // Verify a 2xx answer or type the failure; transport errors lose the path's identifiers.
      HttpClient.transformResponse(steps.verified),
      HttpClient.transform(steps.attemptTimeout),
      HttpClient.transformResponse((effect) => redactAuthorization(limits.limited(effect)))
    )

    const bound = {
      client,
      steps,
      signer,
      limits,
      backoff,
      attempts: retry?.attempts ?? 3,
      timeoutMillis,
      deadlineMillis
    }
    return WeChatPayClient.of({
      baseUrl,
      backupUrl,
      httpClient: client,
      execute: Execute.makeExecute(bound),
      getUnverified: Execute.makeGetUnverified(bound)
    })
  })

/**
 * Names the route template of the calls `effect` makes through `httpClient` or `execute`, so that their
 * errors, spans and logs say `/v3/payroll-card/relations/{openid}` rather than a path with its identifiers.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WeChatPayClient } from "@effect-wechatpay/core"
 *
 * const relation = (openid: string) =>
 *   Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
 *     client.httpClient.get(`/v3/payroll-card/relations/${encodeURIComponent(openid)}?sub_mchid=1900000109`)
 *   ).pipe(WeChatPayClient.withRoute("/v3/payroll-card/relations/{openid}"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRoute = (route: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Execute.withRoute(effect, route)

/**
 * Provides the {@link WeChatPayClient} built by {@link make}.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { Signer, Verifier, WeChatPayClient } from "@effect-wechatpay/core"
 *
 * declare const KeysLive: Layer.Layer<Signer.Signer | Verifier.Verifier>
 * const ClientLive = WeChatPayClient.layer({ rateLimit: { perSecond: 50 } }).pipe(
 *   Layer.provide(Layer.merge(KeysLive, FetchHttpClient.layer))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<
  WeChatPayClient,
  WeChatPayError.InvalidOptionError,
  Signer.Signer | Verifier.Verifier | HttpClient.HttpClient
> => Layer.scoped(WeChatPayClient, make(options))

/**
 * The APIv3 request pipeline every endpoint goes through: serialize once, sign each attempt, send,
 * verify the signature of every 2xx answer, decode the body with the endpoint's schema, map WeChat's
 * error bodies to typed errors, and retry what WeChat documents as retryable.
 *
 * @since 0.1.0
 */
import { Headers, HttpClient, HttpClientError, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import type { ParseResult, Scope } from "effect"
import { Clock, Context, Duration, Effect, Layer, Option, RateLimiter, Redacted, Schedule, Schema } from "effect"
import * as Http from "./internal/http.js"
import { version } from "./internal/version.js"
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
  /** The platform key id that encrypted sensitive fields of the body, sent as `Wechatpay-Serial`. */
  readonly wechatpaySerial?: string | undefined
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
 * The client's interface: the base URL in use and `execute`.
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
  /** Runs one call and decodes the verified body with `response`. */
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
}

/** The longest `Retry-After` honoured: past it, the deadline decides. */
const MAX_RETRY_AFTER_SECONDS = 60

const isRetryable = (error: CallError): boolean =>
  error._tag === "RequestError" ? error.reason === "Transport" : error.retryable

const retryAfterOf = (error: CallError): number | undefined => "retryAfter" in error ? error.retryAfter : undefined

const userAgent = `effect-wechatpay/${version} (@effect-wechatpay/core; ${
  typeof process === "undefined" ? "unknown" : `${process.platform}/${process.arch}; node/${process.versions.node}`
})`

const withAuthorization = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes("authorization") ? names : [...names, "authorization"]

const utf8 = new TextDecoder("utf-8", { fatal: false })
const encoder = new TextEncoder()

const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

const decodeErrorBody = Schema.decodeUnknownOption(WeChatPayError.ApiErrorBody)

// Decoders are built once per schema, not once per call.
const decoders = new WeakMap<Schema.Schema.Any, (u: unknown) => Effect.Effect<any, ParseResult.ParseError, any>>()
const decoderFor = <A, I, R>(schema: Schema.Schema<A, I, R>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknown(schema, { onExcessProperty: "ignore" })
    decoders.set(schema, decode)
  }
  return decode as (u: unknown) => Effect.Effect<A, ParseResult.ParseError, R>
}

/** Checks a base URL option: absolute http(s), no query or fragment; returned without trailing slashes. */
const baseUrlOption = (option: string, value: string): Effect.Effect<string, WeChatPayError.InvalidOptionError> => {
  const fail = (description: string) => Effect.fail(new WeChatPayError.InvalidOptionError({ option, description }))
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return fail("not an absolute URL")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return fail("must be an http or https URL")
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    return fail("must have no query, fragment or credentials")
  }
  return Effect.succeed(value.replace(/\/+$/, ""))
}

const positive = (option: string, value: number | undefined, integer: boolean) =>
  value === undefined || (value > 0 && Number.isFinite(value) && (!integer || Number.isInteger(value)))
    ? Effect.void
    : Effect.fail(
      new WeChatPayError.InvalidOptionError({
        option,
        description: `must be a positive ${integer ? "integer" : "number"}`
      })
    )

const durationOption = (option: string, input: Duration.DurationInput | undefined, fallback: Duration.Duration) =>
  Effect.flatMap(
    Effect.try(() => (input === undefined ? fallback : Duration.decode(input))).pipe(Effect.option),
    (d) =>
      Option.isSome(d) && Duration.greaterThan(d.value, Duration.zero) && Duration.isFinite(d.value)
        ? Effect.succeed(d.value)
        : Effect.fail(
          new WeChatPayError.InvalidOptionError({ option, description: "must be a positive, finite duration" })
        )
  )

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

    const baseUrl = yield* baseUrlOption("baseUrl", options.baseUrl ?? DEFAULT_BASE_URL)
    const backupUrl = options.backupBaseUrl === false
      ? undefined
      : options.backupBaseUrl !== undefined
      ? yield* baseUrlOption("backupBaseUrl", options.backupBaseUrl)
      : baseUrl === DEFAULT_BASE_URL
      ? DEFAULT_BACKUP_BASE_URL
      : undefined
    const timeout = yield* durationOption("timeout", options.timeout, Duration.seconds(10))
    const deadline = yield* durationOption("deadline", options.deadline, Duration.seconds(30))
    const retry = options.retry === false ? undefined : options.retry ?? {}
    yield* positive("retry.attempts", retry?.attempts, true)
    yield* positive("rateLimit.maxInFlight", options.rateLimit?.maxInFlight, true)
    yield* positive("rateLimit.perSecond", options.rateLimit?.perSecond, false)
    const backoff = retry === undefined
      ? undefined
      : yield* durationOption("retry.base", retry.base, Duration.millis(200))

    const schedule = retry === undefined || backoff === undefined ? undefined : Schedule.exponential(backoff, 2).pipe(
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs((retry.attempts ?? 3) - 1)),
      Schedule.intersect(Schedule.identity<CallError>()),
      // A server that says when to come back is believed, within reason.
      Schedule.modifyDelay(([, error], delay) => {
        const after = retryAfterOf(error)
        return after !== undefined && after * 1000 > Duration.toMillis(delay) ? Duration.seconds(after) : delay
      })
    )

    const semaphore = options.rateLimit?.maxInFlight === undefined
      ? undefined
      : yield* Effect.makeSemaphore(options.rateLimit.maxInFlight)
    const limiter = options.rateLimit?.perSecond === undefined
      ? undefined
      : yield* RateLimiter.make({ limit: options.rateLimit.perSecond, interval: "1 second", algorithm: "token-bucket" })
    const limited = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
      const rated = limiter === undefined ? effect : limiter(effect)
      return semaphore === undefined ? rated : semaphore.withPermits(1)(rated)
    }

    const baseHeaders = { accept: "application/json", "user-agent": userAgent }
    const timeoutMillis = Duration.toMillis(timeout)
    const deadlineMillis = Duration.toMillis(deadline)
    // When one attempt's timeout is shorter than the deadline, the first attempt needs no deadline timer.
    const firstAttemptWithinDeadline = timeoutMillis < deadlineMillis
    // Calls that overlap sign on the threadpool; a lone call signs inline, which is faster.
    let inFlight = 0

    const execute = <A, I, R>(request: ApiRequest, response: Schema.Schema<A, I, R>) => {
      const decode = decoderFor(response)
      const body = request.body === undefined ? undefined : encoder.encode(request.body)
      const prepare = (base: string) => {
        let prepared = HttpClientRequest.make(request.method)(base + request.path, { headers: baseHeaders })
        if (body !== undefined) prepared = HttpClientRequest.bodyUint8Array(prepared, body, "application/json")
        if (request.wechatpaySerial !== undefined) {
          prepared = HttpClientRequest.setHeader(prepared, "wechatpay-serial", request.wechatpaySerial)
        }
        return prepared
      }
      const primary = prepare(baseUrl)
      const backup = backupUrl === undefined ? undefined : prepare(backupUrl)
      const signInput: Signer.SignInput = { method: request.method, target: request.path, body: body ?? "" }
      let attemptNumber = 0

      const send = (prepared: HttpClientRequest.HttpClientRequest, authorization: string) =>
        Effect.locallyWith(
          httpClient.execute(HttpClientRequest.setHeader(prepared, "authorization", authorization)),
          // The platform's spans record request headers: Authorization stays redacted even if the
          // program changed the redacted names.
          Headers.currentRedactedNames,
          withAuthorization
        )

      const attempt = Effect.gen(function*() {
        // Annotated on retries only: the first attempt is the common case and pays for nothing extra.
        if (++attemptNumber > 1) yield* Effect.annotateCurrentSpan("wechatpay.attempt", attemptNumber)
        const authorization = Redacted.value(yield* signer.authorize(signInput, { offload: inFlight > 1 }))
        const [res, host] = yield* backup === undefined
          ? Effect.map(send(primary, authorization), (res) => [res, baseUrl] as const)
          : send(primary, authorization).pipe(
            Effect.map((res) => [res, baseUrl] as const),
            // Never connected: the request cannot have run, so the backup host gets the same signed bytes.
            Effect.catchIf(
              (error) =>
                error._tag === "RequestError" && error.reason === "Transport" && Http.isConnectFailure(error.cause),
              () => Effect.map(send(backup, authorization), (res) => [res, backupUrl!] as const)
            )
          )
        return yield* handle(res, host)
      }).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => new WeChatPayError.RequestTimeout({ scope: "Attempt", timeoutMillis })
        }),
        Effect.mapError((error) =>
          error._tag === "RequestError"
            // A transport error carries the request it failed on: give back the one without Authorization,
            // so printing or serializing the error can never show the header.
            ? new HttpClientError.RequestError({
              request: primary,
              reason: error.reason,
              ...(error.cause !== undefined ? { cause: error.cause } : {}),
              ...(error.description !== undefined ? { description: error.description } : {})
            })
            : error._tag === "ResponseError"
            ? new WeChatPayError.UnexpectedResponse({
              status: error.response.status,
              description: error.reason === "EmptyBody" ? "an empty body" : "the body could not be read",
              excerpt: ""
            })
            : error
        ),
        limited
      )

      const handle = (res: HttpClientResponse.HttpClientResponse, host: string) =>
        Effect.gen(function*() {
          const status = res.status
          const requestId: string | undefined = res.headers["request-id"]
          yield* Effect.annotateCurrentSpan(
            requestId === undefined
              ? { "wechatpay.host": host }
              : { "wechatpay.host": host, "wechatpay.request_id": requestId }
          )
          const success = status >= 200 && status < 300
          // Only a failure can be retried later or blame a clock: a success needs no time.
          const now = success ? 0 : yield* Clock.currentTimeMillis
          const retryAfter = success
            ? undefined
            : Http.retryAfterSeconds(res.headers["retry-after"], now, MAX_RETRY_AFTER_SECONDS)
          const unexpected = (description: string, text = "") =>
            new WeChatPayError.UnexpectedResponse({
              status,
              description,
              excerpt: Http.excerpt(text),
              ...(requestId !== undefined ? { requestId } : {}),
              ...(retryAfter !== undefined ? { retryAfter } : {})
            })
          const raw = new Uint8Array(
            yield* Effect.mapError(res.arrayBuffer, () => unexpected("the body could not be read to its end"))
          )
          if (success) {
            // A 2xx answer is data only once its signature verifies.
            yield* verifier.verify({ headers: res.headers, body: raw, status })
            const text = utf8.decode(raw)
            const json = status === 204 && raw.length === 0 ? Option.some(undefined) : parseJson(text)
            if (Option.isNone(json)) return yield* unexpected("a success whose body is not JSON", text)
            return yield* Effect.mapError(
              decode(json.value),
              () => unexpected("a success whose body does not match the response schema", text)
            )
          }
          const text = utf8.decode(raw)
          const error = Option.flatMap(parseJson(text), decodeErrorBody)
          if (Option.isNone(error)) return yield* unexpected("an error answer that is not WeChat's JSON", text)
          yield* Effect.annotateCurrentSpan("wechatpay.code", error.value.code)
          const skew = error.value.code === "SIGN_ERROR" ? Http.clockSkewSeconds(res.headers["date"], now) : undefined
          return yield* WeChatPayError.fromBody(error.value, {
            status,
            requestId,
            retryAfter,
            clockSkewSeconds: skew !== undefined && Math.abs(skew) >= Verifier.MAX_SKEW_SECONDS ? skew : undefined
          })
        })

      const deadlineError = () =>
        new WeChatPayError.RequestTimeout({ scope: "Deadline", timeoutMillis: deadlineMillis })
      const calls = !firstAttemptWithinDeadline
        ? Effect.timeoutFail(
          schedule === undefined ? attempt : Effect.retry(attempt, { schedule, while: isRetryable }),
          {
            duration: deadline,
            onTimeout: deadlineError
          }
        )
        // The attempt's own timeout ends within the deadline: without retries, it is the only timer needed.
        : schedule === undefined
        ? attempt
        // The success path pays for one timer, the attempt's: the deadline and the retry schedule
        // start only after a retryable failure, with what is left of the deadline.
        : Effect.flatMap(Clock.currentTimeMillis, (started) =>
          Effect.catchIf(attempt, isRetryable, (first) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const remaining = deadlineMillis - (now - started)
              if (remaining <= 0) return Effect.fail(deadlineError())
              // The first failure is replayed into the schedule, so its backoff (and Retry-After) applies.
              let replay: CallError | undefined = first
              const again = Effect.suspend(() => {
                if (replay === undefined) return attempt
                const error = replay
                replay = undefined
                return Effect.fail(error)
              })
              return Effect.timeoutFail(Effect.retry(again, { schedule, while: isRetryable }), {
                duration: remaining,
                onTimeout: deadlineError
              })
            })))
      return Effect.suspend(() => {
        inFlight++
        return Effect.ensuring(
          calls,
          Effect.sync(() => {
            inFlight--
          })
        )
      }) as Effect.Effect<A, CallError, R>
    }

    return WeChatPayClient.of({ baseUrl, execute })
  })

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

/**
 * The APIv3 request pipeline every endpoint goes through: serialize once, sign each attempt, send,
 * verify the signature of every 2xx answer, decode the body with the endpoint's schema, map WeChat's
 * error bodies to typed errors, and retry what WeChat documents as retryable.
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientError, HttpClientRequest } from "@effect/platform"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import type { Duration, ParseResult } from "effect"
import { Context, Effect, Layer, Option, Redacted, Schedule, Schema } from "effect"
import { version } from "./internal/version.js"
import * as Signer from "./Signer.js"
import * as Verifier from "./Verifier.js"
import * as WeChatPayError from "./WeChatPayError.js"

/**
 * The production host.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.mch.weixin.qq.com"

/**
 * One API call, as the endpoint modules describe it.
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
 * @since 0.1.0
 * @category errors
 */
export type CallError = WeChatPayError.ApiError | HttpClientError.RequestError

/**
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
 * How failed attempts are retried. Only `SYSTEM_ERROR`, `SERVICE_UNAVAILABLE`, 429s, gateway 5xx pages
 * and transport failures are retried, never a 4xx business error; each attempt is freshly signed.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  readonly attempts?: number | undefined
  /** The first backoff; each next one doubles, with jitter (default 200 millis). */
  readonly base?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Defaults to {@link DEFAULT_BASE_URL}. */
  readonly baseUrl?: string | undefined
  /** Retry policy, or `false` to send every request once. */
  readonly retry?: RetryOptions | false | undefined
}

const isRetryable = (error: CallError): boolean =>
  error._tag === "RequestError" ? error.reason === "Transport" : error.retryable

const userAgent = `effect-wechatpay/${version} (@effect-wechatpay/core; ${
  typeof process === "undefined" ? "unknown" : `${process.platform}/${process.arch}; node/${process.versions.node}`
})`

const EXCERPT_LENGTH = 160

/** A single-line, bounded start of a body, safe for logs and error messages. */
const excerpt = (text: string): string =>
  text.slice(0, EXCERPT_LENGTH * 2).replace(/[\u0000-\u001f\u007f\s]+/g, " ").trim().slice(0, EXCERPT_LENGTH)

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

/**
 * Builds the pipeline. It asks for an `HttpClient` and never provides one: the user picks the
 * transport (`FetchHttpClient.layer`, `NodeHttpClient.layerUndici`, the sandbox's in-memory client).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, never, Signer.Signer | Verifier.Verifier | HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const signer = yield* Signer.Signer
    const verifier = yield* Verifier.Verifier
    const httpClient = yield* HttpClient.HttpClient
    const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")
    const retry = options.retry === false ? undefined : options.retry ?? {}
    const schedule = retry === undefined ? undefined : Schedule.exponential(retry.base ?? "200 millis", 2).pipe(
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(Math.max(0, (retry.attempts ?? 3) - 1)))
    )
    const baseHeaders = {
      accept: "application/json",
      "user-agent": userAgent
    }
    // Calls that overlap sign on the threadpool; a lone call signs inline, which is faster.
    let inFlight = 0

    const execute = <A, I, R>(request: ApiRequest, response: Schema.Schema<A, I, R>) => {
      const decode = decoderFor(response)
      const body = request.body === undefined ? undefined : encoder.encode(request.body)
      let prepared = HttpClientRequest.make(request.method)(baseUrl + request.path, { headers: baseHeaders })
      if (body !== undefined) prepared = HttpClientRequest.bodyUint8Array(prepared, body, "application/json")
      if (request.wechatpaySerial !== undefined) {
        prepared = HttpClientRequest.setHeader(prepared, "wechatpay-serial", request.wechatpaySerial)
      }
      const signInput: Signer.SignInput = { method: request.method, target: request.path, body: body ?? "" }

      const attempt = Effect.gen(function*() {
        const authorization = yield* signer.authorize(signInput, { offload: inFlight > 1 })
        const res = yield* httpClient.execute(
          HttpClientRequest.setHeader(prepared, "authorization", Redacted.value(authorization))
        )
        const status = res.status
        const requestId: string | undefined = res.headers["request-id"]
        if (requestId !== undefined) yield* Effect.annotateCurrentSpan("wechatpay.request_id", requestId)
        const unexpected = (description: string, text = "") =>
          new WeChatPayError.UnexpectedResponse({
            status,
            description,
            excerpt: excerpt(text),
            ...(requestId !== undefined ? { requestId } : {})
          })
        const raw = new Uint8Array(
          yield* Effect.mapError(res.arrayBuffer, () => unexpected("the body could not be read to its end"))
        )
        if (status >= 200 && status < 300) {
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
        return yield* WeChatPayError.fromBody(error.value, { status, requestId })
      }).pipe(
        // A transport error carries the request it failed on: give back the one without Authorization,
        // so printing or serializing the error can never show the header.
        Effect.catchTag("RequestError", (error) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request: prepared,
              reason: error.reason,
              ...(error.cause !== undefined ? { cause: error.cause } : {}),
              ...(error.description !== undefined ? { description: error.description } : {})
            })
          )),
        Effect.catchTag("ResponseError", (error) =>
          Effect.fail(
            new WeChatPayError.UnexpectedResponse({
              status: error.response.status,
              description: error.reason === "EmptyBody" ? "an empty body" : "the body could not be read",
              excerpt: ""
            })
          ))
      )

      const attempts = schedule === undefined
        ? attempt
        : Effect.retry(attempt, { schedule, while: isRetryable })
      return Effect.suspend(() => {
        inFlight++
        return Effect.ensuring(
          attempts,
          Effect.sync(() => {
            inFlight--
          })
        )
      }) as Effect.Effect<A, CallError, R>
    }

    return WeChatPayClient.of({ baseUrl, execute })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<WeChatPayClient, never, Signer.Signer | Verifier.Verifier | HttpClient.HttpClient> =>
  Layer.effect(WeChatPayClient, make(options))

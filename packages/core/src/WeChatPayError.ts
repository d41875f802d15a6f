/**
 * The typed failures of a WeChat Pay APIv3 call.
 *
 * - one class per documented error code, whose `_tag` is the code verbatim, so
 *   `Effect.catchTag("SYSTEM_ERROR", …)` reads like WeChat's own documentation;
 * - {@link UnknownApiError} for any other code WeChat answers with (the raw code is kept);
 * - {@link ResponseVerificationError} for a response whose signature could not be verified;
 * - {@link UnexpectedResponse} for a body that is not WeChat's JSON (a gateway's HTML page, an empty
 *   or truncated body, a success body that does not match the endpoint's schema).
 *
 * None of them ever carries a secret: no key, no `Authorization` value, no plaintext of an encrypted
 * field. What they carry is what a person needs to act on: status, message, detail and `Request-ID`.
 *
 * @since 0.1.0
 */
import { Predicate, Schema } from "effect"

/**
 * The `detail` object of a WeChat error body, e.g.
 * `{"field":"openid","value":"","issue":"must not be empty","location":"body"}`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const detail = Schema.decodeUnknownSync(WeChatPayError.ApiErrorDetail)({ field: "openid", location: "body" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export class ApiErrorDetail extends Schema.Class<ApiErrorDetail>("@effect-wechatpay/core/ApiErrorDetail")({
  field: Schema.optional(Schema.String),
  value: Schema.optional(Schema.Unknown),
  issue: Schema.optional(Schema.String),
  location: Schema.optional(Schema.String)
}) {}

/**
 * The body WeChat answers with when a call fails: `{"code":"…","message":"…","detail":{…}}`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const body = Schema.decodeUnknownSync(WeChatPayError.ApiErrorBody)({ code: "SYSTEM_ERROR", message: "系统错误" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApiErrorBody = Schema.Struct({
  code: Schema.String.pipe(Schema.minLength(1)),
  message: Schema.optionalWith(Schema.String, { default: () => "" }),
  detail: Schema.optional(Schema.Unknown)
})

/** One line with what a person needs to act on: code, status, message, detail and `Request-ID`. */
const describe = (error: {
  readonly _tag: string
  readonly status: number
  readonly message: string
  readonly detail?: ApiErrorDetail | undefined
  readonly requestId?: string | undefined
  readonly clockSkewSeconds?: number | undefined
}): string => {
  const code = "code" in error && typeof error.code === "string" ? error.code : error._tag
  const detail = error.detail === undefined
    ? []
    : [[error.detail.location, error.detail.field].filter(Predicate.isString).join("."), error.detail.issue ?? ""]
      .filter((s) => s.length > 0)
  return [
    `${code} (HTTP ${error.status})`,
    error.message.length > 0 ? `: ${error.message}` : "",
    detail.length > 0 ? ` [${detail.join(": ")}]` : "",
    error.requestId !== undefined ? ` Request-ID ${error.requestId}` : "",
    error.clockSkewSeconds !== undefined
      ? ` (this host's clock is ${Math.abs(error.clockSkewSeconds)} s ${
        error.clockSkewSeconds > 0 ? "ahead of" : "behind"
      } WeChat's: WeChat refuses signatures more than 300 s off, so synchronise the clock)`
      : ""
  ].join("")
}

/**
 * The fields every WeChat business error carries.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * class NotEnough extends Schema.TaggedError<NotEnough>()("NOT_ENOUGH", WeChatPayError.ApiErrorFields) {}
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const ApiErrorFields = {
  /** The HTTP status of the answer. */
  status: Schema.Number,
  /** WeChat's human-readable message, often in Chinese. */
  message: Schema.String,
  /** The `detail` object when WeChat sent one (`field`, `value`, `issue`, `location`). */
  detail: Schema.optional(ApiErrorDetail),
  /** The `Request-ID` response header: quote it to WeChat's support. */
  requestId: Schema.optional(Schema.String),
  /** Seconds to wait before trying again, from a `Retry-After` header. */
  retryAfter: Schema.optional(Schema.Number),
  /**
   * How many seconds this host's clock is ahead of WeChat's (negative: behind), from the answer's `Date`
   * header; set on a `SIGN_ERROR` when it is 5 minutes or more, the usual cause of that error.
   */
  clockSkewSeconds: Schema.optional(Schema.Number)
}

/**
 * `PARAM_ERROR` (HTTP 400). The request's parameters are invalid: a field is missing, too long or of the wrong format
 * (`detail` names it).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("PARAM_ERROR", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ParamError
  extends Schema.TaggedError<ParamError>("@effect-wechatpay/core/PARAM_ERROR")("PARAM_ERROR", ApiErrorFields)
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return false
  }
}

/**
 * `INVALID_REQUEST` (HTTP 400). The request is well-formed but not acceptable now, e.g. an `authenticate_number` reused
 * with other fields.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("INVALID_REQUEST", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@effect-wechatpay/core/INVALID_REQUEST")(
  "INVALID_REQUEST",
  ApiErrorFields
) {
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return false
  }
}

/**
 * `SIGN_ERROR` (HTTP 401). WeChat could not verify the request's signature: wrong merchant key or serial, or a clock
 * more than five minutes off (`detail` says which).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("SIGN_ERROR", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class SignError
  extends Schema.TaggedError<SignError>("@effect-wechatpay/core/SIGN_ERROR")("SIGN_ERROR", ApiErrorFields)
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return false
  }
}

/**
 * `NO_AUTH` (HTTP 403). The merchant has no permission for this API or this sub-merchant.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(Effect.catchTag("NO_AUTH", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NoAuth extends Schema.TaggedError<NoAuth>("@effect-wechatpay/core/NO_AUTH")("NO_AUTH", ApiErrorFields) {
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return false
  }
}

/**
 * `RESOURCE_NOT_EXISTS` (HTTP 404). The resource does not exist.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("RESOURCE_NOT_EXISTS", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ResourceNotExists
  extends Schema.TaggedError<ResourceNotExists>("@effect-wechatpay/core/RESOURCE_NOT_EXISTS")(
    "RESOURCE_NOT_EXISTS",
    ApiErrorFields
  )
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return false
  }
}

/**
 * `ORDER_NOT_EXIST` (HTTP 404). The order (e.g. the authentication) does not exist.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("ORDER_NOT_EXIST", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OrderNotExist
  extends Schema.TaggedError<OrderNotExist>("@effect-wechatpay/core/ORDER_NOT_EXIST")("ORDER_NOT_EXIST", ApiErrorFields)
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return false
  }
}

/**
 * `FREQUENCY_LIMITED` (HTTP 429). Too many requests for this resource: retried with backoff.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("FREQUENCY_LIMITED", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class FrequencyLimited extends Schema.TaggedError<FrequencyLimited>("@effect-wechatpay/core/FREQUENCY_LIMITED")(
  "FREQUENCY_LIMITED",
  ApiErrorFields
) {
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return true
  }
}

/**
 * `RATELIMIT_EXCEEDED` (HTTP 429). The merchant's rate limit was exceeded: retried with backoff.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("RATELIMIT_EXCEEDED", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded
  extends Schema.TaggedError<RateLimitExceeded>("@effect-wechatpay/core/RATELIMIT_EXCEEDED")(
    "RATELIMIT_EXCEEDED",
    ApiErrorFields
  )
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return true
  }
}

/**
 * `SYSTEM_ERROR` (HTTP 500). A WeChat system error: retried with the same parameters.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("SYSTEM_ERROR", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class SystemError
  extends Schema.TaggedError<SystemError>("@effect-wechatpay/core/SYSTEM_ERROR")("SYSTEM_ERROR", ApiErrorFields)
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return true
  }
}

/**
 * `SERVICE_UNAVAILABLE` (HTTP 503). WeChat is temporarily unavailable: retried later.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("SERVICE_UNAVAILABLE", (e) => Effect.succeed(`failed: ${e.message} ${e.requestId}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable
  extends Schema.TaggedError<ServiceUnavailable>("@effect-wechatpay/core/SERVICE_UNAVAILABLE")(
    "SERVICE_UNAVAILABLE",
    ApiErrorFields
  )
{
  override toString(): string {
    return describe(this)
  }
  /** Whether WeChat documents this code as safe to retry with the same parameters. */
  get retryable(): boolean {
    return true
  }
}

/**
 * A WeChat error body whose code is not one of the documented codes above. The raw code is kept in
 * `code`, so new codes can still be matched without a new release of this SDK.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("UnknownApiError", (e) => (e.code === "NOT_ENOUGH" ? Effect.succeed("no funds") : Effect.fail(e)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownApiError extends Schema.TaggedError<UnknownApiError>("@effect-wechatpay/core/UnknownApiError")(
  "UnknownApiError",
  { code: Schema.String, ...ApiErrorFields }
) {
  override toString(): string {
    return describe(this)
  }
  /** Unknown codes are retried only when the status says the server failed. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429
  }
}

/**
 * Why a response's signature was not accepted.
 *
 * - `MissingHeaders`: a `Wechatpay-*` header is absent or malformed;
 * - `UnknownSerial`: `Wechatpay-Serial` names no platform key this client holds;
 * - `StaleTimestamp`: `Wechatpay-Timestamp` is 300 s or more away from `Clock`;
 * - `BadSignature`: the signature does not match the body;
 * - `SignatureProbe`: WeChat's deliberate `WECHATPAY/SIGNTEST/` signature, sent to check that merchants verify.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const isFailure = Schema.is(WeChatPayError.VerificationFailure)
 * isFailure("BadSignature") // true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const VerificationFailure = Schema.Literal(
  "MissingHeaders",
  "UnknownSerial",
  "StaleTimestamp",
  "BadSignature",
  "SignatureProbe"
)

/**
 * A {@link VerificationFailure} reason.
 *
 * @example
 * ```ts
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const severity = (reason: WeChatPayError.VerificationFailure) =>
 *   reason === "BadSignature" || reason === "UnknownSerial" ? "alert" : "warn"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type VerificationFailure = typeof VerificationFailure.Type

/**
 * A response (or callback) whose signature could not be verified. Its body is never returned as data.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("ResponseVerificationError", (e) => Effect.logError(`unverifiable answer: ${e.reason}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseVerificationError extends Schema.TaggedError<ResponseVerificationError>(
  "@effect-wechatpay/core/ResponseVerificationError"
)("ResponseVerificationError", {
  reason: VerificationFailure,
  /** Why, in words; never contains a key or a signature. */
  description: Schema.String,
  status: Schema.optional(Schema.Number),
  /** The `Wechatpay-Serial` the response named, when it named one. */
  serial: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
  /** A response that fails verification is never retried: it may be an attack. */
  get retryable(): boolean {
    return false
  }
}

/**
 * An answer that is not WeChat's JSON: a gateway's HTML error page, an empty or truncated body, or a
 * success body that does not match the endpoint's schema. `excerpt` is a short, single-line start of
 * the body, safe to log (a WeChat answer never echoes an encrypted field's plaintext).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(
 *   Effect.catchTag("UnexpectedResponse", (e) => Effect.logError(`HTTP ${e.status}: ${e.description}`, e.excerpt))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>(
  "@effect-wechatpay/core/UnexpectedResponse"
)("UnexpectedResponse", {
  status: Schema.Number,
  description: Schema.String,
  excerpt: Schema.String,
  requestId: Schema.optional(Schema.String),
  /** Seconds to wait before trying again, from a `Retry-After` header. */
  retryAfter: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    return `HTTP ${this.status}: ${this.description}${
      this.excerpt.length > 0 ? ` (body starts ${JSON.stringify(this.excerpt)})` : ""
    }`
  }
  /** A gateway's 5xx or 429 page is worth another attempt; anything else is not. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429
  }
}

/**
 * A call that took too long: one attempt exceeded its timeout (`scope: "Attempt"`, retried like a
 * transport failure), or all attempts together exceeded the call's deadline (`scope: "Deadline"`).
 * The request was interrupted; it may or may not have reached WeChat.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(Effect.catchTag("RequestTimeout", (e) => Effect.logWarning(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>("@effect-wechatpay/core/RequestTimeout")(
  "RequestTimeout",
  {
    scope: Schema.Literal("Attempt", "Deadline"),
    /** The limit that was exceeded, in milliseconds. */
    timeoutMillis: Schema.Number
  }
) {
  override get message(): string {
    return this.scope === "Attempt"
      ? `an attempt got no complete answer within ${this.timeoutMillis} ms`
      : `the call did not complete within its ${this.timeoutMillis} ms deadline`
  }
  /** An attempt's timeout is retried (the request is idempotent); the deadline is final. */
  get retryable(): boolean {
    return this.scope === "Attempt"
  }
}

/**
 * The documented error codes, each with its class.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.documented.SYSTEM_ERROR({ status: 500, message: "系统错误" })
 * error.retryable // true
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const documented = {
  PARAM_ERROR: ParamError,
  INVALID_REQUEST: InvalidRequest,
  SIGN_ERROR: SignError,
  NO_AUTH: NoAuth,
  RESOURCE_NOT_EXISTS: ResourceNotExists,
  ORDER_NOT_EXIST: OrderNotExist,
  FREQUENCY_LIMITED: FrequencyLimited,
  RATELIMIT_EXCEEDED: RateLimitExceeded,
  SYSTEM_ERROR: SystemError,
  SERVICE_UNAVAILABLE: ServiceUnavailable
} as const

/**
 * A documented WeChat error code.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const isDocumented = (code: string): code is WeChatPayError.DocumentedCode =>
 *   Object.prototype.hasOwnProperty.call(WeChatPayError.documented, code)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type DocumentedCode = keyof typeof documented

/**
 * Any business error WeChat answered with.
 *
 * @example
 * ```ts
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const codeOf = (error: WeChatPayError.BusinessError): string =>
 *   error._tag === "UnknownApiError" ? error.code : error._tag
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type BusinessError = InstanceType<(typeof documented)[DocumentedCode]> | UnknownApiError

/**
 * Every typed failure of a WeChat Pay call, apart from transport failures
 * (`@effect/platform`'s `RequestError`) and request validation (`ParseError`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const logged = call.pipe(Effect.tapError((error) => Effect.logError(error._tag, error.message)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ApiError = BusinessError | ResponseVerificationError | UnexpectedResponse | RequestTimeout

/**
 * The schema of {@link ApiError}, to serialize errors or decode them back.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const json = Schema.encodeSync(WeChatPayError.ApiError)(
 *   new WeChatPayError.SystemError({ status: 500, message: "系统错误" })
 * )
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApiError: Schema.Union<[
  typeof ParamError,
  typeof InvalidRequest,
  typeof SignError,
  typeof NoAuth,
  typeof ResourceNotExists,
  typeof OrderNotExist,
  typeof FrequencyLimited,
  typeof RateLimitExceeded,
  typeof SystemError,
  typeof ServiceUnavailable,
  typeof UnknownApiError,
  typeof ResponseVerificationError,
  typeof UnexpectedResponse,
  typeof RequestTimeout
]> = Schema.Union(
  ParamError,
  InvalidRequest,
  SignError,
  NoAuth,
  ResourceNotExists,
  OrderNotExist,
  FrequencyLimited,
  RateLimitExceeded,
  SystemError,
  ServiceUnavailable,
  UnknownApiError,
  ResponseVerificationError,
  UnexpectedResponse,
  RequestTimeout
)

/**
 * Builds the typed error for a WeChat error body.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = WeChatPayError.fromBody({ code: "PARAM_ERROR", message: "参数错误" }, { status: 400 })
 * // error._tag === "PARAM_ERROR"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBody = (
  body: { readonly code: string; readonly message: string; readonly detail?: unknown },
  options: {
    readonly status: number
    readonly requestId?: string | undefined
    readonly retryAfter?: number | undefined
    readonly clockSkewSeconds?: number | undefined
  }
): BusinessError => {
  const fields = {
    status: options.status,
    message: body.message,
    ...(isDetail(body.detail) ? { detail: ApiErrorDetail.make(pickDetail(body.detail)) } : {}),
    ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
    ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
    ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {})
  }
  const Known = Object.prototype.hasOwnProperty.call(documented, body.code)
    ? documented[body.code as DocumentedCode]
    : undefined
  return Known !== undefined ? new Known(fields) : new UnknownApiError({ code: body.code, ...fields })
}

/**
 * Whether WeChat documents this failure as safe to retry with the same parameters.
 *
 * @example
 * ```ts
 * import { Effect, Schedule } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const patient = Effect.retry(call, {
 *   schedule: Schedule.spaced("1 minute"),
 *   times: 5,
 *   while: WeChatPayError.isRetryable
 * })
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: ApiError): boolean => error.retryable

const isDetail = (u: unknown): u is Record<string, unknown> => Predicate.isRecord(u)

const pickDetail = (d: Record<string, unknown>) => ({
  ...(Predicate.isString(d.field) ? { field: d.field } : {}),
  ...("value" in d ? { value: d.value } : {}),
  ...(Predicate.isString(d.issue) ? { issue: d.issue } : {}),
  ...(Predicate.isString(d.location) ? { location: d.location } : {})
})

/**
 * An option given to a layer's constructor is unusable: a key that does not parse, an identifier that
 * would break the `Authorization` header. `option` names the option (or environment variable);
 * the value itself is never included.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * const signer = Signer.make({ mchid: "1900000001", serialNo: "ABC", privateKey: Redacted.make("not a key") }).pipe(
 *   Effect.catchTag("InvalidOptionError", (e) => Effect.die(`fix ${e.option}: ${e.description}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidOptionError extends Schema.TaggedError<InvalidOptionError>(
  "@effect-wechatpay/core/InvalidOptionError"
)("InvalidOptionError", {
  option: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `invalid ${this.option}: ${this.description}`
  }
}

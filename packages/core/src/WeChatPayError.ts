/**
 * The typed failures of a WeChat Pay APIv3 call.
 *
 * - one class per documented error code, whose `_tag` is the code verbatim, so
 *   `Effect.catchTag("SYSTEM_ERROR", …)` reads like WeChat's own documentation;
 * - {@link UnknownApiError} for any other code WeChat answers with (the raw code is kept);
 * - {@link ResponseVerificationError} for a response whose signature could not be verified;
 * - {@link UnexpectedResponse} for a body that is not WeChat's JSON (a gateway's HTML page, an empty
 *   or truncated body, a success body that does not match the endpoint's schema);
 * - {@link RequestTimeout} for an attempt or a call that took too long;
 * - {@link RequestValidationError} for a request refused before anything was sent.
 *
 * Every `message` is one line with what a person needs to act on — code, HTTP status, WeChat's message
 * and `detail`, method and route template, `Request-ID`, attempts made — because `message` is what
 * `Cause.pretty`, `runMain` and `Effect.logError` show. Server text in it is escaped and bounded; the raw
 * text stays a field. None of them ever carries a secret: no key, no `Authorization` value, no value of an
 * encrypted field, no identifier from a path.
 *
 * @since 0.1.0
 */
import type { Cause } from "effect"
import { Predicate, Schema } from "effect"
import {
  after,
  CallContextFields,
  notes,
  RequestTimeout,
  ResponseVerificationError,
  UnexpectedResponse,
  where
} from "./internal/failures.js"
import { sanitize } from "./internal/text.js"

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
  /** WeChat's human-readable message, raw (often in Chinese); `message` shows it escaped and bounded. */
  wechatMessage: Schema.String,
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
  clockSkewSeconds: Schema.optional(Schema.Number),
  ...CallContextFields
}

/** One line: code, status, route, WeChat's message and detail (never its value), Request-ID, attempts, skew. */
const describe = (e: ApiFields & { readonly code: string }): string => {
  const detail = e.detail === undefined
    ? []
    : [[e.detail.location, e.detail.field].filter(Predicate.isString).join("."), e.detail.issue ?? ""]
      .filter((s) => s.length > 0)
      .map((s) => sanitize(s, 120))
  return [
    `${e.code} (HTTP ${e.status})${where(e)}`,
    e.wechatMessage.length > 0 ? `: ${sanitize(e.wechatMessage)}` : "",
    detail.length > 0 ? ` [${detail.join(": ")}]` : "",
    notes(e.requestId !== undefined ? `Request-ID ${sanitize(e.requestId, 80)}` : undefined, after(e.attempts)),
    e.clockSkewSeconds !== undefined
      ? ` — this host's clock is ${Math.abs(e.clockSkewSeconds)} s ${
        e.clockSkewSeconds > 0 ? "ahead of" : "behind"
      } WeChat's: WeChat refuses signatures more than 300 s off, so synchronise the clock`
      : ""
  ].join("")
}

type ApiFields = Schema.Struct.Type<typeof ApiErrorFields>

type CodeFields<Code extends string> = { readonly _tag: Schema.tag<Code> } & typeof ApiErrorFields

/**
 * The class of one WeChat error code, as {@link ParamError} and its siblings are built.
 *
 * @example
 * ```ts
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * type SystemErrorClass = WeChatPayError.CodeErrorClass<WeChatPayError.SystemError, "SYSTEM_ERROR">
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CodeErrorClass<Self, Code extends string> extends
  Schema.Class<
    Self,
    CodeFields<Code>,
    Schema.Struct.Encoded<CodeFields<Code>>,
    never,
    Schema.Struct.Constructor<typeof ApiErrorFields>,
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Schema.Class: nothing inherited
    {},
    Cause.YieldableError & { readonly retryable: boolean }
  >
{
  readonly _tag: Code
}

// Everything but the tag, the retry rule and the doc line is shared, as in @effect/platform's HttpApiError.
const codeError = <Self>() => <Code extends string>(code: Code, retryable: boolean): CodeErrorClass<Self, Code> => {
  class CodeError extends Schema.TaggedError<unknown>(`@effect-wechatpay/core/${code}`)(code, ApiErrorFields) {
    /** Whether WeChat documents this code as safe to retry with the same parameters. */
    get retryable(): boolean {
      return retryable
    }
    override get message(): string {
      return describe({ ...this, code })
    }
  }
  return CodeError as any
}

/**
 * `PARAM_ERROR` (HTTP 400): a field is missing, too long or of the wrong format (`detail` names it).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(Effect.catchTag("PARAM_ERROR", (e) => Effect.succeed(`${e.detail?.field}: ${e.message}`)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ParamError extends codeError<ParamError>()("PARAM_ERROR", false) {}

/**
 * `INVALID_REQUEST` (HTTP 400): well-formed but not acceptable now, e.g. an `authenticate_number` reused with
 * other fields.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.InvalidRequest({ status: 400, wechatMessage: "重复的单号" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends codeError<InvalidRequest>()("INVALID_REQUEST", false) {}

/**
 * `SIGN_ERROR` (HTTP 401): WeChat could not verify the request's signature — wrong merchant key or serial, or
 * a clock more than five minutes off (`clockSkewSeconds` says so when the answer's `Date` shows it).
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.SignError({ status: 401, wechatMessage: "签名错误", clockSkewSeconds: -600 })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class SignError extends codeError<SignError>()("SIGN_ERROR", false) {}

/**
 * `NO_AUTH` (HTTP 403): the merchant has no permission for this API or this sub-merchant.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.NoAuth({ status: 403, wechatMessage: "无权限" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NoAuth extends codeError<NoAuth>()("NO_AUTH", false) {}

/**
 * `RESOURCE_NOT_EXISTS` (HTTP 404): the resource does not exist.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.ResourceNotExists({ status: 404, wechatMessage: "资源不存在" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ResourceNotExists extends codeError<ResourceNotExists>()("RESOURCE_NOT_EXISTS", false) {}

/**
 * `ORDER_NOT_EXIST` (HTTP 404): the order (e.g. the authentication) does not exist.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.OrderNotExist({ status: 404, wechatMessage: "订单不存在" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OrderNotExist extends codeError<OrderNotExist>()("ORDER_NOT_EXIST", false) {}

/**
 * `FREQUENCY_LIMITED` (HTTP 429): too many requests for this resource; retried with backoff.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.FrequencyLimited({ status: 429, wechatMessage: "频率超限", retryAfter: 2 })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class FrequencyLimited extends codeError<FrequencyLimited>()("FREQUENCY_LIMITED", true) {}

/**
 * `RATELIMIT_EXCEEDED` (HTTP 429): the merchant's rate limit was exceeded; retried with backoff.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.RateLimitExceeded({ status: 429, wechatMessage: "超出限额" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends codeError<RateLimitExceeded>()("RATELIMIT_EXCEEDED", true) {}

/**
 * `SYSTEM_ERROR` (HTTP 500): a WeChat system error; retried with the same parameters.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.SystemError({ status: 500, wechatMessage: "系统错误", attempts: 3 })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class SystemError extends codeError<SystemError>()("SYSTEM_ERROR", true) {}

/**
 * `SERVICE_UNAVAILABLE` (HTTP 503): WeChat is temporarily unavailable; retried later.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.ServiceUnavailable({ status: 503, wechatMessage: "服务不可用" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends codeError<ServiceUnavailable>()("SERVICE_UNAVAILABLE", true) {}

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
  /** Unknown codes are retried only when the status says the server failed. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429
  }
  override get message(): string {
    return describe({ ...this, code: sanitize(this.code, 64) })
  }
}

export {
  /** @since 0.1.0 */
  CallContextFields,
  /** @since 0.1.0 */
  InvalidOptionError,
  /** @since 0.1.0 */
  RequestTimeout,
  /** @since 0.1.0 */
  RequestValidationError,
  /** @since 0.1.0 */
  ResponseVerificationError,
  /** @since 0.1.0 */
  UnexpectedResponse,
  /** @since 0.1.0 */
  VerificationFailure
} from "./internal/failures.js"

/** @since 0.1.0 */
export type { ValidationIssue } from "./internal/failures.js"

/**
 * The documented error codes, each with its class.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.documented.SYSTEM_ERROR({ status: 500, wechatMessage: "系统错误" })
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
 * Every typed failure of a WeChat Pay call, apart from transport failures (`@effect/platform`'s
 * `RequestError`) and request validation ({@link RequestValidationError}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const logged = call.pipe(Effect.tapError((error) => Effect.logError(error.message)))
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
 *   new WeChatPayError.SystemError({ status: 500, wechatMessage: "系统错误" })
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
    readonly method?: string | undefined
    readonly route?: string | undefined
    readonly attempts?: number | undefined
  }
): BusinessError => {
  const fields: ApiFields = {
    status: options.status,
    wechatMessage: body.message,
    ...(Predicate.isRecord(body.detail) ? { detail: ApiErrorDetail.make(pickDetail(body.detail)) } : {}),
    ...definedOnly(options)
  }
  const Known = Object.prototype.hasOwnProperty.call(documented, body.code)
    ? documented[body.code as DocumentedCode]
    : undefined
  return Known !== undefined ? new Known(fields) : new UnknownApiError({ code: body.code, ...fields })
}

const definedOnly = (options: Record<string, unknown>) => {
  const out: Record<string, unknown> = {}
  for (const key of ["requestId", "retryAfter", "clockSkewSeconds", "method", "route", "attempts"]) {
    if (options[key] !== undefined) out[key] = options[key]
  }
  return out
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

const pickDetail = (d: Record<string, unknown>) => ({
  ...(Predicate.isString(d.field) ? { field: d.field } : {}),
  ...("value" in d ? { value: d.value } : {}),
  ...(Predicate.isString(d.issue) ? { issue: d.issue } : {}),
  ...(Predicate.isString(d.location) ? { location: d.location } : {})
})

/**
 * WeChat's error codes as classes: one class per code WeChat documents, whose `_tag` is the code verbatim
 * (`ParamError` is `"PARAM_ERROR"`), made with `codeError` (`WeChatPayErrorBody`), {@link UnknownApiError} for any
 * other, and {@link fromBody}, which picks the class for an error body.
 *
 * `WeChatPayError` re-exports all of it beside the failures that are not WeChat's codes, so
 * `WeChatPayError.ParamError`, `WeChatPayError.fromBody`, … is the one way to reach them.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { definedOnly, describe, pickDetail } from "./internal/errors/message.js"
import { sanitize } from "./internal/errors/sanitize.js"
import { ApiErrorDetail, ApiErrorFields, codeError } from "./WeChatPayErrorBody.js"

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
 * `NOT_FOUND` (HTTP 404): the record is not found (记录不存在). The partner-transfer queries answer it for a batch or
 * detail that WeChat is still accepting, for a while after it was created: poll again later, and never resubmit it
 * under a new number (WeChat's pages for 查询批次单 / 查询明细单). Not `RESOURCE_NOT_EXISTS`.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const error = new WeChatPayError.NotFound({ status: 404, wechatMessage: "记录不存在" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends codeError<NotFound>()("NOT_FOUND", false) {}

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
  NOT_FOUND: NotFound,
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
  const fields: Schema.Struct.Type<typeof ApiErrorFields> = {
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

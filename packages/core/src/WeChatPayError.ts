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
 * The classes of the codes and `fromBody` are in `WeChatPayErrorCodes`, re-exported here; the shared fields,
 * message and class factory in `internal/codeError.ts`; the pipeline's own failures in `internal/failures.ts`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as CodeError from "./internal/codeError.js"
import { RequestTimeout, ResponseVerificationError, UnexpectedResponse } from "./internal/failures.js"

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
export const ApiErrorDetail = CodeError.ApiErrorDetail

/** @since 0.1.0 */
export type ApiErrorDetail = CodeError.ApiErrorDetail

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
export const ApiErrorBody = CodeError.ApiErrorBody

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
export const ApiErrorFields = CodeError.ApiErrorFields

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
export type CodeErrorClass<Self, Code extends string> = CodeError.CodeErrorClass<Self, Code>

import {
  type BusinessError,
  FrequencyLimited,
  InvalidRequest,
  NoAuth,
  NotFound,
  OrderNotExist,
  ParamError,
  RateLimitExceeded,
  ResourceNotExists,
  ServiceUnavailable,
  SignError,
  SystemError,
  UnknownApiError
} from "./WeChatPayErrorCodes.js"

export * from "./WeChatPayErrorCodes.js"

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
export const ApiError = Schema.Union(
  ParamError,
  InvalidRequest,
  SignError,
  NoAuth,
  ResourceNotExists,
  OrderNotExist,
  NotFound,
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

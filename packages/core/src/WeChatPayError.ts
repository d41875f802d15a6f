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
 * WeChat's error body and the class factory are defined in `WeChatPayErrorBody`, the codes' classes and `fromBody`
 * in `WeChatPayErrorCodes`, both re-exported
 * here; the failures that are not WeChat's codes are defined here.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { after, notes, where } from "./internal/errors/message.js"
import { sanitize } from "./internal/errors/sanitize.js"
import { CallContextFields } from "./WeChatPayErrorBody.js"
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

export * from "./WeChatPayErrorBody.js"
export * from "./WeChatPayErrorCodes.js"

/**
 * Why a response's signature was not accepted: `MissingHeaders` (a `Wechatpay-*` header absent or
 * malformed), `UnknownSerial` (no platform key for `Wechatpay-Serial`), `StaleTimestamp` (300 s or more
 * from `Clock`), `BadSignature`, or `SignatureProbe` (WeChat's deliberate `WECHATPAY/SIGNTEST/` signature); for
 * an answer whose signature verified: `EchoMismatch` (a field that echoes the request is missing or differs: the
 * answer to another request) or `Replayed` (its `Wechatpay-Nonce` was already accepted within the window).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * Schema.is(WeChatPayError.VerificationFailure)("BadSignature") // true
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
  "SignatureProbe",
  "EchoMismatch",
  "Replayed"
)

/**
 * A {@link VerificationFailure} reason.
 *
 * @example
 * ```ts
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const severity = (reason: WeChatPayError.VerificationFailure) => (reason === "BadSignature" ? "alert" : "warn")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type VerificationFailure = typeof VerificationFailure.Type

/**
 * A response (or callback) whose signature could not be verified. Its body is never returned as data,
 * and it is never retried: it may be an attack.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.ApiError>
 * const handled = call.pipe(Effect.catchTag("ResponseVerificationError", (e) => Effect.logError(e.message)))
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
  requestId: Schema.optional(Schema.String),
  ...CallContextFields
}) {
  override get message(): string {
    return `${this.reason}${this.status !== undefined ? ` (HTTP ${this.status})` : ""}${where(this)}: ${
      sanitize(this.description)
    }${notes(this.requestId !== undefined ? `Request-ID ${sanitize(this.requestId, 80)}` : undefined)}`
  }
  /** Never retried. */
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
 * const handled = call.pipe(Effect.catchTag("UnexpectedResponse", (e) => Effect.logError(e.message, e.excerpt)))
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
  retryAfter: Schema.optional(Schema.Number),
  ...CallContextFields
}) {
  override get message(): string {
    return `HTTP ${this.status}${where(this)}: ${this.description}${
      this.excerpt.length > 0 ? ` (body starts ${JSON.stringify(sanitize(this.excerpt, 160))})` : ""
    }${
      notes(
        this.requestId !== undefined ? `Request-ID ${sanitize(this.requestId, 80)}` : undefined,
        after(this.attempts)
      )
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
    timeoutMillis: Schema.Number,
    ...CallContextFields
  }
) {
  override get message(): string {
    const call = this.method !== undefined && this.route !== undefined ? `${this.method} ${this.route}` : "the call"
    return this.scope === "Attempt"
      ? `${call}: attempt ${this.attempts ?? 1} got no complete answer within ${this.timeoutMillis} ms`
      : `${call} did not complete within its ${this.timeoutMillis} ms deadline${
        this.attempts !== undefined ? ` (${after(this.attempts)})` : ""
      }`
  }
  /** An attempt's timeout is retried (the request is idempotent); the deadline is final. */
  get retryable(): boolean {
    return this.scope === "Attempt"
  }
}

/**
 * One reason a request was refused: the field's path (`user_name`, `transfer_detail_list.0.user_name`, or
 * `""` for the request as a whole) and why. Never a value of an encrypted field.
 *
 * @example
 * ```ts
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * const issue: WeChatPayError.ValidationIssue = { path: "authenticate_number", message: "must be 1–64 letters" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidationIssue {
  readonly path: string
  readonly message: string
}

/**
 * A request refused before anything was signed or sent: every call fails with this one error when its
 * request does not match its schema, a sensitive field cannot be encrypted, a path parameter is empty,
 * `.` or `..`, or a string is not well-formed Unicode. `issues` lists each bad field's path and reason;
 * no value of an encrypted field ever appears, whatever its type.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const call: Effect.Effect<string, WeChatPayError.RequestValidationError>
 * const fields = call.pipe(
 *   Effect.catchTag("RequestValidationError", (e) => Effect.succeed(e.issues.map((i) => i.path).join(", ")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestValidationError extends Schema.TaggedError<RequestValidationError>(
  "@effect-wechatpay/core/RequestValidationError"
)("RequestValidationError", {
  issues: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
  method: Schema.optional(Schema.String),
  route: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const issues = this.issues.slice(0, 10).map((i) => `${i.path.length > 0 ? i.path : "request"}: ${i.message}`)
    if (this.issues.length > 10) issues.push(`and ${this.issues.length - 10} more`)
    return `invalid request${where(this)}, nothing sent: ${sanitize(issues.join("; "), 600)}`
  }
}

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

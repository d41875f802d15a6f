/**
 * WeChat's error body and what the SDK's errors make of it: the body a failed call is answered with
 * (`ApiErrorBody`, its `detail`), the fields every business error carries (`ApiErrorFields`, with
 * `CallContextFields`: where the call failed), and the factory the class of each code is made with
 * ({@link codeError}, as `@effect/platform`'s `HttpApiError` makes its classes). The classes of the codes are in
 * `WeChatPayErrorCodes`; `WeChatPayError` re-exports both, so `WeChatPayError.ApiErrorBody`, … is the one way to
 * reach them.
 *
 * @since 0.1.0
 */
import type { Cause } from "effect"
import * as Schema from "effect/Schema"
import { describe } from "./internal/errors/message.js"

/**
 * Where a failure happened, filled in by the client: the call's method and route template (never a path with
 * its identifiers) and how many attempts were made.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * class Refused extends Schema.TaggedError<Refused>()("Refused", WeChatPayError.CallContextFields) {}
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const CallContextFields = {
  /** `GET`, `POST`, … */
  method: Schema.optional(Schema.String),
  /** The route template, e.g. `/v3/payroll-card/relations/{openid}`. */
  route: Schema.optional(Schema.String),
  /** Attempts made when the call gave up, this one included. */
  attempts: Schema.optional(Schema.Number)
}

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

/**
 * Makes the class of one WeChat error code: its `_tag` is the code, its fields {@link ApiErrorFields}, its
 * `message` one line (code, status, route, WeChat's message and `detail`, `Request-ID`, attempts), and
 * `retryable` what WeChat's page says of retrying it. A family whose calls document a code the SDK has no class
 * for declares it with this, and its calls' error channels then list it.
 *
 * @example
 * ```ts
 * import { WeChatPayError } from "@effect-wechatpay/core"
 *
 * class NotEnough extends WeChatPayError.codeError<NotEnough>()("NOT_ENOUGH", false) {}
 *
 * const error = new NotEnough({ status: 403, wechatMessage: "余额不足" })
 * error._tag // "NOT_ENOUGH"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const codeError =
  <Self>() => <Code extends string>(code: Code, retryable: boolean): CodeErrorClass<Self, Code> => {
    class CodeError extends Schema.TaggedError<unknown>(`@effect-wechatpay/core/${code}`)(code, ApiErrorFields) {
      /** Whether WeChat documents this code as safe to retry with the same parameters. */
      get retryable(): boolean {
        return retryable
      }
      override get message(): string {
        return describe({ ...this, code })
      }
    }
    // The message starts with the code; as the error's name (which Cause.pretty, runMain and String print before
    // the message) the tag would say it twice: "PARAM_ERROR: PARAM_ERROR (HTTP 400) …".
    Object.defineProperty(CodeError.prototype, "name", { value: "WeChatPayError", configurable: true })
    return CodeError as any
  }

/**
 * WeChat's error body and the classes built from it: the schemas of the body, the fields every business error
 * carries, the one-line message they show, and the factory that makes one class per code (as `@effect/platform`'s
 * `HttpApiError` does). `WeChatPayError` exports the public part with its documentation.
 */
import type { Cause } from "effect"
import { Predicate, Schema } from "effect"
import { sanitize } from "./errors/sanitize.js"
import { after, CallContextFields, notes, where } from "./failures.js"

/** The `detail` object of a WeChat error body (documented where `WeChatPayError` exports it). */
export class ApiErrorDetail extends Schema.Class<ApiErrorDetail>("@effect-wechatpay/core/ApiErrorDetail")({
  field: Schema.optional(Schema.String),
  value: Schema.optional(Schema.Unknown),
  issue: Schema.optional(Schema.String),
  location: Schema.optional(Schema.String)
}) {}

/** The body WeChat answers with when a call fails. */
export const ApiErrorBody = Schema.Struct({
  code: Schema.String.pipe(Schema.minLength(1)),
  message: Schema.optionalWith(Schema.String, { default: () => "" }),
  detail: Schema.optional(Schema.Unknown)
})

/** The fields every WeChat business error carries. */
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
export const describe = (e: ApiFields & { readonly code: string }): string => {
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

export type ApiFields = Schema.Struct.Type<typeof ApiErrorFields>

type CodeFields<Code extends string> = { readonly _tag: Schema.tag<Code> } & typeof ApiErrorFields

/** The class of one WeChat error code. */
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

/** Only the options that are set, so optional schema fields stay absent. */
export const definedOnly = (options: Record<string, unknown>) => {
  const out: Record<string, unknown> = {}
  for (const key of ["requestId", "retryAfter", "clockSkewSeconds", "method", "route", "attempts"]) {
    if (options[key] !== undefined) out[key] = options[key]
  }
  return out
}

/** The documented keys of a `detail` object, each only with the type WeChat documents for it. */
export const pickDetail = (d: Record<string, unknown>) => ({
  ...(Predicate.isString(d.field) ? { field: d.field } : {}),
  ...("value" in d ? { value: d.value } : {}),
  ...(Predicate.isString(d.issue) ? { issue: d.issue } : {}),
  ...(Predicate.isString(d.location) ? { location: d.location } : {})
})

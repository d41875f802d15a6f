/**
 * The one-line messages of the SDK's errors, built from their fields: where the call failed (method and route
 * template), after how many attempts, WeChat's code, message and `detail` (escaped and bounded: error bodies are
 * not signed, so anyone on the path may have written them), and the clock skew behind a `SIGN_ERROR`. Shared by
 * the classes of `WeChatPayError`, `WeChatPayErrorBody` and `WeChatPayErrorCodes`, which define the errors themselves.
 */
import type { Schema } from "effect"
import * as Predicate from "effect/Predicate"
import type { ApiErrorFields } from "../../WeChatPayErrorBody.js"
import { sanitize } from "./sanitize.js"

type Where = { readonly method?: string | undefined; readonly route?: string | undefined }

/** ` on POST /v3/…` when the call is known, else nothing. */
export const where = (e: Where): string =>
  e.method !== undefined && e.route !== undefined ? ` on ${e.method} ${e.route}` : ""

/** `after 3 attempts`, or nothing when the count is unknown. */
export const after = (attempts: number | undefined): string =>
  attempts === undefined ? "" : `after ${attempts} attempt${attempts === 1 ? "" : "s"}`

/** The non-empty parts in parentheses, `; `-separated, or nothing. */
export const notes = (...parts: ReadonlyArray<string | undefined>): string => {
  const kept = parts.filter((p): p is string => p !== undefined && p.length > 0)
  return kept.length === 0 ? "" : ` (${kept.join("; ")})`
}

type ApiFields = Schema.Struct.Type<typeof ApiErrorFields>

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

/**
 * Checks of path segments and query parameters, for the GET routes.
 *
 * @internal
 */
import { Either } from "effect"
import type { Problem } from "./problem.js"
import { paramError } from "./problem.js"

/**
 * A checked value, or the 400 answer saying what is wrong with it.
 *
 * @internal
 */
export type Checked<A> = Either.Either<A, Problem>

/**
 * Wraps a value that passed its checks.
 *
 * @internal
 */
export const ok = <A>(value: A): Checked<A> => Either.right(value)

/**
 * Wraps a problem.
 *
 * @internal
 */
export const problem = <A = never>(p: Problem): Checked<A> => Either.left(p)

/**
 * At least one of `appid` and `sub_appid`, as WeChat documents for the routes that take a worker's openid: in the
 * query of a GET, in the body of a POST.
 *
 * @internal
 */
export const someAppId = (appid: unknown, subAppid: unknown, location: "query" | "body"): Checked<void> =>
  appid == null && subAppid == null
    ? problem(paramError({
      field: "appid",
      issue: "appid or sub_appid is required",
      location,
      message: "At least one of appid and sub_appid is required"
    }))
    : Either.void

/**
 * The segment after `prefix` when `path` is exactly `prefix` plus one non-empty segment, still percent-encoded.
 *
 * @internal
 */
export const segmentAfter = (path: string, prefix: string): string | undefined => {
  if (!path.startsWith(prefix)) return undefined
  const segment = path.slice(prefix.length)
  return segment === "" || segment.includes("/") ? undefined : segment
}

/**
 * The query parameters of a request target (empty when it has none).
 *
 * @internal
 */
export const queryOf = (url: string): URLSearchParams => {
  const index = url.indexOf("?")
  return new URLSearchParams(index === -1 ? "" : url.slice(index + 1))
}

/**
 * Checks one string parameter: present when required, non-empty, matching `pattern`. No length limits: the
 * sources (wechatpay-go `services/payrollcard/models.go`) document none, so none is invented here.
 * Returns `undefined` for an absent optional parameter.
 *
 * @internal
 */
export const text = (
  field: string,
  value: string | null | undefined,
  rule: {
    readonly location: "query" | "path"
    readonly required: boolean
    readonly pattern?: { readonly regexp: RegExp; readonly issue: string }
  }
): Checked<string | undefined> => {
  if (value === null || value === undefined) {
    return rule.required
      ? problem(paramError({
        field,
        issue: "required",
        location: rule.location,
        message: `Missing required ${rule.location} parameter ${field}`
      }))
      : ok(undefined)
  }
  if (value.length === 0) {
    return problem(paramError({
      field,
      value,
      issue: "must not be empty",
      location: rule.location,
      message: `Parameter ${field} must not be empty`
    }))
  }
  if (rule.pattern !== undefined && !rule.pattern.regexp.test(value)) {
    return problem(paramError({
      field,
      value,
      issue: rule.pattern.issue,
      location: rule.location,
      message: `Parameter ${field} ${rule.pattern.issue}`
    }))
  }
  return ok(value)
}

/**
 * Decodes a percent-encoded path segment; a malformed escape is a 400 naming `field`.
 *
 * @internal
 */
export const decodeSegment = (field: string, segment: string): Checked<string> => {
  try {
    return ok(decodeURIComponent(segment))
  } catch {
    return problem(paramError({
      field,
      value: segment,
      issue: "malformed percent-encoding",
      location: "path",
      message: `Path parameter ${field} is not valid percent-encoded UTF-8`
    }))
  }
}

/**
 * A `Clock` time as WeChat writes times: RFC 3339 in Beijing time, `2015-05-20T13:29:35+08:00`.
 *
 * @internal
 */
export const rfc3339 = (millis: number): string =>
  `${new Date(Math.floor(millis / 1000) * 1000 + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`

/**
 * A 400 `PARAM_ERROR` for a query parameter's value.
 *
 * @internal
 */
export const queryProblem = <A = never>(field: string, value: string, issue: string): Checked<A> =>
  problem(paramError({ field, value, issue, location: "query", message: `Parameter ${field} ${issue}` }))

/**
 * An integer query parameter within `range`, `fallback` when absent.
 *
 * @internal
 */
export const integer = (
  query: URLSearchParams,
  field: string,
  fallback: number,
  range: { readonly min: number; readonly max: number }
): Checked<number> => {
  const raw = query.get(field)
  if (raw === null) return ok(fallback)
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  return Number.isSafeInteger(value) && value >= range.min && value <= range.max
    ? ok(value)
    : queryProblem(field, raw, `must be an integer from ${range.min} to ${range.max}`)
}

/**
 * One of `values`, or `undefined` when absent (and not `required`).
 *
 * @internal
 */
export const oneOf = (
  query: URLSearchParams,
  field: string,
  values: ReadonlyArray<string>,
  required: boolean
): Checked<string | undefined> => {
  const raw = query.get(field)
  if (raw === null) {
    return required
      ? problem(paramError({
        field,
        issue: "required",
        location: "query",
        message: `Missing required query parameter ${field}`
      }))
      : ok(undefined)
  }
  return values.includes(raw) ? ok(raw) : queryProblem(field, raw, `must be one of ${values.join(", ")}`)
}

/**
 * Checks of path segments and query parameters, written once for every GET route: a segment, a required or optional
 * parameter, the `appid`/`sub_appid` pair, a day within a window, a page (`offset`, `limit`). Each fails with the
 * 400 `PARAM_ERROR` WeChat answers, naming the field.
 *
 * @internal
 */
import * as Either from "effect/Either"
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

/**
 * A required query parameter, non-empty.
 *
 * @example
 * ```ts
 * required(queryOf("/v3/x?sub_mchid=1900000109"), "sub_mchid") // Either.right("1900000109")
 * ```
 * @internal
 */
export const required = (query: URLSearchParams, field: string): Checked<string> =>
  text(field, query.get(field), { location: "query", required: true }) as Checked<string>

/**
 * An optional query parameter: `undefined` when absent, non-empty when present.
 *
 * @example
 * ```ts
 * optional(queryOf("/v3/x"), "appid") // Either.right(undefined)
 * ```
 * @internal
 */
export const optional = (query: URLSearchParams, field: string): Checked<string | undefined> =>
  text(field, query.get(field), { location: "query", required: false })

/**
 * A path parameter captured by the router (still percent-encoded): decoded, non-empty, matching `pattern` if given.
 *
 * @example
 * ```ts
 * segment({ openid: "o%2D1" }, "openid") // Either.right("o-1")
 * ```
 * @internal
 */
export const segment = (
  params: Readonly<Record<string, string>>,
  field: string,
  pattern?: { readonly regexp: RegExp; readonly issue: string }
): Checked<string> =>
  Either.flatMap(
    decodeSegment(field, params[field] ?? ""),
    (decoded) =>
      text(field, decoded, {
        location: "path",
        required: true,
        ...(pattern === undefined ? {} : { pattern })
      }) as Checked<string>
  )

/**
 * The Beijing calendar day (`yyyy-MM-dd`) of a `Clock` time.
 *
 * @internal
 */
export const beijingDate = (millis: number): string => rfc3339(millis).slice(0, 10)

const DAY_MILLIS = 86_400_000

/**
 * Whether `value` is a real calendar day written `yyyy-MM-dd`.
 *
 * @internal
 */
export const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const millis = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(millis) && new Date(millis).toISOString().slice(0, 10) === value
}

/**
 * A required day, `yyyy-MM-dd`, within the last `windowDays` Beijing days up to today (`now`).
 *
 * @example
 * ```ts
 * day(queryOf("/v3/x?authenticate_date=2026-01-01"), "authenticate_date", 90, Date.now())
 * ```
 * @internal
 */
export const day = (query: URLSearchParams, field: string, windowDays: number, now: number): Checked<string> =>
  Either.flatMap(required(query, field), (date) => {
    if (!isCalendarDate(date)) return queryProblem(field, date, "must be a date, yyyy-MM-dd")
    const today = beijingDate(now)
    const earliest = beijingDate(now - windowDays * DAY_MILLIS)
    return date < earliest || date > today
      ? queryProblem(field, date, `must be within the last ${windowDays} days (${earliest} to ${today})`)
      : ok(date)
  })

/**
 * A page: `offset` (default 0) and `limit` (default `limit.fallback`, within `limit.min`..`limit.max`).
 *
 * @example
 * ```ts
 * page(queryOf("/v3/x?offset=10"), { fallback: 10, min: 1, max: 10 }) // Either.right({ offset: 10, limit: 10 })
 * ```
 * @internal
 */
export const page = (
  query: URLSearchParams,
  limit: { readonly fallback: number; readonly min: number; readonly max: number }
): Checked<{ readonly offset: number; readonly limit: number }> =>
  Either.gen(function*() {
    const offset = yield* integer(query, "offset", 0, { min: 0, max: Number.MAX_SAFE_INTEGER })
    return { offset, limit: yield* integer(query, "limit", limit.fallback, limit) }
  })

/**
 * 查询核身记录: `GET /v3/payroll-card/authentications?openid=…&sub_mchid=…&authenticate_date=…` — one worker's
 * identity checks of one day, a page at a time.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`ListAuthenticationsRequest`,
 * `ListAuthenticationsResponse`, `AuthenticationEntity`), `api_authentications.go` (`ListAuthentications`: every
 * field is a query parameter) and wechatpay-java `service/payrollcard/model/ListAuthenticationsRequest.java`,
 * `ListAuthenticationsResponse.java`. The limits below are theirs and each is cited where it is checked.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import type { SchemaAST } from "effect"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { AuthenticateState, AuthenticationEntity } from "./GetAuthentication.js"
import { atLeastOneAppId, Required } from "./internal/schema.js"

/**
 * How far back a day can be queried: "最久可查询90天内的记录" (wechatpay-go `ListAuthenticationsRequest.
 * AuthenticateDate`). Read generously: the day 90 days before today (Beijing time) is still accepted.
 *
 * @example
 * ```ts
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const days = ListAuthentications.WINDOW_DAYS // 90
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const WINDOW_DAYS = 90

/**
 * The most checks one page holds: `limit` is "非0非负的整数 … 默认值为10，最大支持10条" (wechatpay-go
 * `ListAuthenticationsRequest.Limit`).
 *
 * @example
 * ```ts
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const pageSize = ListAuthentications.MAX_LIMIT // 10
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_LIMIT = 10

const DAY_MILLIS = 86_400_000
const BEIJING_OFFSET_MILLIS = 8 * 3_600_000

/**
 * The calendar day in Beijing time (UTC+8, the zone WeChat's dates are in) of a `Clock` time, as `yyyy-MM-dd`.
 *
 * @example
 * ```ts
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * ListAuthentications.beijingDate(Date.UTC(2020, 11, 24, 16)) // "2020-12-25"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const beijingDate = (millis: number): string =>
  new Date(millis + BEIJING_OFFSET_MILLIS).toISOString().slice(0, 10)

const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  // Date.parse accepts 2021-02-30 by rolling over; a real day prints back as itself.
  const millis = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(millis) && new Date(millis).toISOString().slice(0, 10) === value
}

const DateFormat = Schema.String.pipe(
  Schema.filter((value) => isCalendarDate(value) || "authenticate_date must be a calendar date, yyyy-MM-dd")
)

const checkWindow = (value: string, ast: SchemaAST.AST) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const today = beijingDate(now)
    const earliest = beijingDate(now - WINDOW_DAYS * DAY_MILLIS)
    return value >= earliest && value <= today
      ? Effect.succeed(value)
      : Effect.fail(
        new ParseResult.Type(
          ast,
          value,
          `authenticate_date must be within the last ${WINDOW_DAYS} days (${earliest} to ${today}, Beijing time)`
        )
      )
  })

/**
 * The day to list: one day per query, `yyyy-MM-dd`, at most 90 days back (wechatpay-go
 * `ListAuthenticationsRequest.AuthenticateDate`: "一次只能查询一天，最久可查询90天内的记录，格式为“yyyy-MM-DD”").
 * The window is checked against `Clock` in both directions, so `TestClock` drives it; a day after today in
 * Beijing has no checks yet and is refused too.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const today = Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), ListAuthentications.beijingDate)
 * const valid = Effect.flatMap(today, Schema.decode(ListAuthentications.AuthenticateDate))
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateDate = Schema.transformOrFail(DateFormat, DateFormat, {
  strict: true,
  decode: (value, _, ast) => checkWindow(value, ast),
  encode: (value, _, ast) => checkWindow(value, ast)
}).annotations({ identifier: "AuthenticateDate" })

/**
 * The request (wechatpay-go `ListAuthenticationsRequest`). At least one of `appid` and `sub_appid` is required.
 * `authenticate_state` "列表查询仅提供成功状态的核身记录查询，故此字段固定默认值即可": optional, and one of the known
 * states when given. `offset` is "非负整数 … 默认为0"; `limit` "非0非负的整数 … 最大支持10条".
 *
 * @example
 * ```ts
 * import type { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const request: ListAuthentications.ListAuthenticationsRequest = {
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   appid: "wxa1111111",
 *   authenticate_date: "2020-12-25",
 *   offset: 0,
 *   limit: 10
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListAuthenticationsRequest = Schema.Struct({
  /** The worker's openid. */
  openid: Required,
  /** The service provider's AppID. */
  appid: Schema.optional(Required),
  /** The sub-merchant's AppID. */
  sub_appid: Schema.optional(Required),
  /** The sub-merchant (employer) id. */
  sub_mchid: Required,
  authenticate_date: AuthenticateDate,
  authenticate_state: Schema.optional(Schema.Literal(...AuthenticateState.known)),
  /** Where the page starts, from 0. */
  offset: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** How many checks at most, 1 to 10. */
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_LIMIT)))
}).pipe(
  Schema.filter(atLeastOneAppId)
).annotations({ identifier: "ListAuthenticationsRequest" })

/**
 * A list query, as the program holds it.
 *
 * @example
 * ```ts
 * import type { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const nextPage = (request: ListAuthentications.ListAuthenticationsRequest, offset: number) => ({
 *   ...request,
 *   offset
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ListAuthenticationsRequest = typeof ListAuthenticationsRequest.Type

/**
 * One page (wechatpay-go `ListAuthenticationsResponse`). `data` is `omitempty` in Go, so a day without checks may
 * come without it: it decodes as an empty array. `total_count` and `offset` are what paging relies on (required);
 * `limit`, the number of checks on this page, only informs. Each check is an `AuthenticationEntity`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const page = Schema.decodeUnknownSync(ListAuthentications.ListAuthenticationsResponse)({
 *   total_count: 0,
 *   offset: 0,
 *   limit: 0
 * })
 * // page.data: []
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListAuthenticationsResponse = Schema.Struct({
  data: Schema.optionalWith(Schema.Array(AuthenticationEntity), { default: () => [] }),
  /** How many checks match the query, over all pages. */
  total_count: Schema.Int.pipe(Schema.nonNegative()),
  /** Where this page starts. */
  offset: Schema.Int.pipe(Schema.nonNegative()),
  /** How many checks this page holds. */
  limit: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
}).annotations({ identifier: "ListAuthenticationsResponse" })

/**
 * A decoded page.
 *
 * @example
 * ```ts
 * import type { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * const hasMore = (page: ListAuthentications.ListAuthenticationsResponse) =>
 *   page.offset + page.data.length < page.total_count
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ListAuthenticationsResponse = typeof ListAuthenticationsResponse.Type

/**
 * The request for the page after `page`, or `None` when `page` was the last: for paging with
 * `Stream.paginateEffect`. It stops on an empty page too, so an answer whose `total_count` promises more than
 * WeChat then sends cannot loop forever.
 *
 * @example
 * ```ts
 * import { Effect, Option, Stream } from "effect"
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * declare const list: (
 *   request: ListAuthentications.ListAuthenticationsRequest
 * ) => Effect.Effect<ListAuthentications.ListAuthenticationsResponse>
 * const all = (first: ListAuthentications.ListAuthenticationsRequest) =>
 *   Stream.paginateEffect(first, (request) =>
 *     Effect.map(list(request), (page) => [page.data, ListAuthentications.nextPage(request, page)] as const)
 *   ).pipe(Stream.flattenIterables)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const nextPage = (
  request: ListAuthenticationsRequest,
  page: ListAuthenticationsResponse
): Option.Option<ListAuthenticationsRequest> => {
  const offset = page.offset + page.data.length
  return page.data.length === 0 || offset >= page.total_count ? Option.none() : Option.some({ ...request, offset })
}

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.listAuthentications` is derived from it.
 *
 * @example
 * ```ts
 * import { ListAuthentications } from "@effect-wechatpay/payroll-card"
 *
 * ListAuthentications.endpoint.path // "/v3/payroll-card/authentications"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.listAuthentications",
  method: "GET",
  path: "/v3/payroll-card/authentications",
  // The request fields sent as query parameters, in wechatpay-go's order, each only when present.
  query: [
    "openid",
    "appid",
    "sub_appid",
    "sub_mchid",
    "authenticate_date",
    "authenticate_state",
    "offset",
    "limit"
  ],
  request: ListAuthenticationsRequest,
  response: ListAuthenticationsResponse,
  annotate: ["sub_mchid", "authenticate_date"],
  // The answer's fields that must equal the request's, when the request has them: `offset` ("请求中包含偏移量时应答消息
  // 返回相同偏移量，否则返回默认值0").
  echo: ["offset"]
})

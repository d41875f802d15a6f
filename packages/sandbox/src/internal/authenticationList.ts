/**
 * `GET /v3/payroll-card/authentications?openid=…&sub_mchid=…&authenticate_date=…` (查询核身记录): the query rules
 * (wechatpay-go `ListAuthenticationsRequest`) and one page of `AuthenticationEntity` records.
 *
 * @internal
 */
import { Either } from "effect"
import * as Authentications from "./authentications.js"
import type { Handler } from "./handler.js"
import * as Params from "./params.js"

/**
 * The route's path.
 *
 * @internal
 */
export const PATH = "/v3/payroll-card/authentications"

const DAY_MILLIS = 86_400_000
/** "最久可查询90天内的记录". */
const WINDOW_DAYS = 90
/** `limit`: "默认值为10，最大支持10条". */
const MAX_LIMIT = 10
const STATES: ReadonlyArray<Authentications.State> = [
  "AUTHENTICATE_PROCESSING",
  "AUTHENTICATE_SUCCESS",
  "AUTHENTICATE_FAILED"
]

const beijingDate = (millis: number): string => Params.rfc3339(millis).slice(0, 10)

const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const millis = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(millis) && new Date(millis).toISOString().slice(0, 10) === value
}

/**
 * Serves the route. Only finished checks have a day (their `authenticate_time`), so a query lists the checks of
 * that worker and sub-merchant that ended that day in `authenticate_state` (default `AUTHENTICATE_SUCCESS`: "列表
 * 查询仅提供成功状态的核身记录查询"), oldest first. A page without records has no `data`, as `omitempty` allows.
 *
 * @internal
 */
export const handle: Handler = ({ now, request, settings, state }) =>
  Either.gen(function*() {
    const query = Params.queryOf(request.url)
    const openid = (yield* Params.text("openid", query.get("openid"), { location: "query", required: true }))!
    const appid = yield* Params.text("appid", query.get("appid"), { location: "query", required: false })
    const subAppid = yield* Params.text("sub_appid", query.get("sub_appid"), { location: "query", required: false })
    const subMchid = (yield* Params.text("sub_mchid", query.get("sub_mchid"), { location: "query", required: true }))!
    yield* Params.someAppId(appid, subAppid, "query")
    const date = (yield* Params.text("authenticate_date", query.get("authenticate_date"), {
      location: "query",
      required: true
    }))!
    if (!isCalendarDate(date)) {
      return yield* Params.queryProblem("authenticate_date", date, "must be a date, yyyy-MM-dd")
    }
    const today = beijingDate(now)
    const earliest = beijingDate(now - WINDOW_DAYS * DAY_MILLIS)
    if (date < earliest || date > today) {
      return yield* Params.queryProblem(
        "authenticate_date",
        date,
        `must be within the last ${WINDOW_DAYS} days (${earliest} to ${today})`
      )
    }
    const wantedState = (yield* Params.text("authenticate_state", query.get("authenticate_state"), {
      location: "query",
      required: false
    })) ?? "AUTHENTICATE_SUCCESS"
    if (!STATES.includes(wantedState as Authentications.State)) {
      return yield* Params.queryProblem("authenticate_state", wantedState, `must be one of ${STATES.join(", ")}`)
    }
    const offset = yield* Params.integer(query, "offset", 0, { min: 0, max: Number.MAX_SAFE_INTEGER })
    const limit = yield* Params.integer(query, "limit", MAX_LIMIT, { min: 1, max: MAX_LIMIT })

    const matching = [...state.checks.values()]
      .filter((check) =>
        check.openid === openid && check.sub_mchid === subMchid && check.state === wantedState &&
        check.authenticatedAt !== undefined && beijingDate(check.authenticatedAt) === date
      )
      .sort((a, b) =>
        a.authenticatedAt! - b.authenticatedAt! || (a.authenticate_number < b.authenticate_number ? -1 : 1)
      )
    const page = matching.slice(offset, offset + limit)
    return () =>
      `{${page.length === 0 ? "" : `"data":[${page.map((check) => Authentications.render(check, settings.mchid))}],`}` +
      `"total_count":${matching.length},"offset":${offset},"limit":${page.length}}`
  })

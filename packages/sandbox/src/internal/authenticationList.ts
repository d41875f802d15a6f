/**
 * `GET /v3/payroll-card/authentications?openid=…&sub_mchid=…&authenticate_date=…` (查询核身记录): the query rules
 * (wechatpay-go `ListAuthenticationsRequest`) and one page of `AuthenticationEntity` records, read from the identity
 * checks `authentications.ts` keeps.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Authentications from "./authentications.js"
import type { Handler, Route } from "./handler.js"
import * as Params from "./params.js"

/** "最久可查询90天内的记录". */
const WINDOW_DAYS = 90
/** `limit`: "默认值为10，最大支持10条". */
const LIMIT = { fallback: 10, min: 1, max: 10 }
const STATES: ReadonlyArray<Authentications.State> = [
  "AUTHENTICATE_PROCESSING",
  "AUTHENTICATE_SUCCESS",
  "AUTHENTICATE_FAILED"
]

/**
 * Only finished checks have a day (their `authenticate_time`), so a query lists the checks of that worker and
 * sub-merchant that ended that day in `authenticate_state` (default `AUTHENTICATE_SUCCESS`: "列表查询仅提供成功状态的
 * 核身记录查询"), oldest first. A page without records has no `data`, as `omitempty` allows.
 */
const handle: Handler = ({ now, request, settings, state }) =>
  Either.gen(function*() {
    const query = Params.queryOf(request.url)
    const openid = yield* Params.required(query, "openid")
    const appid = yield* Params.optional(query, "appid")
    const subAppid = yield* Params.optional(query, "sub_appid")
    const subMchid = yield* Params.required(query, "sub_mchid")
    yield* Params.someAppId(appid, subAppid, "query")
    const date = yield* Params.day(query, "authenticate_date", WINDOW_DAYS, now)
    const wantedState = (yield* Params.optional(query, "authenticate_state")) ?? "AUTHENTICATE_SUCCESS"
    if (!STATES.includes(wantedState as Authentications.State)) {
      return yield* Params.queryProblem("authenticate_state", wantedState, `must be one of ${STATES.join(", ")}`)
    }
    const { limit, offset } = yield* Params.page(query, LIMIT)

    const matching = [...state.store(Authentications.Checks).values()]
      .filter((check) =>
        check.request.openid === openid && check.request.sub_mchid === subMchid && check.state === wantedState &&
        check.authenticatedAt !== undefined && Params.beijingDate(check.authenticatedAt) === date
      )
      .sort((a, b) =>
        a.authenticatedAt! - b.authenticatedAt! ||
        (a.request.authenticate_number < b.request.authenticate_number ? -1 : 1)
      )
    const page = matching.slice(offset, offset + limit)
    return () =>
      `{${page.length === 0 ? "" : `"data":[${page.map((check) => Authentications.render(check, settings.mchid))}],`}` +
      `"total_count":${matching.length},"offset":${offset},"limit":${page.length}}`
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [{ method: "GET", path: "/v3/payroll-card/authentications", handle }]

/**
 * `GET /v3/payroll-card/relations/{openid}?sub_mchid=…&appid=…&sub_appid=…` (查询微工卡授权关系): the request checks
 * and the answer. Relations live in the simulator: a successful identity check authorises one.
 *
 * @internal
 */
import { Either } from "effect"
import * as Params from "./params.js"

/**
 * The route's path pattern.
 *
 * @internal
 */
export const PATH = "/v3/payroll-card/relations/{openid}"

/**
 * The key of a relation: one worker and one sub-merchant.
 *
 * @internal
 */
export const key = (subMchid: string, openid: string): string => `${subMchid}\n${openid}`

/**
 * Checks the path segment and the query (at least one of `appid` and `sub_appid`, as WeChat documents).
 *
 * @internal
 */
export const parse = (
  segment: string,
  url: string
): Params.Checked<{ readonly openid: string; readonly sub_mchid: string }> =>
  Either.gen(function*() {
    const decoded = yield* Params.decodeSegment("openid", segment)
    const openid = yield* Params.text("openid", decoded, { location: "path", required: true })
    const query = Params.queryOf(url)
    const subMchid = yield* Params.text("sub_mchid", query.get("sub_mchid"), {
      location: "query",
      required: true
    })
    const appid = yield* Params.text("appid", query.get("appid"), { location: "query", required: false })
    const subAppid = yield* Params.text("sub_appid", query.get("sub_appid"), {
      location: "query",
      required: false
    })
    yield* Params.someAppId(appid, subAppid, "query")
    return { openid: openid!, sub_mchid: subMchid! }
  })

/**
 * The answer body, fields in wechatpay-go `RelationEntity` order. A worker who never authorised the sub-merchant
 * is an answer, not a 404: `authorize_state` documents `UNAUTHORIZED` for exactly that, and the card is then
 * `UNREGISTERED` as far as this sub-merchant can tell. The simulator opens the card and authorises in one step,
 * as the pre-order-with-auth flow does, so both times are the moment of authorisation.
 *
 * @internal
 */
export const render = (
  relation: { readonly openid: string; readonly sub_mchid: string },
  authorizedAt: number | undefined,
  mchid: string
): string =>
  JSON.stringify(
    authorizedAt === undefined
      ? {
        openid: relation.openid,
        mchid,
        sub_mchid: relation.sub_mchid,
        authorize_state: "UNAUTHORIZED",
        register_state: "UNREGISTERED"
      }
      : {
        openid: relation.openid,
        mchid,
        sub_mchid: relation.sub_mchid,
        authorize_state: "AUTHORIZED",
        authorize_time: Params.rfc3339(authorizedAt),
        register_state: "REGISTERED",
        register_time: Params.rfc3339(authorizedAt)
      }
  )

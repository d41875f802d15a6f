/**
 * `GET /v3/payroll-card/relations/{openid}?sub_mchid=…&appid=…&sub_appid=…` (查询微工卡授权关系): the request checks
 * and the answer. Relations live in the simulator: a successful identity check authorises one.
 *
 * @internal
 */
import * as Params from "./params.js"
import { paramError } from "./problem.js"

/**
 * The route's path, before the `openid` segment.
 *
 * @internal
 */
export const PREFIX = "/v3/payroll-card/relations/"

/**
 * The key of a relation: one worker and one sub-merchant.
 *
 * @internal
 */
export const key = (subMchid: string, openid: string): string => `${subMchid}\n${openid}`

/**
 * The still-encoded `openid` segment when `path` is this route.
 *
 * @internal
 */
export const segmentOf = (path: string): string | undefined => Params.segmentAfter(path, PREFIX)

/**
 * Checks the path segment and the query (at least one of `appid` and `sub_appid`, as WeChat documents).
 *
 * @internal
 */
export const parse = (
  segment: string,
  url: string
): Params.Checked<{ readonly openid: string; readonly sub_mchid: string }> => {
  const decoded = Params.decodeSegment("openid", segment)
  if (decoded._tag === "Problem") return decoded
  const openid = Params.text("openid", decoded.value, { location: "path", required: true, maxBytes: 64 })
  if (openid._tag === "Problem") return openid
  const query = Params.queryOf(url)
  const subMchid = Params.text("sub_mchid", query.get("sub_mchid"), {
    location: "query",
    required: true,
    maxBytes: 32
  })
  if (subMchid._tag === "Problem") return subMchid
  const appid = Params.text("appid", query.get("appid"), { location: "query", required: false, maxBytes: 32 })
  if (appid._tag === "Problem") return appid
  const subAppid = Params.text("sub_appid", query.get("sub_appid"), {
    location: "query",
    required: false,
    maxBytes: 32
  })
  if (subAppid._tag === "Problem") return subAppid
  if (appid.value === undefined && subAppid.value === undefined) {
    return Params.problem(paramError({
      field: "appid",
      issue: "appid or sub_appid is required",
      location: "query",
      message: "At least one of appid and sub_appid is required"
    }))
  }
  return Params.ok({ openid: openid.value!, sub_mchid: subMchid.value! })
}

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

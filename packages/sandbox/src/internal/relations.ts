/**
 * `GET /v3/payroll-card/relations/{openid}?sub_mchid=…&appid=…&sub_appid=…` (查询微工卡授权关系), and the relations
 * themselves: which worker authorised which sub-merchant, when, and with which first employment type. A successful
 * identity check (`authentications.ts`) or a token played in the mini program (`tokens.ts`) authorises one.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { Handler, Route } from "./handler.js"
import * as Params from "./params.js"
import type { State } from "./state.js"
import * as Store from "./store.js"

/**
 * The key of a relation: one worker and one sub-merchant.
 *
 * @internal
 */
export const key = (subMchid: string, openid: string): string => `${subMchid}\n${openid}`

/**
 * When each (sub_mchid, openid) relation was authorised, by `key`.
 *
 * @internal
 */
export const Relations = Store.key("relations", (limits) => new Store.BoundedMap<string, number>(limits.relations))

/**
 * The employment type each authorised relation was first given, by `key` ("需要校验和初次填写的一致性").
 *
 * @internal
 */
export const EmploymentTypes = Store.key(
  "employmentTypes",
  (limits) => new Store.BoundedMap<string, string>(limits.relations)
)

/**
 * Authorises a worker's relation with a sub-merchant. Authorised once, authorised since: a later authorisation moves
 * neither the time nor the first employment type.
 *
 * @example
 * ```ts
 * authorise(state, "1900000109", "openid", "LONG_TERM_EMPLOYMENT", now)
 * ```
 * @internal
 */
export const authorise = (
  state: State,
  subMchid: string,
  openid: string,
  employmentType: string | undefined,
  now: number
): void => {
  const id = key(subMchid, openid)
  const relations = state.store(Relations)
  if (!relations.has(id)) relations.set(id, now)
  const types = state.store(EmploymentTypes)
  if (employmentType !== undefined && !types.has(id)) types.set(id, employmentType)
}

/**
 * The answer body, fields in wechatpay-go `RelationEntity` order. A worker who never authorised the sub-merchant
 * is an answer, not a 404: `authorize_state` documents `UNAUTHORIZED` for exactly that, and the card is then
 * `UNREGISTERED` as far as this sub-merchant can tell. The simulator opens the card and authorises in one step,
 * as the pre-order-with-auth flow does, so both times are the moment of authorisation.
 */
const render = (
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

// At least one of `appid` and `sub_appid`, as WeChat documents.
const getRelation: Handler = ({ params, request, settings, state }) =>
  Either.gen(function*() {
    const openid = yield* Params.segment(params, "openid")
    const query = Params.queryOf(request.url)
    const subMchid = yield* Params.required(query, "sub_mchid")
    const appid = yield* Params.optional(query, "appid")
    const subAppid = yield* Params.optional(query, "sub_appid")
    yield* Params.someAppId(appid, subAppid, "query")
    const wanted = { openid, sub_mchid: subMchid }
    return () => render(wanted, state.store(Relations).get(key(subMchid, openid)), settings.mchid)
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "GET", path: "/v3/payroll-card/relations/{openid}", handle: getRelation }
]

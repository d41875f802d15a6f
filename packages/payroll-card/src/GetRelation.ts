/**
 * 查询微工卡授权关系: `GET /v3/payroll-card/relations/{openid}?sub_mchid=…&appid=…&sub_appid=…` — whether a worker
 * has opened the payroll card and authorised the sub-merchant.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`GetRelationRequest`, `RelationEntity`,
 * `PayrollCardRegisterState`), `api_relations.go` (`GetRelation`: the openid is a path segment, the rest the
 * query) and the wechatpay-java models of the same names.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { atLeastOneAppId, openLiteral, Required } from "./internal/schema.js"

/**
 * The HTTP method.
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const isGet = GetRelation.method === "GET" // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "GET" as const

/**
 * The path template; `{openid}` is the request field of that name, percent-encoded.
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const template = GetRelation.path // "/v3/payroll-card/relations/{openid}"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const path = "/v3/payroll-card/relations/{openid}" as const

/**
 * The request fields sent as query parameters, in the order they are sent (each only when present).
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const names = GetRelation.query // ["sub_mchid", "appid", "sub_appid"]
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const query = ["sub_mchid", "appid", "sub_appid"] as const

/**
 * The answer's fields that must equal the request's.
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const checked = GetRelation.echo.includes("openid") // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const echo = ["openid", "sub_mchid"] as const

/**
 * The path before the `openid` segment.
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const isRelationQuery = (path: string) => path.startsWith(GetRelation.PATH_PREFIX)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const PATH_PREFIX = "/v3/payroll-card/relations/"

/**
 * The request. WeChat checks a given `appid` against the provider and a given `sub_appid` against the
 * sub-merchant, and requires at least one of them.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const request = Schema.decodeUnknownSync(GetRelation.GetRelationRequest)({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetRelationRequest = Schema.Struct({
  /** The worker's openid under `appid` or `sub_appid` (a path segment). */
  openid: Required,
  /** The sub-merchant (employer) id. */
  sub_mchid: Required,
  /** The service provider's AppID. */
  appid: Schema.optional(Required),
  /** The sub-merchant's AppID. */
  sub_appid: Schema.optional(Required)
}).pipe(
  Schema.filter(atLeastOneAppId)
).annotations({ identifier: "GetRelationRequest" })

/**
 * A relation query, as the program holds it.
 *
 * @example
 * ```ts
 * import type { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetRelation.GetRelationRequest = {
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   appid: "wxprovider000001"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetRelationRequest = typeof GetRelationRequest.Type

/**
 * The request target, path plus query, exactly as it is signed and sent: the openid is percent-encoded as a
 * path segment; the query is `sub_mchid`, then `appid`, then `sub_appid`, each only when present, built by
 * `URLSearchParams`. Expects a validated request.
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * GetRelation.requestPath({ openid: "o1", sub_mchid: "1900000109", sub_appid: "wxa1" })
 * // "/v3/payroll-card/relations/o1?sub_mchid=1900000109&sub_appid=wxa1"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const requestPath = (request: GetRelationRequest): string => {
  const params = new URLSearchParams()
  params.set("sub_mchid", request.sub_mchid)
  if (request.appid !== undefined) params.set("appid", request.appid)
  if (request.sub_appid !== undefined) params.set("sub_appid", request.sub_appid)
  return `${PATH_PREFIX}${encodeURIComponent(request.openid)}?${params.toString()}`
}

/**
 * Whether the worker has authorised the sub-merchant: `UNAUTHORIZED` (never), `AUTHORIZED`, or `DEAUTHORIZED`
 * (withdrawn; `deauthorize_time` says when). WeChat documents these three in the field's description
 * (wechatpay-go `RelationEntity.AuthorizeState`, typed as a plain string). Payouts depend on this value, so its
 * type is the union of the three literals and an `Unrecognized` string: a state added later decodes but is never
 * mistaken for `AUTHORIZED`, and `AuthorizeState.isKnown(state)` tells the two apart.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(GetRelation.AuthorizeState)("AUTHORIZED") // true
 * GetRelation.AuthorizeState.isKnown("SUSPENDED") // false
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthorizeState = openLiteral("AuthorizeState", ["UNAUTHORIZED", "AUTHORIZED", "DEAUTHORIZED"])

/**
 * A worker's authorisation of the sub-merchant.
 *
 * @example
 * ```ts
 * import type { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const canPay = (state: GetRelation.AuthorizeState) => state === "AUTHORIZED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthorizeState = typeof AuthorizeState.Type

/**
 * Whether the worker's payroll card is open (wechatpay-go `PayrollCardRegisterState`): `UNREGISTERED`,
 * `REGISTERED`, `CLOSED`, and `UNDEFINED`, which the Go enum lists though the field's description does not.
 * Open to values added later, like the authorisation state.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(GetRelation.RegisterState)("REGISTERED") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const RegisterState = openLiteral("RegisterState", ["UNDEFINED", "UNREGISTERED", "REGISTERED", "CLOSED"])

/**
 * The state of a worker's payroll card.
 *
 * @example
 * ```ts
 * import type { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const isOpen = (state: GetRelation.RegisterState) => state === "REGISTERED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RegisterState = typeof RegisterState.Type

/**
 * The answer (wechatpay-go `RelationEntity`). Times are RFC 3339 strings as WeChat sends them
 * (`2015-05-20T13:29:35+08:00`).
 *
 * Required are `authorize_state` (the program decides on it) and the echoed `openid` and `sub_mchid`.
 * `register_state`, `register_time` and `close_time` are in the Go model but missing from WeChat's documentation
 * page, so they are optional like the other informational fields; extra fields are ignored.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * declare const json: unknown
 * const relation = Schema.decodeUnknownSync(GetRelation.GetRelationResponse)(json)
 * const ready = relation.authorize_state === "AUTHORIZED" && relation.register_state === "REGISTERED"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetRelationResponse = Schema.Struct({
  /** The worker's openid. */
  openid: Schema.String,
  /** The service provider's merchant id. */
  mchid: Schema.optional(Schema.String),
  /** The sub-merchant (employer) id. */
  sub_mchid: Schema.String,
  authorize_state: AuthorizeState,
  /** When the worker authorised the sub-merchant. */
  authorize_time: Schema.optional(Schema.String),
  /** When the worker withdrew the authorisation. */
  deauthorize_time: Schema.optional(Schema.String),
  register_state: Schema.optional(RegisterState),
  /** When the card was opened; absent while it is not. */
  register_time: Schema.optional(Schema.String),
  /** When the card was closed; only when `register_state` is `CLOSED`. */
  close_time: Schema.optional(Schema.String)
}).annotations({ identifier: "GetRelationResponse" })

/**
 * A decoded relation.
 *
 * @example
 * ```ts
 * import type { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * const authorised = (relation: GetRelation.GetRelationResponse) => relation.authorize_state === "AUTHORIZED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetRelationResponse = typeof GetRelationResponse.Type

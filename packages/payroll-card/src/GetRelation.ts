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
import { Endpoint } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { atLeastOneAppId, openLiteral, Required } from "./internal/schema.js"

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

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.getRelation` is derived from it.
 *
 * @example
 * ```ts
 * import { GetRelation } from "@effect-wechatpay/payroll-card"
 *
 * GetRelation.endpoint.path // "/v3/payroll-card/relations/{openid}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getRelation",
  method: "GET",
  path: "/v3/payroll-card/relations/{openid}",
  // The request fields sent as query parameters, in the order they are sent (each only when present).
  query: ["sub_mchid", "appid", "sub_appid"],
  request: GetRelationRequest,
  response: GetRelationResponse,
  // The worker's openid stays out of the span: it identifies a person.
  annotate: ["sub_mchid"],
  // The answer's fields that must equal the request's.
  echo: ["openid", "sub_mchid"]
})

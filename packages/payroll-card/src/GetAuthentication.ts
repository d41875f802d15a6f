/**
 * 获取核身结果: `GET /v3/payroll-card/authentications/{authenticate_number}?sub_mchid=…` — the result of the
 * identity check pre-ordered under an `authenticate_number`, for polling after the worker left the mini program.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`GetAuthenticationRequest`, `AuthenticationEntity`,
 * `AuthenticationState`, `AuthenticationScene`, `AuthenticationType`), `api_authentications.go`
 * (`GetAuthentication`: the number is a path segment, `sub_mchid` the query) and the wechatpay-java models of
 * the same names.
 *
 * @since 0.1.0
 */
import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { openLiteral, Required } from "./internal/schema.js"
import { AuthenticateNumber } from "./PreOrderWithAuth.js"

/**
 * The request: the number the check was pre-ordered under and the sub-merchant it was pre-ordered for.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const request = Schema.decodeUnknownSync(GetAuthentication.GetAuthenticationRequest)({
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   sub_mchid: "1900000109"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetAuthenticationRequest = Schema.Struct({
  /** The provider's number for the check: letters and digits (a path segment). */
  authenticate_number: AuthenticateNumber,
  /** The sub-merchant (employer) id (the `sub_mchid` query parameter). */
  sub_mchid: Required
}).annotations({ identifier: "GetAuthenticationRequest" })

/**
 * A result query, as the program holds it.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetAuthentication.GetAuthenticationRequest = {
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   sub_mchid: "1900000109"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetAuthenticationRequest = typeof GetAuthenticationRequest.Type

/**
 * Where the check stands (wechatpay-go `AuthenticationState`): still open in the mini program, passed, or
 * failed (then `authenticate_failed_reason` says why). A polling loop decides on this value, so its type is the
 * union of the three known literals and an `Unrecognized` string: a state WeChat adds later decodes (the answer
 * is verified and must not be thrown away) but never passes for a known one, and
 * `AuthenticateState.isKnown(state)` tells the two apart.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const state = Schema.decodeUnknownSync(GetAuthentication.AuthenticateState)("AUTHENTICATE_REVOKED")
 * GetAuthentication.AuthenticateState.isKnown(state) // false: handle it as "not final, not passed"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateState = openLiteral("AuthenticateState", [
  "AUTHENTICATE_PROCESSING",
  "AUTHENTICATE_SUCCESS",
  "AUTHENTICATE_FAILED"
])

/**
 * The state of an identity check: one of the known literals, or a value this SDK does not know yet.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const passed = (state: GetAuthentication.AuthenticateState) => state === "AUTHENTICATE_SUCCESS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticateState = typeof AuthenticateState.Type

/**
 * The channel the check came through (wechatpay-go `AuthenticationScene`): `FROM_MINI_APP` (a mini program) or
 * `FROM_HARDWARE` (a device); open to channels added later.
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const fromDevice = (scene: GetAuthentication.AuthenticateScene) => scene === "FROM_HARDWARE"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateScene = openLiteral("AuthenticateScene", ["FROM_MINI_APP", "FROM_HARDWARE"])

/**
 * The channel of a check.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const scene: GetAuthentication.AuthenticateScene = "FROM_MINI_APP"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticateScene = typeof AuthenticateScene.Type

/**
 * The known channels (kept for callers of the first release; same as `AuthenticateScene.known`).
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const known = GetAuthentication.KNOWN_AUTHENTICATE_SCENES.includes("FROM_MINI_APP") // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const KNOWN_AUTHENTICATE_SCENES = AuthenticateScene.known

/**
 * What a check was for, as answers report it (wechatpay-go `AuthenticationType`): `NORMAL`, `SIGN_IN`,
 * `INSURANCE`, `CONTRACT`; open to types added later.
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const known = GetAuthentication.AuthenticationType.isKnown("NORMAL") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticationType = openLiteral("AuthenticationType", ["NORMAL", "SIGN_IN", "INSURANCE", "CONTRACT"])

/**
 * What a check was for, in an answer.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const type: GetAuthentication.AuthenticationType = "CONTRACT"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticationType = typeof AuthenticationType.Type

/**
 * The known check types (kept for callers of the first release; same as `AuthenticationType.known`).
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const known = GetAuthentication.KNOWN_AUTHENTICATE_TYPES.includes("NORMAL") // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const KNOWN_AUTHENTICATE_TYPES = AuthenticationType.known

/**
 * One identity check (wechatpay-go `AuthenticationEntity`), as this call and `ListAuthentications` answer it.
 * Times are RFC 3339 strings as WeChat sends them (`2015-05-20T13:29:35+08:00`).
 *
 * Required are the fields a program relies on: `authenticate_state` (it decides on it), `authenticate_number`
 * and `sub_mchid` (they say which check this is). The rest only inform and may be absent, so an answer WeChat
 * trims still decodes; extra fields are ignored.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const entity = Schema.decodeUnknownSync(GetAuthentication.AuthenticationEntity)({
 *   sub_mchid: "1900000109",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   authenticate_state: "AUTHENTICATE_SUCCESS"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticationEntity = Schema.Struct({
  /** The service provider's merchant id. */
  mchid: Schema.optional(Schema.String),
  /** The sub-merchant (employer) id. */
  sub_mchid: Schema.String,
  /** The worker's openid. */
  openid: Schema.optional(Schema.String),
  /** The channel the check came through. */
  authenticate_scene: Schema.optional(AuthenticateScene),
  /** Which one: the mini program's AppID, or a device's serial number. */
  authenticate_source: Schema.optional(Schema.String),
  project_name: Schema.optional(Schema.String),
  /** The employer the worker belongs to, as given when pre-ordering. */
  employer_name: Schema.optional(Schema.String),
  authenticate_state: AuthenticateState,
  /** When the check was done (RFC 3339); absent while it is processing. */
  authenticate_time: Schema.optional(Schema.String),
  authenticate_number: Schema.String,
  /** Why the check failed; only on failed checks. */
  authenticate_failed_reason: Schema.optional(Schema.String),
  authenticate_type: Schema.optional(AuthenticationType)
}).annotations({ identifier: "AuthenticationEntity" })

/**
 * A decoded identity check.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const failed = (entity: GetAuthentication.AuthenticationEntity) =>
 *   entity.authenticate_state === "AUTHENTICATE_FAILED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticationEntity = typeof AuthenticationEntity.Type

/**
 * The answer: one `AuthenticationEntity`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * declare const json: unknown
 * const result = Schema.decodeUnknownSync(GetAuthentication.GetAuthenticationResponse)(json)
 * if (result.authenticate_state === "AUTHENTICATE_FAILED") console.log(result.authenticate_failed_reason)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetAuthenticationResponse = AuthenticationEntity

/**
 * A decoded identity-check result.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const passed = (result: GetAuthentication.GetAuthenticationResponse) =>
 *   result.authenticate_state === "AUTHENTICATE_SUCCESS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetAuthenticationResponse = typeof GetAuthenticationResponse.Type

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.getAuthentication` is derived from it.
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * GetAuthentication.endpoint.path // "/v3/payroll-card/authentications/{authenticate_number}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getAuthentication",
  method: "GET",
  path: "/v3/payroll-card/authentications/{authenticate_number}",
  // The request fields sent as query parameters, in the order they are sent.
  query: ["sub_mchid"],
  request: GetAuthenticationRequest,
  response: GetAuthenticationResponse,
  annotate: ["sub_mchid", "authenticate_number"],
  // The answer's fields that must equal the request's.
  echo: ["authenticate_number", "sub_mchid"],
  // Beyond Endpoint.commonErrors: ORDER_NOT_EXIST (404) for a number never pre-ordered under this sub_mchid
  // (获取核身结果, https://pay.weixin.qq.com/doc/v3/partner/4012461785; DESIGN.md's error table).
  errors: [WeChatPayError.OrderNotExist]
})

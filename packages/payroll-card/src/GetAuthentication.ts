/**
 * 获取核身结果: `GET /v3/payroll-card/authentications/{authenticate_number}?sub_mchid=…` — the result of the
 * identity check pre-ordered under an `authenticate_number`, for polling after the worker left the mini program.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { text } from "./internal/schema.js"
import { AuthenticateNumber } from "./PreOrderWithAuth.js"

/**
 * The path before the `authenticate_number` segment.
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const isAuthenticationQuery = (path: string) => path.startsWith(GetAuthentication.PATH_PREFIX)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const PATH_PREFIX = "/v3/payroll-card/authentications/"

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
  /** The provider's number for the check: letters and digits, at most 64 (a path segment). */
  authenticate_number: AuthenticateNumber,
  /** The sub-merchant (employer) id (the `sub_mchid` query parameter). */
  sub_mchid: text(32)
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
 * The request target, path plus query, exactly as it is signed and sent: the number is percent-encoded as a
 * path segment, the query is built by `URLSearchParams`. Expects a validated request.
 *
 * @example
 * ```ts
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * GetAuthentication.requestPath({ authenticate_number: "abc123", sub_mchid: "1900000109" })
 * // "/v3/payroll-card/authentications/abc123?sub_mchid=1900000109"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const requestPath = (request: GetAuthenticationRequest): string => {
  const query = new URLSearchParams()
  query.set("sub_mchid", request.sub_mchid)
  return `${PATH_PREFIX}${encodeURIComponent(request.authenticate_number)}?${query.toString()}`
}

/**
 * Where the check stands (wechatpay-go `AuthenticationState`): still open in the mini program, passed, or
 * failed (then `authenticate_failed_reason` says why). Strict: a polling loop decides on this value, so a
 * state the SDK does not know fails decoding (`UnexpectedResponse`) instead of passing for one it knows.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(GetAuthentication.AuthenticateState)("AUTHENTICATE_SUCCESS") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateState = Schema.Literal(
  "AUTHENTICATE_PROCESSING",
  "AUTHENTICATE_SUCCESS",
  "AUTHENTICATE_FAILED"
)

/**
 * The state of an identity check.
 *
 * @example
 * ```ts
 * import type { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * const isFinal = (state: GetAuthentication.AuthenticateState) => state !== "AUTHENTICATE_PROCESSING"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticateState = typeof AuthenticateState.Type

// The two descriptive enums below only inform; no decision hangs on them, and WeChat has added values to
// them before (the request's authenticate_type lacks NORMAL, which answers may carry). So a value the SDK does
// not know yet is kept as a plain string rather than failing the whole answer. The states stay strict.
const openEnum = <const Known extends ReadonlyArray<string>>(...known: Known) =>
  Schema.Union(Schema.Literal(...known), Schema.String)

/**
 * The channel the check came through (wechatpay-go `AuthenticationScene`): `FROM_MINI_APP` (a mini program) or
 * `FROM_HARDWARE` (a device); any other string is a channel added after this SDK.
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
export const KNOWN_AUTHENTICATE_SCENES = ["FROM_MINI_APP", "FROM_HARDWARE"] as const

/**
 * The channel the check came through; tolerant of values added later (see {@link KNOWN_AUTHENTICATE_SCENES}).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * Schema.decodeUnknownSync(GetAuthentication.AuthenticateScene)("FROM_HARDWARE")
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateScene = openEnum(...KNOWN_AUTHENTICATE_SCENES)

/**
 * What a check was for, as answers report it (wechatpay-go `AuthenticationType`): `NORMAL` (answers only),
 * `SIGN_IN`, `INSURANCE`, `CONTRACT`; any other string is a type added after this SDK.
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
export const KNOWN_AUTHENTICATE_TYPES = ["NORMAL", "SIGN_IN", "INSURANCE", "CONTRACT"] as const

/**
 * What a check was for, in an answer; tolerant of values added later (see {@link KNOWN_AUTHENTICATE_TYPES}).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetAuthentication } from "@effect-wechatpay/payroll-card"
 *
 * Schema.decodeUnknownSync(GetAuthentication.AuthenticationType)("SIGN_IN")
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticationType = openEnum(...KNOWN_AUTHENTICATE_TYPES)

/**
 * The answer (wechatpay-go `AuthenticationEntity`). Times are RFC 3339 strings as WeChat sends them
 * (`2015-05-20T13:29:35+08:00`).
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
export const GetAuthenticationResponse = Schema.Struct({
  /** The service provider's merchant id. */
  mchid: Schema.String,
  /** The sub-merchant (employer) id. */
  sub_mchid: Schema.String,
  /** The worker's openid. */
  openid: Schema.String,
  /** The channel the check came through. */
  authenticate_scene: AuthenticateScene,
  /** Which one: the mini program's AppID, or a device's serial number. */
  authenticate_source: Schema.String,
  project_name: Schema.String,
  /** The employer the worker belongs to, as given when pre-ordering. */
  employer_name: Schema.String,
  authenticate_state: AuthenticateState,
  /** When the check was done (RFC 3339); absent while it is processing. */
  authenticate_time: Schema.optional(Schema.String),
  authenticate_number: Schema.String,
  /** Why the check failed; only on failed checks. */
  authenticate_failed_reason: Schema.optional(Schema.String),
  authenticate_type: Schema.optional(AuthenticationType)
}).annotations({ identifier: "GetAuthenticationResponse" })

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

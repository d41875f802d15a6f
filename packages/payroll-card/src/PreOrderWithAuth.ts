/**
 * 核身预下单（流程中完成授权）: `POST /v3/payroll-card/authentications/pre-order-with-auth` — the
 * request and response codecs, and the mini-program target the worker is sent to next.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`PreOrderAuthenticationWithAuthRequest`,
 * `PreOrderAuthenticationWithAuthResponse`) and wechatpay-java
 * `service/payrollcard/model/PreOrderAuthenticationWithAuthRequest.java`. Neither documents a length limit, so
 * the request schema has none: WeChat answers `PARAM_ERROR` for what it refuses.
 *
 * @since 0.1.0
 */
import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { atLeastOneAppId, Required } from "./internal/schema.js"

/**
 * The worker's employment: long-term, short-term, or cooperation (a contractor) — wechatpay-go
 * `EmploymentType`, the three values every payroll-card request documents ("参考值：长期用工：LONG_TERM_EMPLOYMENT，
 * 短期用工：SHORT_TERM_EMPLOYMENT，合作关系：COOPERATION_EMPLOYMENT"). A request sends only these.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(PreOrderWithAuth.EmploymentType)("SHORT_TERM_EMPLOYMENT") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const EmploymentType = Schema.Literal("LONG_TERM_EMPLOYMENT", "SHORT_TERM_EMPLOYMENT", "COOPERATION_EMPLOYMENT")

/**
 * A worker's employment type.
 *
 * @example
 * ```ts
 * import type { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const employmentType: PreOrderWithAuth.EmploymentType = "COOPERATION_EMPLOYMENT"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EmploymentType = typeof EmploymentType.Type

/**
 * What the identity check is for, in a request: `NORMAL` (an ordinary check), signing in for a shift, insurance,
 * or a contract. Source: wechatpay-go `AuthenticationType` (`NORMAL`, `SIGN_IN`, `INSURANCE`, `CONTRACT`; its
 * pre-order examples send `NORMAL`) and wechatpay-java `AuthenticationType.java` (the same four). WeChat's
 * page lists only the last three; `NORMAL` is accepted because both generated SDKs send it.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const authenticateType = Schema.decodeUnknownSync(PreOrderWithAuth.AuthenticateType)("INSURANCE")
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateType = Schema.Literal("NORMAL", "SIGN_IN", "INSURANCE", "CONTRACT")

/**
 * What an identity check is for.
 *
 * @example
 * ```ts
 * import type { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const authenticateType: PreOrderWithAuth.AuthenticateType = "SIGN_IN"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthenticateType = typeof AuthenticateType.Type

/**
 * The provider's number for one identity check: letters and digits, unique per provider (wechatpay-go
 * `AuthenticateNumber`: "要求此参数只能由数字、大小写字母组成，在服务商内部唯一"; no length is documented, so none is
 * checked). It is the idempotency key: the same number with the same fields yields the same token.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const authenticateNumber = Schema.decodeUnknownSync(PreOrderWithAuth.AuthenticateNumber)(
 *   crypto.randomUUID().replaceAll("-", "")
 * )
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthenticateNumber = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9]+$/, { message: () => "authenticate_number must be letters and digits" })
).annotations({ identifier: "AuthenticateNumber" })

/**
 * The request (wechatpay-go `PreOrderAuthenticationWithAuthRequest`). `user_name` and `id_card_number` are
 * `Redacted<string>` here and RSA-OAEP ciphertext on the wire (`encryption:"EM_APIV3"` in Go, `@Encryption` in
 * Java): encoding encrypts them through the `Encryptor` service. At least one of `appid` and `sub_appid` is
 * required.
 *
 * Optional, by decision:
 * - `employment_type`: its documentation reads "非必填；未授权必填，授权过，非必填，如填写，需要校验和初次填写的一致性"
 *   (required until the worker has authorised the sub-merchant, optional after, and then it must equal the first
 *   value). Whether the worker has authorised is WeChat's state, not the request's, so the schema cannot require
 *   it without refusing valid requests; WeChat answers `PARAM_ERROR` when it is missing for a new worker.
 *   (wechatpay-go's generated marshaller requires it anyway; its own comment says otherwise, and the comment is
 *   WeChat's rule.)
 * - `authenticate_type`: `omitempty` in wechatpay-go, not required in wechatpay-java.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const request: PreOrderWithAuth.PreOrderWithAuthRequest = {
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   sub_appid: "wxa1111111",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   project_name: "某项目",
 *   employer_name: "某用工企业",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   employment_type: "LONG_TERM_EMPLOYMENT",
 *   authenticate_type: "SIGN_IN"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PreOrderWithAuthRequest = Schema.Struct({
  /** The worker's openid under `appid` or `sub_appid`. */
  openid: Required,
  /** The service provider's AppID. */
  appid: Schema.optional(Required),
  /** The sub-merchant (employer) id. */
  sub_mchid: Required,
  /** The sub-merchant's AppID. */
  sub_appid: Schema.optional(Required),
  authenticate_number: AuthenticateNumber,
  project_name: Required,
  employer_name: Required,
  /** The worker's real name: encrypted on the wire. */
  user_name: Sensitive.EncryptedString,
  /** The worker's ID card number: encrypted on the wire. */
  id_card_number: Sensitive.EncryptedString,
  employment_type: Schema.optional(EmploymentType),
  authenticate_type: Schema.optional(AuthenticateType)
}).pipe(
  Schema.filter(atLeastOneAppId)
).annotations({ identifier: "PreOrderWithAuthRequest" })

/**
 * A pre-order request, as the program holds it (sensitive fields `Redacted`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * // Effect<encoded body, ParseError, Encryptor>: encoding encrypts `user_name` and `id_card_number`
 * const toWire = (request: PreOrderWithAuth.PreOrderWithAuthRequest) =>
 *   Schema.encode(PreOrderWithAuth.PreOrderWithAuthRequest)(request)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PreOrderWithAuthRequest = typeof PreOrderWithAuthRequest.Type

/**
 * The response: the token to hand to WeChat's mini program, valid for `expires_in` seconds (wechatpay-go
 * `PreOrderAuthenticationWithAuthResponse`, the same six fields as `PreOrderAuthenticationResponse`). Every field
 * is required: `token` and `expires_in` are what the program uses, `authenticate_number`, `openid` and
 * `sub_mchid` echo the request, and `mchid` goes into the mini-program path. Extra fields are ignored.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * declare const json: unknown
 * const response = Schema.decodeUnknownSync(PreOrderWithAuth.PreOrderWithAuthResponse)(json)
 * const expiresAt = Date.now() + response.expires_in * 1000
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PreOrderWithAuthResponse = Schema.Struct({
  authenticate_number: Schema.String,
  openid: Schema.String,
  mchid: Schema.String,
  sub_mchid: Schema.String,
  token: Schema.String,
  expires_in: Schema.Int.pipe(Schema.nonNegative())
}).annotations({ identifier: "PreOrderWithAuthResponse" })

/**
 * A decoded pre-order response.
 *
 * @example
 * ```ts
 * import type { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const expiresAt = (response: PreOrderWithAuth.PreOrderWithAuthResponse, issuedAtMillis: number) =>
 *   new Date(issuedAtMillis + response.expires_in * 1000)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PreOrderWithAuthResponse = typeof PreOrderWithAuthResponse.Type

/**
 * WeChat's payroll-card mini program, where the worker completes the check.
 *
 * @example
 * ```ts
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const isPayrollCard = (appId: string) => appId === PreOrderWithAuth.MINI_PROGRAM_APP_ID
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MINI_PROGRAM_APP_ID = "wxd24d9057cd83d47a"

/**
 * Where to send the worker next, for `wx.navigateToMiniProgram({ appId, path })`.
 *
 * @example
 * ```ts
 * import type { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * // Sent to the mini program, which calls wx.navigateToMiniProgram(target)
 * const toJson = (target: PreOrderWithAuth.MiniProgramTarget) =>
 *   JSON.stringify({ appId: target.appId, path: target.path })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface MiniProgramTarget {
  readonly appId: string
  readonly path: string
}

/**
 * Builds the mini-program navigation target from the request and its response.
 *
 * @example
 * ```ts
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * declare const request: PreOrderWithAuth.PreOrderWithAuthRequest
 * declare const response: PreOrderWithAuth.PreOrderWithAuthResponse
 * const { appId, path } = PreOrderWithAuth.miniProgramTarget(request, response)
 * // appId "wxd24d9057cd83d47a", path "/pages/card/authen_with_auth?mchid=…&sub_mchid=…&…&token=…"
 * ```
 *
 * @since 0.1.0
 * @category navigation
 */
export const miniProgramTarget = (
  request: Pick<PreOrderWithAuthRequest, "appid" | "sub_appid">,
  response: PreOrderWithAuthResponse
): MiniProgramTarget => {
  const query = new URLSearchParams()
  query.set("mchid", response.mchid)
  query.set("sub_mchid", response.sub_mchid)
  if (request.appid !== undefined) query.set("appid", request.appid)
  if (request.sub_appid !== undefined) query.set("sub_appid", request.sub_appid)
  query.set("openid", response.openid)
  query.set("token", response.token)
  query.set("authenticate_number", response.authenticate_number)
  return { appId: MINI_PROGRAM_APP_ID, path: `/pages/card/authen_with_auth?${query.toString()}` }
}

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.preOrderWithAuth` is derived from it.
 *
 * @example
 * ```ts
 * import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * PreOrderWithAuth.endpoint.path // "/v3/payroll-card/authentications/pre-order-with-auth"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.preOrderWithAuth",
  method: "POST",
  path: "/v3/payroll-card/authentications/pre-order-with-auth",
  request: PreOrderWithAuthRequest,
  response: PreOrderWithAuthResponse,
  annotate: ["sub_mchid", "authenticate_number"],
  // The answer's fields that must equal the request's: an answer for another check, worker or sub-merchant is
  // not this call's answer.
  echo: ["authenticate_number", "openid", "sub_mchid"]
})

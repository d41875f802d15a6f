/**
 * 校验核身结果: `POST /v3/payroll-card/wesure/token-validations` — for the insurance (微保) flow, checks that a
 * worker's identity check (the `token` a pre-order issued) passed, for the worker whose name and ID number are sent,
 * encrypted.
 *
 * Source: no official SDK has this call and its page is not in the stored sources; the fields follow WeChat's
 * OpenAPI description (TheNorthMemory/wechatpay-openapi `docs/v3/payroll-card/wesure/token-validations.yaml`,
 * after the old page `apiv3_partner/Offline/apis/chapter4_1_31.shtml`) and the SKIT .NET SDK
 * (`Models/PayrollCard/Wesure`). `user_name` and `id_card_number` are encrypted, so `Wechatpay-Serial` names the key.
 * The answer's `result` and `fail_reason` are open: WeChat documents no full list.
 *
 * @since 0.1.0
 */
import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"
import { AuthenticateType } from "./PreOrderWithAuth.js"

/**
 * The request: the service provider's and the sub-merchant's ids, the pre-order's token, and the worker's name and
 * ID number (`Redacted`, encrypted on the wire).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { ValidateWesureToken } from "@effect-wechatpay/payroll-card"
 *
 * const request: ValidateWesureToken.ValidateWesureTokenRequest = {
 *   sp_mchid: "1900000001",
 *   sub_mchid: "1900000109",
 *   token: "abcdefghijklmn",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   authenticate_type: "INSURANCE"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ValidateWesureTokenRequest = Schema.Struct({
  /** The service provider's merchant id, as the page shows it sent by the caller. */
  sp_mchid: Required,
  sub_mchid: Required,
  /** The token the pre-order answered. */
  token: Required,
  user_name: Sensitive.EncryptedString,
  id_card_number: Sensitive.EncryptedString,
  authenticate_type: Schema.optional(AuthenticateType)
}).annotations({ identifier: "ValidateWesureTokenRequest" })

/**
 * A token validation.
 *
 * @example
 * ```ts
 * import type { ValidateWesureToken } from "@effect-wechatpay/payroll-card"
 *
 * const forInsurance = (r: ValidateWesureToken.ValidateWesureTokenRequest) => r.authenticate_type === "INSURANCE"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ValidateWesureTokenRequest = typeof ValidateWesureTokenRequest.Type

/**
 * The answer: `result` (e.g. `SUCCESS`), and when it passed, when and for which worker; `fail_reason` otherwise.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ValidateWesureToken } from "@effect-wechatpay/payroll-card"
 *
 * const answer = Schema.decodeUnknownSync(ValidateWesureToken.ValidateWesureTokenResponse)({ result: "SUCCESS" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ValidateWesureTokenResponse = Schema.Struct({
  result: Schema.String,
  /** RFC 3339. */
  authenticate_success_time: Schema.optional(Schema.String),
  openid: Schema.optional(Schema.String),
  fail_reason: Schema.optional(Schema.String)
}).annotations({ identifier: "ValidateWesureTokenResponse" })

/**
 * A token validation's answer.
 *
 * @example
 * ```ts
 * import type { ValidateWesureToken } from "@effect-wechatpay/payroll-card"
 *
 * const passed = (answer: ValidateWesureToken.ValidateWesureTokenResponse) => answer.result === "SUCCESS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ValidateWesureTokenResponse = typeof ValidateWesureTokenResponse.Type

/**
 * The call, declared.
 *
 * @example
 * ```ts
 * import { ValidateWesureToken } from "@effect-wechatpay/payroll-card"
 *
 * ValidateWesureToken.endpoint.encrypted // true
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.validateWesureToken",
  method: "POST",
  path: "/v3/payroll-card/wesure/token-validations",
  request: ValidateWesureTokenRequest,
  response: ValidateWesureTokenResponse,
  annotate: ["sub_mchid", "authenticate_type"]
})

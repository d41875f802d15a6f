/**
 * 核身预下单: `POST /v3/payroll-card/authentications/pre-order` — an identity check for a worker who has already
 * opened the payroll card and authorised the sub-merchant, so nothing is encrypted and no `Wechatpay-Serial` is
 * sent.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`PreOrderAuthenticationRequest`,
 * `PreOrderAuthenticationResponse`), `api_authentications.go` (`PreOrderAuthentication`: no encryption) and
 * wechatpay-java `service/payrollcard/model/PreOrderAuthenticationRequest.java`. Neither documents a length limit.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { atLeastOneAppId, Required } from "./internal/schema.js"
import { AuthenticateNumber, AuthenticateType, PreOrderWithAuthResponse } from "./PreOrderWithAuth.js"

/**
 * The request (wechatpay-go `PreOrderAuthenticationRequest`): the fields of pre-order-with-auth without the
 * worker's name, ID number and employment type. At least one of `appid` and `sub_appid` is required;
 * `authenticate_type` is optional (`omitempty` in Go) and takes `NORMAL`, `SIGN_IN`, `INSURANCE` or `CONTRACT`.
 *
 * @example
 * ```ts
 * import type { PreOrder } from "@effect-wechatpay/payroll-card"
 *
 * const request: PreOrder.PreOrderRequest = {
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   appid: "wxa1111111",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   project_name: "某项目",
 *   employer_name: "某用工企业",
 *   authenticate_type: "NORMAL"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PreOrderRequest = Schema.Struct({
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
  authenticate_type: Schema.optional(AuthenticateType)
}).pipe(
  Schema.filter(atLeastOneAppId)
).annotations({ identifier: "PreOrderRequest" })

/**
 * A pre-order request, as the program holds it.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrder } from "@effect-wechatpay/payroll-card"
 *
 * const toWire = (request: PreOrder.PreOrderRequest) => Schema.encode(PreOrder.PreOrderRequest)(request)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PreOrderRequest = typeof PreOrderRequest.Type

/**
 * The answer, the same six fields as pre-order-with-auth's (wechatpay-go `PreOrderAuthenticationResponse`), with
 * the same rules: all required, extra fields ignored.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PreOrder } from "@effect-wechatpay/payroll-card"
 *
 * declare const json: unknown
 * const { token, expires_in } = Schema.decodeUnknownSync(PreOrder.PreOrderResponse)(json)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PreOrderResponse = PreOrderWithAuthResponse.annotations({ identifier: "PreOrderResponse" })

/**
 * A decoded pre-order answer.
 *
 * @example
 * ```ts
 * import type { PreOrder } from "@effect-wechatpay/payroll-card"
 *
 * const token = (response: PreOrder.PreOrderResponse) => response.token
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PreOrderResponse = typeof PreOrderResponse.Type

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.preOrder` is derived from it.
 *
 * @example
 * ```ts
 * import { PreOrder } from "@effect-wechatpay/payroll-card"
 *
 * PreOrder.endpoint.path // "/v3/payroll-card/authentications/pre-order"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.preOrder",
  method: "POST",
  path: "/v3/payroll-card/authentications/pre-order",
  request: PreOrderRequest,
  response: PreOrderResponse,
  annotate: ["sub_mchid", "authenticate_number"],
  // The answer's fields that must equal the request's.
  echo: ["authenticate_number", "openid", "sub_mchid"]
})

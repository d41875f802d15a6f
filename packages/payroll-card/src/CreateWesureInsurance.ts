/**
 * 生成投保结果: `POST /v3/payroll-card/wesure/insurance` — reports the result of a worker's insurance (微保) policy to
 * WeChat. WeChat answers 204 with no body, signed over the empty body; the call succeeds with `void`.
 *
 * Source: no official SDK has this call and its page is not in the stored sources; the fields follow WeChat's
 * OpenAPI description (TheNorthMemory/wechatpay-openapi `docs/v3/payroll-card/wesure/insurance.yaml`, after the old
 * page `apiv3_partner/Offline/apis/chapter4_1_32.shtml`: every field required) and the SKIT .NET SDK (which adds an
 * optional `sub_mchid`). Times are RFC 3339 strings, like the family's other requests.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { CreateWesureInsurance } from "@effect-wechatpay/payroll-card"
 *
 * const request: CreateWesureInsurance.CreateWesureInsuranceRequest = {
 *   sp_mchid: "1900000001",
 *   sub_mchid: "1900000109",
 *   wesure_order_no: "W2022050500001",
 *   token: "abcdefghijklmn",
 *   insurance_company_order_no: "PA2022050500001",
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   insure_state: "INSURE_SUCCESS",
 *   insure_effect_time: "2022-05-06T00:00:00+08:00",
 *   insure_invalid_time: "2022-05-07T00:00:00+08:00",
 *   insurance_company_name: "平安"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateWesureInsuranceRequest = Schema.Struct({
  sp_mchid: Required,
  sub_mchid: Schema.optional(Required),
  /** WeChat's insurance (微保) policy number. */
  wesure_order_no: Required,
  /** The authorisation token of the worker's check. */
  token: Required,
  /** The insurer's policy number. */
  insurance_company_order_no: Required,
  openid: Required,
  /** e.g. `INSURE_SUCCESS` (WeChat documents no full list). */
  insure_state: Required,
  /** When cover starts (RFC 3339). */
  insure_effect_time: Required,
  /** When cover ends (RFC 3339). */
  insure_invalid_time: Required,
  insurance_company_name: Required
}).annotations({ identifier: "CreateWesureInsuranceRequest" })

/**
 * An insurance result.
 *
 * @example
 * ```ts
 * import type { CreateWesureInsurance } from "@effect-wechatpay/payroll-card"
 *
 * const insured = (r: CreateWesureInsurance.CreateWesureInsuranceRequest) => r.insure_state === "INSURE_SUCCESS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CreateWesureInsuranceRequest = typeof CreateWesureInsuranceRequest.Type

/**
 * The call, declared: its answer is 204 with no body (`Schema.Void`).
 *
 * @example
 * ```ts
 * import { CreateWesureInsurance } from "@effect-wechatpay/payroll-card"
 *
 * CreateWesureInsurance.endpoint.method // "POST"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.createWesureInsurance",
  method: "POST",
  path: "/v3/payroll-card/wesure/insurance",
  request: CreateWesureInsuranceRequest,
  response: Schema.Void,
  annotate: ["sub_mchid"]
})

/**
 * 转账账单电子回单申请受理: `POST /v3/transfer/bill-receipt` — applies for a batch's receipt: the batch must be finished with at least one successful payment (else `INVALID_REQUEST`), within 30 days; idempotent by `out_batch_no`.
 *
 * Source: WeChat's page of the same name (payroll-card and partner versions) and WeChat's OpenAPI description; see
 * `TransferReceipt`.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"
import * as TransferReceipt from "./TransferReceipt.js"

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { ApplyBillReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const request: ApplyBillReceipt.ApplyBillReceiptRequest = { out_batch_no: "plfk2020042013" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApplyBillReceiptRequest = Schema.Struct({
  /** The provider's batch number. */
  out_batch_no: Required
}).annotations({ identifier: "ApplyBillReceiptRequest" })

/**
 * The request's type.
 *
 * @example
 * ```ts
 * import type { ApplyBillReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const outBatchNo = (request: ApplyBillReceipt.ApplyBillReceiptRequest) => request.out_batch_no
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ApplyBillReceiptRequest = typeof ApplyBillReceiptRequest.Type

/**
 * The call, declared: the answer must name the receipt asked for.
 *
 * @example
 * ```ts
 * import { ApplyBillReceipt } from "@effect-wechatpay/payroll-card"
 *
 * ApplyBillReceipt.endpoint.path // "/v3/transfer/bill-receipt"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.applyBillReceipt",
  method: "POST",
  path: "/v3/transfer/bill-receipt",
  request: ApplyBillReceiptRequest,
  response: TransferReceipt.BillReceipt,
  annotate: ["out_batch_no"],
  echo: ["out_batch_no"]
})

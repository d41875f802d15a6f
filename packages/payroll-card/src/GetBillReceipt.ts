/**
 * 查询转账账单电子回单: `GET /v3/transfer/bill-receipt/{out_batch_no}` — queries a batch's receipt (within 90 days): `FINISHED` with its file's `download_url`, `hash_type` and `hash_value`.
 *
 * Source: WeChat's page of the same name (payroll-card and partner versions) and WeChat's OpenAPI description; see
 * `TransferReceipt`.
 *
 * @since 0.1.0
 */
import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"
import * as TransferReceipt from "./TransferReceipt.js"

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { GetBillReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetBillReceipt.GetBillReceiptRequest = { out_batch_no: "plfk2020042013" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetBillReceiptRequest = Schema.Struct({
  /** The provider's batch number. */
  out_batch_no: Required
}).annotations({ identifier: "GetBillReceiptRequest" })

/**
 * The request's type.
 *
 * @example
 * ```ts
 * import type { GetBillReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const outBatchNo = (request: GetBillReceipt.GetBillReceiptRequest) => request.out_batch_no
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetBillReceiptRequest = typeof GetBillReceiptRequest.Type

/**
 * The call, declared: the answer must name the receipt asked for.
 *
 * @example
 * ```ts
 * import { GetBillReceipt } from "@effect-wechatpay/payroll-card"
 *
 * GetBillReceipt.endpoint.path // "/v3/transfer/bill-receipt/{out_batch_no}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getBillReceipt",
  method: "GET",
  path: "/v3/transfer/bill-receipt/{out_batch_no}",
  request: GetBillReceiptRequest,
  response: TransferReceipt.BillReceipt,
  annotate: ["out_batch_no"],
  echo: ["out_batch_no"],
  // Beyond Endpoint.commonErrors: NOT_FOUND (404, 记录不存在) for a receipt never applied for (查询转账账单电子回单 /
  // 查询转账明细电子回单受理结果).
  errors: [WeChatPayError.NotFound]
})

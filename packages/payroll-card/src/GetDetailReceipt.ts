/**
 * 查询转账明细电子回单受理结果: `GET /v3/transfer-detail/electronic-receipts` — queries one payment's receipt (within 90 days), named by the same three fields as the application, in the query.
 *
 * Source: WeChat's page of the same name (payroll-card and partner versions) and WeChat's OpenAPI description; see
 * `TransferReceipt`.
 *
 * @since 0.1.0
 */
import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
import * as TransferReceipt from "./TransferReceipt.js"

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { GetDetailReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetDetailReceipt.GetDetailReceiptRequest = { accept_type: "BATCH_TRANSFER", out_batch_no: "plfk2020042013", out_detail_no: "x23zy545Bd5436" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetDetailReceiptRequest = TransferReceipt.DetailReceiptKey.annotations({
  identifier: "GetDetailReceiptRequest"
})

/**
 * The request's type.
 *
 * @example
 * ```ts
 * import type { GetDetailReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const outBatchNo = (request: GetDetailReceipt.GetDetailReceiptRequest) => request.out_batch_no
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetDetailReceiptRequest = typeof GetDetailReceiptRequest.Type

/**
 * The call, declared: the answer must name the receipt asked for.
 *
 * @example
 * ```ts
 * import { GetDetailReceipt } from "@effect-wechatpay/payroll-card"
 *
 * GetDetailReceipt.endpoint.path // "/v3/transfer-detail/electronic-receipts"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getDetailReceipt",
  method: "GET",
  path: "/v3/transfer-detail/electronic-receipts",
  query: ["accept_type", "out_batch_no", "out_detail_no"],
  request: GetDetailReceiptRequest,
  response: TransferReceipt.DetailReceipt,
  annotate: ["out_batch_no"],
  echo: ["accept_type", "out_batch_no", "out_detail_no"],
  // Beyond Endpoint.commonErrors: NOT_FOUND (404, 记录不存在) for a receipt never applied for (查询转账账单电子回单 /
  // 查询转账明细电子回单受理结果).
  errors: [WeChatPayError.NotFound]
})

/**
 * 转账明细电子回单受理: `POST /v3/transfer-detail/electronic-receipts` — applies for one payment's receipt: the payment must be finished (else `PARAM_ERROR`), within 30 days; `out_batch_no` with `accept_type` `BATCH_TRANSFER`, and only then.
 *
 * Source: WeChat's page of the same name (payroll-card and partner versions) and WeChat's OpenAPI description; see
 * `TransferReceipt`.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as TransferReceipt from "./TransferReceipt.js"

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { ApplyDetailReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const request: ApplyDetailReceipt.ApplyDetailReceiptRequest = { accept_type: "BATCH_TRANSFER", out_batch_no: "plfk2020042013", out_detail_no: "x23zy545Bd5436" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApplyDetailReceiptRequest = TransferReceipt.DetailReceiptKey.annotations({
  identifier: "ApplyDetailReceiptRequest"
})

/**
 * The request's type.
 *
 * @example
 * ```ts
 * import type { ApplyDetailReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const outBatchNo = (request: ApplyDetailReceipt.ApplyDetailReceiptRequest) => request.out_batch_no
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ApplyDetailReceiptRequest = typeof ApplyDetailReceiptRequest.Type

/**
 * The call, declared: the answer must name the receipt asked for.
 *
 * @example
 * ```ts
 * import { ApplyDetailReceipt } from "@effect-wechatpay/payroll-card"
 *
 * ApplyDetailReceipt.endpoint.path // "/v3/transfer-detail/electronic-receipts"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.applyDetailReceipt",
  method: "POST",
  path: "/v3/transfer-detail/electronic-receipts",
  request: ApplyDetailReceiptRequest,
  response: TransferReceipt.DetailReceipt,
  annotate: ["out_batch_no"],
  echo: ["accept_type", "out_batch_no", "out_detail_no"]
})

/**
 * 商家明细单号查询明细单: `GET /v3/partner-transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}` — one payment of a transfer batch by the provider's numbers: its state, why it failed,
 * and the worker's name (decrypted with the merchant private key, `Redacted`).
 *
 * Source: wechatpay-go `services/partnertransferbatch` (`GetTransferDetailByOutNoRequest`, `TransferDetailApiService.GetTransferDetailByOutNo`, which calls
 * `DecryptResponse`; commit 6dbd7ce) and WeChat's page of the same name. WeChat answers `NOT_FOUND` for a payment not
 * yet recorded ("转账还在处理中" or not yet started): do not take it for a failed payment.
 *
 * @since 0.1.0
 */
import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"
import * as PartnerTransferBatch from "./PartnerTransferBatch.js"

/**
 * The request: both numbers go in the path.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetTransferDetailByOutNo } from "@effect-wechatpay/payroll-card"
 *
 * const request = Schema.decodeUnknownSync(GetTransferDetailByOutNo.GetTransferDetailByOutNoRequest)({
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetTransferDetailByOutNoRequest = Schema.Struct({
  /** The provider's batch number. */
  out_batch_no: Required,
  /** The provider's number for the payment. */
  out_detail_no: Required
}).annotations({ identifier: "GetTransferDetailByOutNoRequest" })

/**
 * A payment query by the provider's numbers.
 *
 * @example
 * ```ts
 * import type { GetTransferDetailByOutNo } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetTransferDetailByOutNo.GetTransferDetailByOutNoRequest = {
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetTransferDetailByOutNoRequest = typeof GetTransferDetailByOutNoRequest.Type

/**
 * The call, declared: the answer must name the batch and the payment asked for.
 *
 * @example
 * ```ts
 * import { GetTransferDetailByOutNo } from "@effect-wechatpay/payroll-card"
 *
 * GetTransferDetailByOutNo.endpoint.pathParams // ["out_batch_no", "out_detail_no"]
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getTransferDetailByOutNo",
  method: "GET",
  path: "/v3/partner-transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}",
  request: GetTransferDetailByOutNoRequest,
  response: PartnerTransferBatch.TransferDetail,
  annotate: ["out_batch_no", "out_detail_no"],
  echo: ["out_batch_no", "out_detail_no"],
  // Beyond Endpoint.commonErrors: NOT_FOUND (404, 记录不存在) while WeChat is still accepting the batch or detail
  // (查询批次单 / 查询明细单, https://pay.weixin.qq.com/doc/v3/partner/4012465772): poll again, never resubmit.
  errors: [WeChatPayError.NotFound]
})

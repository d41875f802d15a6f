/**
 * 微信支付明细单号查询明细单: `GET /v3/partner-transfer/batches/batch-id/{batch_id}/details/detail-id/{detail_id}` — one payment of a transfer batch by WeChat's numbers: its state, why it failed,
 * and the worker's name (decrypted with the merchant private key, `Redacted`).
 *
 * Source: wechatpay-go `services/partnertransferbatch` (`GetTransferDetailByNoRequest`, `TransferDetailApiService.GetTransferDetailByNo`, which calls
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
 * import { GetTransferDetailByNo } from "@effect-wechatpay/payroll-card"
 *
 * const request = Schema.decodeUnknownSync(GetTransferDetailByNo.GetTransferDetailByNoRequest)({
 *   batch_id: "1030000071100999991182020050700019480001",
 *   detail_id: "1040000071100999991182020050700019500100"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetTransferDetailByNoRequest = Schema.Struct({
  /** WeChat's batch number. */
  batch_id: Required,
  /** WeChat's number for the payment. */
  detail_id: Required
}).annotations({ identifier: "GetTransferDetailByNoRequest" })

/**
 * A payment query by WeChat's numbers.
 *
 * @example
 * ```ts
 * import type { GetTransferDetailByNo } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetTransferDetailByNo.GetTransferDetailByNoRequest = {
 *   batch_id: "1030000071100999991182020050700019480001",
 *   detail_id: "1040000071100999991182020050700019500100"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetTransferDetailByNoRequest = typeof GetTransferDetailByNoRequest.Type

/**
 * The call, declared: the answer must name the batch and the payment asked for.
 *
 * @example
 * ```ts
 * import { GetTransferDetailByNo } from "@effect-wechatpay/payroll-card"
 *
 * GetTransferDetailByNo.endpoint.pathParams // ["batch_id", "detail_id"]
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getTransferDetailByNo",
  method: "GET",
  path: "/v3/partner-transfer/batches/batch-id/{batch_id}/details/detail-id/{detail_id}",
  request: GetTransferDetailByNoRequest,
  response: PartnerTransferBatch.TransferDetail,
  annotate: ["batch_id", "detail_id"],
  echo: ["batch_id", "detail_id"],
  // Beyond Endpoint.commonErrors: NOT_FOUND (404, 记录不存在) while WeChat is still accepting the batch or detail
  // (查询批次单 / 查询明细单, https://pay.weixin.qq.com/doc/v3/partner/4012465772): poll again, never resubmit.
  errors: [WeChatPayError.NotFound]
})

/**
 * 商家批次单号查询批次单: `GET /v3/partner-transfer/batches/out-batch-no/{out_batch_no}` — a transfer batch by the provider's batch number, its state and counts, and
 * (with `need_query_detail`) a page of its payments.
 *
 * Source: wechatpay-go `services/partnertransferbatch` (`GetTransferBatchByOutNoRequest`, `TransferBatchApiService.GetTransferBatchByOutNo`; commit 6dbd7ce) and WeChat's
 * page of the same name. WeChat keeps 30 days of batches and answers `NOT_FOUND` for a batch it is still accepting:
 * ask again later, and never resubmit the batch under a new `out_batch_no` (`PayrollCard.awaitTransferBatch` does
 * the asking).
 *
 * @since 0.1.0
 */
import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"
import * as PartnerTransferBatch from "./PartnerTransferBatch.js"

/**
 * The request: the batch's number (in the path) and which details to list (the query).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GetTransferBatchByOutNo } from "@effect-wechatpay/payroll-card"
 *
 * const request = Schema.decodeUnknownSync(GetTransferBatchByOutNo.GetTransferBatchByOutNoRequest)({
 *   out_batch_no: "plfk2020042013",
 *   need_query_detail: true,
 *   limit: 100,
 *   detail_status: "FAIL"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetTransferBatchByOutNoRequest = Schema.Struct({
  /** The provider's batch number. */
  out_batch_no: Required,
  ...PartnerTransferBatch.DetailPageFields
}).annotations({ identifier: "GetTransferBatchByOutNoRequest" })

/**
 * A batch query by the provider's batch number.
 *
 * @example
 * ```ts
 * import type { GetTransferBatchByOutNo } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetTransferBatchByOutNo.GetTransferBatchByOutNoRequest = { out_batch_no: "plfk2020042013", need_query_detail: false }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetTransferBatchByOutNoRequest = typeof GetTransferBatchByOutNoRequest.Type

/**
 * The call, declared: the answer must name the batch asked for (`out_batch_no`).
 *
 * @example
 * ```ts
 * import { GetTransferBatchByOutNo } from "@effect-wechatpay/payroll-card"
 *
 * GetTransferBatchByOutNo.endpoint.path // "/v3/partner-transfer/batches/out-batch-no/{out_batch_no}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getTransferBatchByOutNo",
  method: "GET",
  path: "/v3/partner-transfer/batches/out-batch-no/{out_batch_no}",
  query: ["need_query_detail", "offset", "limit", "detail_status"],
  request: GetTransferBatchByOutNoRequest,
  response: PartnerTransferBatch.TransferBatch,
  annotate: ["out_batch_no"],
  echo: ["out_batch_no"],
  // Beyond Endpoint.commonErrors: NOT_FOUND (404, 记录不存在) while WeChat is still accepting the batch or detail
  // (查询批次单 / 查询明细单, https://pay.weixin.qq.com/doc/v3/partner/4012465772): poll again, never resubmit.
  errors: [WeChatPayError.NotFound]
})

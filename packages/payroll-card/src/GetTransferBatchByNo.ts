/**
 * 微信支付批次单号查询批次单: `GET /v3/partner-transfer/batches/batch-id/{batch_id}` — a transfer batch by WeChat's batch number, its state and counts, and
 * (with `need_query_detail`) a page of its payments.
 *
 * Source: wechatpay-go `services/partnertransferbatch` (`GetTransferBatchByNoRequest`, `TransferBatchApiService.GetTransferBatchByNo`; commit 6dbd7ce) and WeChat's
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
 * import { GetTransferBatchByNo } from "@effect-wechatpay/payroll-card"
 *
 * const request = Schema.decodeUnknownSync(GetTransferBatchByNo.GetTransferBatchByNoRequest)({
 *   batch_id: "1030000071100999991182020050700019480001",
 *   need_query_detail: true,
 *   limit: 100,
 *   detail_status: "FAIL"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetTransferBatchByNoRequest = Schema.Struct({
  /** WeChat's batch number. */
  batch_id: Required,
  ...PartnerTransferBatch.DetailPageFields
}).annotations({ identifier: "GetTransferBatchByNoRequest" })

/**
 * A batch query by WeChat's batch number.
 *
 * @example
 * ```ts
 * import type { GetTransferBatchByNo } from "@effect-wechatpay/payroll-card"
 *
 * const request: GetTransferBatchByNo.GetTransferBatchByNoRequest = { batch_id: "1030000071100999991182020050700019480001", need_query_detail: false }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type GetTransferBatchByNoRequest = typeof GetTransferBatchByNoRequest.Type

/**
 * The call, declared: the answer must name the batch asked for (`batch_id`).
 *
 * @example
 * ```ts
 * import { GetTransferBatchByNo } from "@effect-wechatpay/payroll-card"
 *
 * GetTransferBatchByNo.endpoint.path // "/v3/partner-transfer/batches/batch-id/{batch_id}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.getTransferBatchByNo",
  method: "GET",
  path: "/v3/partner-transfer/batches/batch-id/{batch_id}",
  query: ["need_query_detail", "offset", "limit", "detail_status"],
  request: GetTransferBatchByNoRequest,
  response: PartnerTransferBatch.TransferBatch,
  annotate: ["batch_id"],
  echo: ["batch_id"],
  // Beyond Endpoint.commonErrors: NOT_FOUND (404, 记录不存在) while WeChat is still accepting the batch or detail
  // (查询批次单 / 查询明细单, https://pay.weixin.qq.com/doc/v3/partner/4012465772): poll again, never resubmit.
  errors: [WeChatPayError.NotFound]
})

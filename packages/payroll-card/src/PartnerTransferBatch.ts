/**
 * What WeChat answers about a transfer batch and its details once it was created (`createTransferBatch`): the
 * batch's state, the state of each payment to a worker, and why one failed. The four queries
 * (`GetTransferBatchByNo`, `GetTransferBatchByOutNo`, `GetTransferDetailByNo`, `GetTransferDetailByOutNo`) answer
 * with these.
 *
 * Source: wechatpay-go `services/partnertransferbatch/models.go` (`TransferBatchEntity`, `TransferDetailCompact`,
 * `TransferDetailEntity` and their enums; commit 6dbd7ce), WeChat's pages 微信支付批次单号查询批次单 /
 * 商家批次单号查询批次单 (the payroll-card and partner versions) and 查询明细单. The partner answers are flat: no
 * `transfer_batch` wrapper as in the direct-merchant `/v3/transfer/batches` API.
 *
 * Answers are lenient: unknown fields are ignored, the states a program decides on are open enums (a value WeChat
 * adds later decodes as an `Unrecognized` string), and only the fields that say which batch or detail this is, and
 * its state, are required.
 *
 * @since 0.1.0
 */
import { Sensitive } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { BatchStatus, CloseReason, DetailStatus, DetailStatusFilter, FailReason } from "./TransferStatus.js"

// The batch's and the payments' states and failure reasons, defined in their own module and part of this one.
export * from "./TransferStatus.js"

/**
 * The fewest and the most details one page of a batch query lists: "最小20条，最大100条，不传则默认20条"
 * (wechatpay-go `GetTransferBatchByNoRequest.Limit`).
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const pages = (details: number) => Math.ceil(details / PartnerTransferBatch.MAX_PAGE_SIZE)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PAGE_SIZE = 100

/**
 * See {@link MAX_PAGE_SIZE}.
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const limit = Math.max(PartnerTransferBatch.MIN_PAGE_SIZE, 10) // 20
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MIN_PAGE_SIZE = 20

/**
 * The query fields the two batch queries share: whether to list details, which, and the page
 * (wechatpay-go `GetTransferBatchByNoRequest`: `need_query_detail` required, `offset` from 0, `limit` 20–100).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const Request = Schema.Struct({ batch_id: Schema.String, ...PartnerTransferBatch.DetailPageFields })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DetailPageFields = {
  /** Whether the answer lists the batch's details (only a `FINISHED` batch has them). */
  need_query_detail: Schema.Boolean,
  /** Where the page starts, from 0. */
  offset: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** How many details a page lists: 20–100, default 20. */
  limit: Schema.optional(Schema.Int.pipe(Schema.between(MIN_PAGE_SIZE, MAX_PAGE_SIZE))),
  /** Which details to list. */
  detail_status: Schema.optional(DetailStatusFilter)
}

/**
 * One payment in a batch's answer (wechatpay-go `TransferDetailCompact`): its two numbers and its state.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const detail = Schema.decodeUnknownSync(PartnerTransferBatch.TransferDetailCompact)({
 *   detail_id: "1040000071100999991182020050700019500100",
 *   out_detail_no: "x23zy545Bd5436",
 *   detail_status: "SUCCESS"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferDetailCompact = Schema.Struct({
  /** WeChat's number for the payment. */
  detail_id: Schema.String,
  /** The provider's number for the payment. */
  out_detail_no: Schema.String,
  detail_status: DetailStatus
}).annotations({ identifier: "TransferDetailCompact" })

/**
 * One payment in a batch's answer.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const failed = (details: ReadonlyArray<PartnerTransferBatch.TransferDetailCompact>) =>
 *   details.filter((d) => d.detail_status === "FAIL").map((d) => d.out_detail_no)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferDetailCompact = typeof TransferDetailCompact.Type

/**
 * A batch as the two batch queries answer it (wechatpay-go `TransferBatchEntity`). Amounts are in fen; the success
 * and failure counts move while the batch is `PROCESSING`; `transfer_detail_list` is there when details were asked
 * for and the batch is `FINISHED`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const batch = Schema.decodeUnknownSync(PartnerTransferBatch.TransferBatch)({
 *   sp_mchid: "1900001109",
 *   sub_mchid: "1900000109",
 *   out_batch_no: "plfk2020042013",
 *   batch_id: "1030000071100999991182020050700019480001",
 *   batch_status: "PROCESSING",
 *   total_amount: 4000000,
 *   total_num: 200
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferBatch = Schema.Struct({
  /** The service provider's merchant id. */
  sp_mchid: Schema.optional(Schema.String),
  /** The sub-merchant (employer) id. */
  sub_mchid: Schema.String,
  /** The provider's batch number. */
  out_batch_no: Schema.String,
  /** WeChat's batch number. */
  batch_id: Schema.String,
  sub_appid: Schema.optional(Schema.String),
  sp_appid: Schema.optional(Schema.String),
  batch_status: BatchStatus,
  /** `API` or `WEB` (how the batch was made). */
  batch_type: Schema.optional(Schema.String),
  authorization_type: Schema.optional(Schema.String),
  batch_name: Schema.optional(Schema.String),
  batch_remark: Schema.optional(Schema.String),
  /** Only on a `CLOSED` batch. */
  close_reason: Schema.optional(CloseReason),
  total_amount: Schema.optional(Schema.Number),
  total_num: Schema.optional(Schema.Number),
  /** When the batch was accepted (RFC 3339). */
  create_time: Schema.optional(Schema.String),
  /** When its state last changed (RFC 3339). */
  update_time: Schema.optional(Schema.String),
  success_amount: Schema.optional(Schema.Number),
  success_num: Schema.optional(Schema.Number),
  fail_amount: Schema.optional(Schema.Number),
  fail_num: Schema.optional(Schema.Number),
  transfer_detail_list: Schema.optional(Schema.Array(TransferDetailCompact)),
  /** `GOODSPAYMENT`, `COMMISSION`, … (wechatpay-go `TransferUseType`). */
  transfer_purpose: Schema.optional(Schema.String),
  /** `ORDINARY_TRANSFER` or `PAYROLL_CARD_TRANSFER` (wechatpay-go `TransferScene`). */
  transfer_scene: Schema.optional(Schema.String)
}).annotations({ identifier: "TransferBatch" })

/**
 * A batch as the batch queries answer it.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const summary = (b: PartnerTransferBatch.TransferBatch) =>
 *   `${b.out_batch_no}: ${b.batch_status}, ${b.success_num ?? 0} paid, ${b.fail_num ?? 0} failed`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferBatch = typeof TransferBatch.Type

/**
 * One payment as the two detail queries answer it (wechatpay-go `TransferDetailEntity`). The worker's name,
 * `username`, is RSA-OAEP ciphertext under the merchant's key on the wire (`encryption:"EM_APIV3"`) and a
 * `Redacted<string>` here, decrypted with the merchant private key (`Sensitive.DecryptedString`).
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const line = (d: PartnerTransferBatch.TransferDetail) =>
 *   `${d.out_detail_no}: ${d.detail_status}${d.fail_reason === undefined ? "" : ` (${d.fail_reason})`}`
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferDetail = Schema.Struct({
  sp_mchid: Schema.optional(Schema.String),
  out_batch_no: Schema.String,
  batch_id: Schema.String,
  appid: Schema.optional(Schema.String),
  out_detail_no: Schema.String,
  detail_id: Schema.String,
  detail_status: DetailStatus,
  /** In fen. */
  transfer_amount: Schema.optional(Schema.Number),
  transfer_remark: Schema.optional(Schema.String),
  /** Only on a failed payment. */
  fail_reason: Schema.optional(FailReason),
  openid: Schema.optional(Schema.String),
  /** The worker's name, decrypted: personal data, so `Redacted`. */
  username: Schema.optional(Sensitive.DecryptedString),
  /** When the payment started (RFC 3339). */
  initiate_time: Schema.optional(Schema.String),
  /** When its state last changed (RFC 3339). */
  update_time: Schema.optional(Schema.String)
}).annotations({ identifier: "TransferDetail" })

/**
 * One payment as the detail queries answer it.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * // The name is Redacted: unwrap it only where it is needed (here, to compare with the payroll's).
 * const nameMatches = (d: PartnerTransferBatch.TransferDetail, expected: string) =>
 *   d.username !== undefined && Redacted.value(d.username) === expected
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferDetail = typeof TransferDetail.Type

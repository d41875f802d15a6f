/**
 * 发起批量转账（服务商）: `POST /v3/partner-transfer/batches` — the service provider pays a sub-merchant's workers to
 * their WeChat balance in one batch, `transfer_scene: "PAYROLL_CARD_TRANSFER"` for payroll-card pay. The batch and
 * payment queries (`PayrollCard.getTransferBatchByOutNo`, …) and `PayrollCard.awaitTransferBatch` follow it.
 *
 * Source: wechatpay-go `services/partnertransferbatch/models.go` (`InitiateTransferBatchRequest`,
 * `TransferDetailInput`, `InitiateTransferBatchResponse`, `TransferUseType`, `TransferScene`) and
 * `api_transfer_batch.go` (`TransferBatchApiService.InitiateTransferBatch`: encrypted fields, so `Wechatpay-Serial`;
 * "单个服务商（发起批量转账接口）50QPS，如果超过频率限制，会报错FREQUENCY_LIMITED"), commit 6dbd7ce. Unlike the
 * payroll-card batch, every payment names its payee (`user_name` is required there), and may carry the payee's ID
 * number (`user_id_card`, encrypted too).
 *
 * @since 0.1.0
 */
import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { AuthorizationType, MAX_DETAILS, MAX_REMARK_CHARACTERS, TransferBatchEntity } from "./CreateTransferBatch.js"
import { Required } from "./internal/schema.js"
import { atMostCharacters, batchRules } from "./internal/transferBatch.js"

// "UTF8编码，最多允许32个字符" (wechatpay-go `InitiateTransferBatchRequest.BatchRemark`,
// `TransferDetailInput.TransferRemark`): the same limit as the payroll-card batch's.
const Remark = Required.pipe(Schema.filter(atMostCharacters(MAX_REMARK_CHARACTERS)))

/**
 * What the batch pays for (wechatpay-go `TransferUseType`: "GOODSPAYMENT - 货款, COMMISSION - 佣金, REFUND - 退款,
 * REIMBURSEMENT - 报销, FREIGHT - 运费, OTHERS - 其他").
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(InitiatePartnerTransferBatch.TransferPurpose)("COMMISSION") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferPurpose = Schema.Literal(
  "GOODSPAYMENT",
  "COMMISSION",
  "REFUND",
  "REIMBURSEMENT",
  "FREIGHT",
  "OTHERS"
)

/**
 * A transfer purpose.
 *
 * @example
 * ```ts
 * import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const purpose: InitiatePartnerTransferBatch.TransferPurpose = "OTHERS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferPurpose = typeof TransferPurpose.Type

/**
 * The provider's transfer scene (wechatpay-go `TransferScene`: "ORDINARY_TRANSFER - 普通转账,
 * PAYROLL_CARD_TRANSFER - 薪工卡转账").
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(InitiatePartnerTransferBatch.TransferScene)("PAYROLL_CARD_TRANSFER") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferScene = Schema.Literal("ORDINARY_TRANSFER", "PAYROLL_CARD_TRANSFER")

/**
 * A transfer scene.
 *
 * @example
 * ```ts
 * import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const scene: InitiatePartnerTransferBatch.TransferScene = "PAYROLL_CARD_TRANSFER"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferScene = typeof TransferScene.Type

/**
 * One payment (wechatpay-go `partnertransferbatch.TransferDetailInput`). Amounts are in fen. `user_name` is required
 * ("field `UserName` is required") and `user_id_card` optional; both are `Redacted<string>` here and RSA-OAEP
 * ciphertext on the wire (`encryption:"EM_APIV3"`).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const detail: InitiatePartnerTransferBatch.PartnerTransferDetailInput = {
 *   out_detail_no: "x23zy545Bd5436",
 *   transfer_amount: 200000,
 *   transfer_remark: "2020年4月报销",
 *   openid: "o-MYE42l80oelYMDE34nYD456Xoy",
 *   user_name: Redacted.make("张三")
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PartnerTransferDetailInput = Schema.Struct({
  /** The provider's number for this payment, unique within the batch. */
  out_detail_no: Required,
  /** The amount, in fen. */
  transfer_amount: Schema.Int,
  /** The remark the worker sees: at most 32 characters. */
  transfer_remark: Remark,
  /** The worker's openid (under `sub_appid` for information authorisation, else `sp_appid`). */
  openid: Required,
  /** The worker's real name: encrypted on the wire. */
  user_name: Sensitive.EncryptedString,
  /** The worker's ID number, "可不用填": encrypted on the wire. Exact, as `CreateTransferBatch`'s `user_name`. */
  user_id_card: Schema.optionalWith(Sensitive.EncryptedString, { exact: true })
}).annotations({ identifier: "PartnerTransferDetailInput" })

/**
 * One payment, as the program holds it.
 *
 * @example
 * ```ts
 * import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const fen = (detail: InitiatePartnerTransferBatch.PartnerTransferDetailInput) => detail.transfer_amount
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PartnerTransferDetailInput = typeof PartnerTransferDetailInput.Type

/**
 * The request (wechatpay-go `InitiateTransferBatchRequest`). The batch rules are the payroll-card batch's: the sum
 * ("转账总金额必须与批次内所有明细转账金额之和保持一致"), the count ("转账总笔数必须与批次内所有明细之和保持一致"), at
 * most 3,000 details ("最多三千笔"), remarks of at most 32 characters. `sub_appid` is needed for the information
 * authorisations and `sp_appid` for the funds one (which one applies is WeChat's to check).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const request: InitiatePartnerTransferBatch.InitiatePartnerTransferBatchRequest = {
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxf636efh567hg4356",
 *   authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
 *   out_batch_no: "plfk2020042013",
 *   batch_name: "四月工资",
 *   batch_remark: "四月工资",
 *   total_amount: 200000,
 *   total_num: 1,
 *   transfer_detail_list: [
 *     { out_detail_no: "d1", transfer_amount: 200000, transfer_remark: "工资", openid: "o1", user_name: Redacted.make("张三") }
 *   ],
 *   transfer_scene: "PAYROLL_CARD_TRANSFER"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const InitiatePartnerTransferBatchRequest = Schema.Struct({
  /** The sub-merchant (employer) id. */
  sub_mchid: Required,
  /** The sub-merchant's AppID, for the information authorisations. */
  sub_appid: Schema.optional(Required),
  authorization_type: AuthorizationType,
  /** The provider's batch number, unique per provider: the idempotency key. */
  out_batch_no: Required,
  batch_name: Required,
  /** The batch's remark: at most 32 characters. */
  batch_remark: Remark,
  /** The sum of the details' amounts, in fen. */
  total_amount: Schema.Int,
  /** The number of details. */
  total_num: Schema.Int,
  transfer_detail_list: Schema.Array(PartnerTransferDetailInput).pipe(
    Schema.maxItems(MAX_DETAILS, { message: () => `at most ${MAX_DETAILS} details` })
  ),
  /** The service provider's AppID, for the funds authorisation. */
  sp_appid: Schema.optional(Required),
  transfer_purpose: Schema.optional(TransferPurpose),
  transfer_scene: Schema.optional(TransferScene)
}).pipe(
  Schema.filter(batchRules)
).annotations({ identifier: "InitiatePartnerTransferBatchRequest" })

/**
 * A partner batch, as the program holds it (names and ID numbers `Redacted`).
 *
 * @example
 * ```ts
 * import type { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const size = (request: InitiatePartnerTransferBatch.InitiatePartnerTransferBatchRequest) => request.total_num
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type InitiatePartnerTransferBatchRequest = typeof InitiatePartnerTransferBatchRequest.Type

/**
 * The call, declared. The answer is wechatpay-go `InitiateTransferBatchResponse` (`out_batch_no`, `batch_id`,
 * `create_time` "批次受理成功时返回"), the payroll-card batch's `TransferBatchEntity`; it must name the batch asked for.
 *
 * @example
 * ```ts
 * import { InitiatePartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * InitiatePartnerTransferBatch.endpoint.path // "/v3/partner-transfer/batches"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.initiatePartnerTransferBatch",
  method: "POST",
  path: "/v3/partner-transfer/batches",
  request: InitiatePartnerTransferBatchRequest,
  response: TransferBatchEntity,
  annotate: ["sub_mchid", "out_batch_no"],
  echo: ["out_batch_no"],
  // The codes the sources document for this call (wechatpay-go `InitiateTransferBatch`: FREQUENCY_LIMITED beyond
  // 50 QPS) are all in Endpoint.commonErrors; any other code WeChat sends arrives as UnknownApiError with its code.
  // Never retry a failed batch under a new out_batch_no ("一定要使用原商家批次单号重试").
  errors: []
})

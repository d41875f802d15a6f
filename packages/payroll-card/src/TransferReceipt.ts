/**
 * Electronic receipts (电子回单) of transfers: proof, signed by WeChat, that a batch or one payment was made. A
 * receipt is applied for once (idempotent by `out_batch_no`, or `out_detail_no`), is `ACCEPTED` while WeChat makes
 * it, then `FINISHED` with the file's `download_url` (valid 10 minutes: query again for a fresh one, without applying
 * again), `hash_type` and `hash_value`. The file comes from a signed GET whose answer WeChat does not sign, so its
 * digest is the only proof: `PayrollCard.downloadReceipt` checks it.
 *
 * Source: WeChat's pages 转账账单电子回单申请受理, 查询转账账单电子回单, 转账明细电子回单受理, 查询转账明细电子回单受理结果 and
 * 下载电子回单 (payroll-card and partner versions), WeChat's OpenAPI description (TheNorthMemory/wechatpay-openapi
 * `docs/v3/transfer/bill-receipt*.yaml`, `docs/v3/transfer-detail/electronic-receipts.yaml`) and WxJava
 * (`BillReceiptResult`, `ElectronicReceiptsResult`). Only the numbers are required in answers: the partner pages mark
 * every field required yet say the file fields come only once `FINISHED`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { openLiteral } from "./internal/schema.js"

/**
 * A receipt's state: `ACCEPTED` (已受理: being made) or `FINISHED` (已完成: the file is ready).
 *
 * @example
 * ```ts
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * TransferReceipt.SignatureStatus.isKnown("FINISHED") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SignatureStatus = openLiteral("SignatureStatus", ["ACCEPTED", "FINISHED"])

/**
 * A receipt's state, or an `Unrecognized` one.
 *
 * @example
 * ```ts
 * import type { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const ready = (status: TransferReceipt.SignatureStatus | undefined) => status === "FINISHED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SignatureStatus = typeof SignatureStatus.Type

/**
 * What a detail receipt is of: `BATCH_TRANSFER` (a payment of a batch, as payroll-card transfers are),
 * `TRANSFER_TO_POCKET` (企业付款至零钱) or `TRANSFER_TO_BANK` (企业付款至银行卡).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(TransferReceipt.AcceptType)("BATCH_TRANSFER") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AcceptType = Schema.Literal("BATCH_TRANSFER", "TRANSFER_TO_POCKET", "TRANSFER_TO_BANK")

/**
 * What a detail receipt is of.
 *
 * @example
 * ```ts
 * import type { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const payroll: TransferReceipt.AcceptType = "BATCH_TRANSFER"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AcceptType = typeof AcceptType.Type

const FileFields = {
  signature_status: Schema.optional(SignatureStatus),
  /** `SHA256` (WeChat's examples) or `SHA1`; only once `FINISHED`. */
  hash_type: Schema.optional(Schema.String),
  /** The file's digest, hex; only once `FINISHED`. */
  hash_value: Schema.optional(Schema.String),
  /** Where the file is, for a signed GET; valid 10 minutes; only once `FINISHED`. */
  download_url: Schema.optional(Schema.String)
}

/**
 * A batch's receipt (转账账单电子回单), as applying for it and querying it answer.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const receipt = Schema.decodeUnknownSync(TransferReceipt.BillReceipt)({
 *   out_batch_no: "plfk2020042013",
 *   signature_no: "1050000010509702021041900000",
 *   signature_status: "ACCEPTED"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BillReceipt = Schema.Struct({
  out_batch_no: Schema.String,
  /** WeChat's number for the receipt application. */
  signature_no: Schema.String,
  ...FileFields,
  /** RFC 3339. */
  create_time: Schema.optional(Schema.String),
  /** RFC 3339. */
  update_time: Schema.optional(Schema.String)
}).annotations({ identifier: "BillReceipt" })

/**
 * A batch's receipt.
 *
 * @example
 * ```ts
 * import type { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const ready = (receipt: TransferReceipt.BillReceipt) => receipt.signature_status === "FINISHED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BillReceipt = typeof BillReceipt.Type

/**
 * A payment's receipt (转账明细电子回单), as applying for it and querying it answer.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const receipt = Schema.decodeUnknownSync(TransferReceipt.DetailReceipt)({
 *   accept_type: "BATCH_TRANSFER",
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436",
 *   signature_no: "1050000010509702021041900000"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DetailReceipt = Schema.Struct({
  accept_type: Schema.String,
  out_batch_no: Schema.optional(Schema.String),
  out_detail_no: Schema.String,
  signature_no: Schema.String,
  ...FileFields
}).annotations({ identifier: "DetailReceipt" })

/**
 * A payment's receipt.
 *
 * @example
 * ```ts
 * import type { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const ready = (receipt: TransferReceipt.DetailReceipt) => receipt.signature_status === "FINISHED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type DetailReceipt = typeof DetailReceipt.Type

/**
 * The fields a detail receipt is named by, with WeChat's rule: "受理类型为BATCH_TRANSFER时该单号必填，否则该单号留空"
 * (`out_batch_no` with `BATCH_TRANSFER`, and only then).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(TransferReceipt.DetailReceiptKey)({ accept_type: "BATCH_TRANSFER", out_detail_no: "x23zy545Bd5436" })
 * // false: out_batch_no is missing
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DetailReceiptKey = Schema.Struct({
  accept_type: AcceptType,
  out_batch_no: Schema.optional(Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" }))),
  out_detail_no: Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" }))
}).pipe(
  Schema.filter((key) =>
    (key.accept_type === "BATCH_TRANSFER") === (key.out_batch_no !== undefined) || {
      path: ["out_batch_no"],
      message: key.accept_type === "BATCH_TRANSFER"
        ? "out_batch_no is required with accept_type BATCH_TRANSFER"
        : `out_batch_no must be left out with accept_type ${key.accept_type}`
    }
  )
).annotations({ identifier: "DetailReceiptKey" })

/**
 * The fields a detail receipt is named by.
 *
 * @example
 * ```ts
 * import type { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const key: TransferReceipt.DetailReceiptKey = {
 *   accept_type: "BATCH_TRANSFER",
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type DetailReceiptKey = typeof DetailReceiptKey.Type

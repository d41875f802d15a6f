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
import { Download, type WeChatPayClient } from "@effect-wechatpay/core"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
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

/**
 * A receipt that names no file yet: it is not `FINISHED` (or its answer lacked `download_url`, `hash_type` or
 * `hash_value`). Query it again (`getBillReceipt`, `getDetailReceipt`) until it is; nothing was sent.
 *
 * @example
 * ```ts
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const error = new TransferReceipt.ReceiptNotReady({ signatureNo: "1050000010509702021041900000", status: "ACCEPTED" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ReceiptNotReady extends Schema.TaggedError<ReceiptNotReady>(
  "@effect-wechatpay/payroll-card/ReceiptNotReady"
)("ReceiptNotReady", {
  signatureNo: Schema.String,
  status: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `receipt ${this.signatureNo} is ${this.status ?? "not FINISHED"}, so it names no file yet: ` +
      "query it again until it is FINISHED"
  }
}

/**
 * A receipt answer of either kind.
 *
 * @example
 * ```ts
 * import type { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * const number = (receipt: TransferReceipt.Receipt) => receipt.signature_no
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Receipt = BillReceipt | DetailReceipt

const fileOf = (receipt: Receipt): Effect.Effect<Download.FileMetadata, ReceiptNotReady> => {
  const { download_url, hash_type, hash_value } = receipt
  return receipt.signature_status === "FINISHED" && download_url !== undefined && hash_type !== undefined &&
      hash_value !== undefined
    ? Effect.succeed({ download_url, hash_type, hash_value })
    : Effect.fail(
      new ReceiptNotReady({
        signatureNo: receipt.signature_no,
        ...(receipt.signature_status === undefined ? {} : { status: receipt.signature_status })
      })
    )
}

/**
 * The file of a `FINISHED` receipt, as a stream of bytes: a signed GET to its `download_url` (on the configured API
 * host only), whose answer WeChat does not sign; the stream fails at its end with `DownloadError` `DigestMismatch`
 * when the bytes do not match `hash_type`/`hash_value` (SHA256 or SHA1; another hash is refused before anything is
 * sent). See `Download.stream` for its limits; an expired `download_url` fails as `Expired`: query the receipt again.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * declare const receipt: TransferReceipt.BillReceipt
 * const size = TransferReceipt.download(receipt).pipe(Stream.runFold(0, (n, chunk) => n + chunk.length))
 * ```
 *
 * @since 0.1.0
 * @category downloads
 */
export const download = (
  receipt: Receipt,
  options?: Download.Options
): Stream.Stream<Uint8Array, Download.DownloadError | ReceiptNotReady, WeChatPayClient.WeChatPayClient> =>
  Stream.unwrap(Effect.map(fileOf(receipt), (file) => Download.stream(file, options)))

/**
 * Writes the file of a `FINISHED` receipt to `path`, through a temporary file beside it that is renamed onto `path`
 * only once the digest matched (see `Download.toFile`): nothing unverified ever stands at `path`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TransferReceipt } from "@effect-wechatpay/payroll-card"
 *
 * declare const receipt: TransferReceipt.BillReceipt
 * const saved = TransferReceipt.downloadToFile(receipt, `receipts/${receipt.out_batch_no}.pdf`).pipe(
 *   Effect.tap(({ bytes }) => Effect.log(`receipt saved: ${bytes} bytes`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category downloads
 */
export const downloadToFile = (
  receipt: Receipt,
  path: string,
  options?: Download.Options
): Effect.Effect<
  { readonly bytes: number; readonly path: string },
  Download.DownloadError | ReceiptNotReady,
  WeChatPayClient.WeChatPayClient
> => Effect.flatMap(fileOf(receipt), (file) => Download.toFile(file, path, options))

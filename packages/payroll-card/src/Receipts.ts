/**
 * Electronic receipts (电子回单) of transfers: applying for them, querying them (their declarations are in
 * `ApplyBillReceipt`, `GetBillReceipt`, `ApplyDetailReceipt` and `GetDetailReceipt`; their answers in
 * `TransferReceipt`), and downloading their files with the digest checked. `PayrollCard` re-exports all of it.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as ApplyBillReceipt from "./ApplyBillReceipt.js"
import * as ApplyDetailReceipt from "./ApplyDetailReceipt.js"
import * as GetBillReceipt from "./GetBillReceipt.js"
import * as GetDetailReceipt from "./GetDetailReceipt.js"
import * as TransferReceipt from "./TransferReceipt.js"

/**
 * Applies for a batch's electronic receipt (转账账单电子回单申请受理): the batch must be finished with at least one
 * successful payment (else `INVALID_REQUEST`). Idempotent by `out_batch_no`; the receipt is `ACCEPTED`, then
 * `FINISHED` ({@link getBillReceipt}).
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const applied = PayrollCard.applyBillReceipt({ out_batch_no: "plfk2020042013" })
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const applyBillReceipt = Endpoint.toCall(ApplyBillReceipt.endpoint)

/**
 * Gets a batch's receipt (查询转账账单电子回单): once `FINISHED`, its file's `download_url` (valid 10 minutes; query
 * again for a fresh one), `hash_type` and `hash_value`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const ready = PayrollCard.getBillReceipt({ out_batch_no: "plfk2020042013" }).pipe(
 *   Effect.map((receipt) => receipt.signature_status === "FINISHED")
 * )
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const getBillReceipt = Endpoint.toCall(GetBillReceipt.endpoint)

/**
 * Applies for one payment's receipt (转账明细电子回单受理): the payment must be finished (else `PARAM_ERROR`);
 * `out_batch_no` goes with `accept_type` `BATCH_TRANSFER` (payroll-card payments), and only then. Idempotent by
 * `out_detail_no`.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const applied = PayrollCard.applyDetailReceipt({
 *   accept_type: "BATCH_TRANSFER",
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * })
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const applyDetailReceipt = Endpoint.toCall(ApplyDetailReceipt.endpoint)

/**
 * Gets one payment's receipt (查询转账明细电子回单受理结果), by the same three fields as its application.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const url = PayrollCard.getDetailReceipt({
 *   accept_type: "BATCH_TRANSFER",
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * }).pipe(Effect.map((receipt) => receipt.download_url))
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const getDetailReceipt = Endpoint.toCall(GetDetailReceipt.endpoint)

/**
 * The file of a `FINISHED` receipt (from `getBillReceipt` or `getDetailReceipt`) as a stream of bytes, its digest
 * checked at the end (`DownloadError` `DigestMismatch`); `ReceiptNotReady` before it is `FINISHED`. See
 * `TransferReceipt.download`.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const bytes = PayrollCard.getBillReceipt({ out_batch_no: "plfk2020042013" }).pipe(
 *   Effect.flatMap((receipt) => Stream.runCollect(PayrollCard.downloadReceipt(receipt)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const downloadReceipt = TransferReceipt.download

/**
 * Writes the file of a `FINISHED` receipt to a path, only once its digest matched (a temporary file beside it is
 * renamed into place, or removed). See `TransferReceipt.downloadToFile`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const saved = PayrollCard.getBillReceipt({ out_batch_no: "plfk2020042013" }).pipe(
 *   Effect.flatMap((receipt) => PayrollCard.downloadReceiptToFile(receipt, "receipts/plfk2020042013.pdf"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const downloadReceiptToFile = TransferReceipt.downloadToFile

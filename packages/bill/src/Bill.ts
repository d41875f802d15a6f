/**
 * Bills (账单): ask WeChat for a day's trade or fund flow bill, then download it — a stream of its bytes, or a file —
 * with its digest checked, or read it as typed rows. The download is core's `Download`: a signed GET to the
 * configured API host only, bounded, in constant memory, the SHA1 checked over the inflated bytes of a gzipped bill.
 *
 * @since 0.1.0
 */
import { Download, Endpoint, type WeChatPayClient } from "@effect-wechatpay/core"
import type { Effect } from "effect"
import * as Stream from "effect/Stream"
import type * as BillRows from "./BillRows.js"
import * as FundFlowBill from "./FundFlowBill.js"
import * as Decode from "./internal/decode.js"
import * as TradeBill from "./TradeBill.js"

/**
 * The bill calls, declared.
 *
 * @example
 * ```ts
 * import { Bill } from "@effect-wechatpay/bill"
 *
 * Bill.endpoints.tradeBill.path // "/v3/bill/tradebill"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoints = {
  tradeBill: TradeBill.endpoint,
  fundFlowBill: FundFlowBill.endpoint
}

/**
 * Asks for a day's trade bill (申请交易账单, `GET /v3/bill/tradebill`): its file's `download_url` (valid 30 seconds),
 * `hash_type` and `hash_value`. The answer is signature-verified; download it right away with {@link download},
 * {@link downloadToFile} or {@link rows}, passing `{ gzip: true }` when `tar_type` was `GZIP`.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Bill, BillRows } from "@effect-wechatpay/bill"
 *
 * const refunds = Bill.tradeBill({ bill_date: "2026-12-05", bill_type: "REFUND", tar_type: "GZIP" }).pipe(
 *   Effect.flatMap((file) => Stream.runCollect(Bill.rows(file, BillRows.tradeRefund, { gzip: true })))
 * )
 * ```
 *
 * @since 0.1.0
 * @category bills
 */
export const tradeBill = Endpoint.toCall(TradeBill.endpoint)

/**
 * Asks for a day's fund flow bill of one account (申请资金账单, `GET /v3/bill/fundflowbill`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Bill } from "@effect-wechatpay/bill"
 *
 * const saved = Bill.fundFlowBill({ bill_date: "2026-12-05", account_type: "BASIC" }).pipe(
 *   Effect.flatMap((file) => Bill.downloadToFile(file, "bills/fundflow-2026-12-05.csv"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category bills
 */
export const fundFlowBill = Endpoint.toCall(FundFlowBill.endpoint)

/**
 * The bill's bytes as they arrive (inflated when `options.gzip`), digested as they go: the stream fails at its end
 * with `DownloadError` `DigestMismatch` when they are not the bill WeChat named, so act on them only once it ended.
 * See `Download.stream` for the limits and timeouts.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Bill } from "@effect-wechatpay/bill"
 *
 * const size = Bill.tradeBill({ bill_date: "2026-12-05", tar_type: "GZIP" }).pipe(
 *   Effect.flatMap((file) => Stream.runFold(Bill.download(file, { gzip: true }), 0, (n, chunk) => n + chunk.length))
 * )
 * ```
 *
 * @since 0.1.0
 * @category downloads
 */
export const download = (
  bill: Download.FileMetadata,
  options?: Download.Options
): Stream.Stream<Uint8Array, Download.DownloadError, WeChatPayClient.WeChatPayClient> => Download.stream(bill, options)

/**
 * Writes the bill to `path` only once its digest matched (a temporary file beside it is renamed into place, or
 * removed); gives the bytes written (inflated) and the path. See `Download.toFile`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Bill } from "@effect-wechatpay/bill"
 *
 * const saved = Bill.tradeBill({ bill_date: "2026-12-05", tar_type: "GZIP" }).pipe(
 *   Effect.flatMap((file) => Bill.downloadToFile(file, "bills/2026-12-05.csv", { gzip: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category downloads
 */
export const downloadToFile = (
  bill: Download.FileMetadata,
  path: string,
  options?: Download.Options
): Effect.Effect<
  { readonly bytes: number; readonly path: string },
  Download.DownloadError,
  WeChatPayClient.WeChatPayClient
> => Download.toFile(bill, path, options)

/**
 * The downloaded bill decoded as `layout` says: its rows as they arrive, then its summary as the last element
 * (`BillRows.isSummary`). The digest is checked at the end like {@link download}'s, so act on the rows only once the
 * stream ended. A line that does not fit fails with `BillFormatError` — but only after the rest of the file was read
 * and its digest matched: a corrupted or truncated download fails as `DownloadError` (`DigestMismatch`), not as the
 * format error its corruption caused.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Bill, BillRows } from "@effect-wechatpay/bill"
 *
 * const paid = Bill.tradeBill({ bill_date: "2026-12-05", bill_type: "SUCCESS" }).pipe(
 *   Effect.flatMap((file) =>
 *     Bill.rows(file, BillRows.tradeSuccess).pipe(
 *       Stream.runFold(0, (sum, entry) => BillRows.isRow(entry) ? sum + entry.total_amount : sum)
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category downloads
 */
export const rows = <Row, Summary>(
  bill: Download.FileMetadata,
  layout: BillRows.Layout<Row, Summary>,
  options?: Download.Options
): Stream.Stream<
  Row | Summary,
  Download.DownloadError | BillRows.BillFormatError,
  WeChatPayClient.WeChatPayClient
> =>
  Decode.decode(layout.columns, layout.summaryColumns, true)(Download.stream(bill, options)) as Stream.Stream<
    Row | Summary,
    Download.DownloadError | BillRows.BillFormatError,
    WeChatPayClient.WeChatPayClient
  >

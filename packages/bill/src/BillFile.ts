/**
 * What both bill calls answer: the bill's file, named by a signed, verified metadata answer (`hash_type`,
 * `hash_value`, `download_url`), the shape `Download` reads.
 *
 * Source: WeChat's pages 申请交易账单 and 申请资金账单 (`GET /v3/bill/tradebill`, `GET /v3/bill/fundflowbill`),
 * 应答参数: `hash_type` (`SHA1`), `hash_value` (the digest of the bill as WeChat made it: for `tar_type=GZIP`, of the
 * **inflated** bytes, "原始账单(gzip需要解压缩)的摘要值"), `download_url` (string(2048), valid 30 seconds on the trade
 * page, 5 minutes on the fund page).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The answer of `tradeBill` and `fundFlowBill`. All three fields are required by both pages. `hash_type` stays a
 * string: WeChat documents only `SHA1`, and `Download` refuses (before sending anything) a type it cannot check.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BillFile } from "@effect-wechatpay/bill"
 *
 * const file = Schema.decodeUnknownSync(BillFile.BillFile)({
 *   hash_type: "SHA1",
 *   hash_value: "79bb0f45fc4c42234a918000b2668d689e2bde04",
 *   download_url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=xxx"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BillFile = Schema.Struct({
  /** `SHA1` for bills. */
  hash_type: Schema.String,
  /** The digest in hex, of the inflated bill when it was asked for gzip. */
  hash_value: Schema.String,
  /** Where WeChat serves the file, on the API host; valid seconds to minutes: download it right away. */
  download_url: Schema.String
}).annotations({ identifier: "BillFile" })

/**
 * A bill's file, as the program holds it: a `Download.FileMetadata`.
 *
 * @example
 * ```ts
 * import type { Download } from "@effect-wechatpay/core"
 * import type { BillFile } from "@effect-wechatpay/bill"
 *
 * const metadata = (file: BillFile.BillFile): Download.FileMetadata => file
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BillFile = typeof BillFile.Type

/**
 * A bill date, `yyyy-MM-dd` (both pages: `bill_date` string(10), "格式yyyy-MM-DD, 仅支持三个月内的账单下载申请"). Only the
 * shape is checked here; WeChat refuses a date outside its three-month window with its own error.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BillFile } from "@effect-wechatpay/bill"
 *
 * Schema.is(BillFile.BillDate)("2026-12-05") // true
 * Schema.is(BillFile.BillDate)("20261205") // false
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BillDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/, {
    message: () => "must be a date as yyyy-MM-dd"
  })
).annotations({ identifier: "BillDate" })

/**
 * `tar_type`: `GZIP` asks for the file gzipped (both pages); absent, it comes uncompressed. Download a gzipped bill
 * with `{ gzip: true }`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BillFile } from "@effect-wechatpay/bill"
 *
 * Schema.is(BillFile.TarType)("GZIP") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TarType = Schema.Literal("GZIP")

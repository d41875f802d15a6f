/**
 * 申请交易账单: `GET /v3/bill/tradebill?bill_date=…&sub_mchid=…&bill_type=…&tar_type=…` — the day's trade bill's file
 * (`ALL`, `SUCCESS` or `REFUND`), named by its digest and a short-lived `download_url`.
 *
 * Source: WeChat's pages 申请交易账单 (merchant: `bill_date`, `bill_type`, `tar_type`) and 申请所有/单个子商户交易账单
 * (partner: adds `sub_mchid` string(12), "不填则返回服务商下所有子商户的全量账单"); `bill_type` defaults to `ALL`.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import * as BillError from "./BillError.js"
import * as BillFile from "./BillFile.js"

/**
 * Which trade bill: `ALL` (payments and refunds), `SUCCESS` (payments), `REFUND` (refunds); WeChat's default is
 * `ALL`. Each has its own columns (see `BillRows`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TradeBill } from "@effect-wechatpay/bill"
 *
 * Schema.is(TradeBill.BillType)("REFUND") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BillType = Schema.Literal("ALL", "SUCCESS", "REFUND")

/**
 * A trade bill's type.
 *
 * @example
 * ```ts
 * import type { TradeBill } from "@effect-wechatpay/bill"
 *
 * const type: TradeBill.BillType = "SUCCESS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BillType = typeof BillType.Type

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { TradeBill } from "@effect-wechatpay/bill"
 *
 * const request: TradeBill.TradeBillRequest = { bill_date: "2026-12-05", bill_type: "ALL", tar_type: "GZIP" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TradeBillRequest = Schema.Struct({
  bill_date: BillFile.BillDate,
  /** A partner's sub-merchant (string(12) on the partner page); absent, all its sub-merchants. */
  sub_mchid: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(12))),
  bill_type: Schema.optional(BillType),
  tar_type: Schema.optional(BillFile.TarType)
}).annotations({ identifier: "TradeBillRequest" })

/**
 * The request's type.
 *
 * @example
 * ```ts
 * import type { TradeBill } from "@effect-wechatpay/bill"
 *
 * const yesterday = (bill_date: string): TradeBill.TradeBillRequest => ({ bill_date })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TradeBillRequest = typeof TradeBillRequest.Type

/**
 * The call, declared: every field is a query parameter, sent in WeChat's order, each only when present.
 *
 * @example
 * ```ts
 * import { TradeBill } from "@effect-wechatpay/bill"
 *
 * TradeBill.endpoint.path // "/v3/bill/tradebill"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "Bill.tradeBill",
  method: "GET",
  path: "/v3/bill/tradebill",
  query: ["bill_date", "sub_mchid", "bill_type", "tar_type"],
  request: TradeBillRequest,
  response: BillFile.BillFile,
  annotate: ["bill_date", "sub_mchid", "bill_type", "tar_type"],
  // Beyond Endpoint.commonErrors: the bill codes of 申请交易账单 (see BillError for the source).
  errors: [BillError.NoStatementExist, BillError.StatementCreating]
})

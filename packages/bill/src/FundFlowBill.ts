/**
 * 申请资金账单: `GET /v3/bill/fundflowbill?bill_date=…&account_type=…&tar_type=…` — the day's fund flow bill of one
 * of the merchant's accounts, named by its digest and a short-lived `download_url`.
 *
 * Source: WeChat's page 申请资金账单 (`bill_date`; `account_type` `BASIC` 基本账户, `OPERATION` 运营账户, `FEES`
 * 手续费账户, default `BASIC`; `tar_type` `GZIP`). The page's `ALL` value is only for platforms downloading their
 * sub-merchants' bills, another call, so it is not accepted here.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import * as BillError from "./BillError.js"
import * as BillFile from "./BillFile.js"

/**
 * Which account's flow: `BASIC`, `OPERATION` or `FEES` (WeChat's default `BASIC`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { FundFlowBill } from "@effect-wechatpay/bill"
 *
 * Schema.is(FundFlowBill.AccountType)("FEES") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccountType = Schema.Literal("BASIC", "OPERATION", "FEES")

/**
 * An account type.
 *
 * @example
 * ```ts
 * import type { FundFlowBill } from "@effect-wechatpay/bill"
 *
 * const account: FundFlowBill.AccountType = "OPERATION"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AccountType = typeof AccountType.Type

/**
 * The request.
 *
 * @example
 * ```ts
 * import type { FundFlowBill } from "@effect-wechatpay/bill"
 *
 * const request: FundFlowBill.FundFlowBillRequest = { bill_date: "2026-12-05", account_type: "BASIC" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const FundFlowBillRequest = Schema.Struct({
  bill_date: BillFile.BillDate,
  account_type: Schema.optional(AccountType),
  tar_type: Schema.optional(BillFile.TarType)
}).annotations({ identifier: "FundFlowBillRequest" })

/**
 * The request's type.
 *
 * @example
 * ```ts
 * import type { FundFlowBill } from "@effect-wechatpay/bill"
 *
 * const fees = (bill_date: string): FundFlowBill.FundFlowBillRequest => ({ bill_date, account_type: "FEES" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FundFlowBillRequest = typeof FundFlowBillRequest.Type

/**
 * The call, declared: every field is a query parameter, each only when present.
 *
 * @example
 * ```ts
 * import { FundFlowBill } from "@effect-wechatpay/bill"
 *
 * FundFlowBill.endpoint.path // "/v3/bill/fundflowbill"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "Bill.fundFlowBill",
  method: "GET",
  path: "/v3/bill/fundflowbill",
  query: ["bill_date", "account_type", "tar_type"],
  request: FundFlowBillRequest,
  response: BillFile.BillFile,
  annotate: ["bill_date", "account_type", "tar_type"],
  // Beyond Endpoint.commonErrors: the bill codes of 申请资金账单 (see BillError for the source).
  errors: [BillError.NoStatementExist, BillError.StatementCreating]
})

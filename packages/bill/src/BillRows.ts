/**
 * WeChat's bills as typed rows. A bill is CSV-like: a header line naming the columns, one line per row with each
 * value prefixed by a backquote (`` `2026-12-05 10:00:00,`wx…,`1900000001 ``), then a summary header and one summary
 * line. Real bills may start with a BOM, end lines with CRLF and print counts as `45.0`; all are accepted.
 *
 * Decoding is header-driven: the columns may come in any order (WeChat's own advice: "请根据返回文件中第一行表头的列名顺序
 * 获取明细字段"), every documented column of the layout must be present, and a column this SDK does not know is kept in
 * `extra` under its header name. Amounts are numbers in yuan, as WeChat prints them; counts whole numbers; text
 * verbatim (`费率` stays `"0.60%"`). A line that does not fit fails the stream with `BillFormatError` and its line
 * number. It is incremental: chunks cut anywhere, constant memory.
 *
 * Source: WeChat's 交易账单详细说明 (`bill-download/format-trade`: the ALL, SUCCESS and REFUND headers and their
 * summary headers) and 资金账单详细说明 (`bill-download/format-fundflow`), which the pages 申请交易账单 and 申请资金账单
 * link to; the BOM and `45.0` counts from the bill fixture of wechatpay-php and wechatpay-axios-plugin
 * (`tests/fixtures/bill.ALL.csv`, parsed by the plugin's `Formatter.castCsvBill`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Decode from "./internal/decode.js"
import { amount, count, layoutOf, text } from "./internal/layout.js"

/**
 * A bill that does not read as its layout says: `line` (1-based, blank lines counted) and `reason`. It never
 * carries the line's values, which name people and orders.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const count: Effect.Effect<number, BillRows.BillFormatError>
 * const logged = count.pipe(Effect.tapError((e) => Effect.logError(`bill line ${e.line}: ${e.reason}`)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const BillFormatError = Decode.BillFormatError

/**
 * The error's type.
 *
 * @example
 * ```ts
 * import type { BillRows } from "@effect-wechatpay/bill"
 *
 * const where = (e: BillRows.BillFormatError) => e.line
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type BillFormatError = Decode.BillFormatError

/**
 * How a column's text is read: `text` verbatim, `amount` a decimal number of yuan, `count` a whole number (printed
 * `45` or `45.0`).
 *
 * @example
 * ```ts
 * import type { BillRows } from "@effect-wechatpay/bill"
 *
 * const kind: BillRows.ColumnKind = "amount"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ColumnKind = "text" | "amount" | "count"

type Kind = ColumnKind

/**
 * A bill's layout: its row and summary schemas (the decoded values' types, each with `_tag` `"Row"` or
 * `"Summary"` and an optional `extra` for unknown columns) and the documented columns they come from.
 *
 * @example
 * ```ts
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * const names = <R, S>(layout: BillRows.Layout<R, S>) => layout.columns.map((column) => column.name)
 * names(BillRows.fundFlow)[0] // "记账时间"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Layout<Row, Summary> {
  readonly name: string
  readonly row: Schema.Schema<Row, Row>
  readonly summary: Schema.Schema<Summary, Summary>
  readonly columns: ReadonlyArray<{ readonly key: string; readonly name: string; readonly kind: Kind }>
  readonly summaryColumns: ReadonlyArray<{ readonly key: string; readonly name: string; readonly kind: Kind }>
}

// The columns every trade bill has, in WeChat's order (format-trade, 明细数据表头).
const tradeColumns = {
  trade_time: text("交易时间"),
  appid: text("公众账号ID"),
  mchid: text("商户号"),
  /** `0` when the trade is not a partner's. */
  sub_mchid: text("特约商户号"),
  device_info: text("设备号"),
  transaction_id: text("微信订单号"),
  out_trade_no: text("商户订单号"),
  openid: text("用户标识"),
  trade_type: text("交易类型"),
  /** `SUCCESS` for a payment, `REFUND` for a refund (`REVOKED` in older bills). */
  trade_state: text("交易状态"),
  bank_type: text("付款银行"),
  currency: text("货币种类"),
  settlement_total_amount: amount("应结订单金额"),
  coupon_amount: amount("代金券金额")
} as const
const refund = {
  refund_id: text("微信退款单号"),
  out_refund_no: text("商户退款单号"),
  refund_amount: amount("退款金额"),
  recharge_coupon_refund_amount: amount("充值券退款金额"),
  refund_type: text("退款类型"),
  refund_status: text("退款状态")
} as const
const goods = {
  description: text("商品名称"),
  attach: text("商户数据包"),
  /** Negative on a refund: the fee given back. Printed with five decimals (`0.05940`). */
  fee: amount("手续费"),
  /** As printed: `0.60%`. */
  fee_rate: text("费率"),
  total_amount: amount("订单金额")
} as const
const tradeSummary = {
  total_count: count("总交易单数"),
  settlement_total_amount: amount("应结订单总金额"),
  refund_amount: amount("退款总金额"),
  recharge_coupon_refund_amount: amount("充值券退款总金额"),
  fee: amount("手续费总金额"),
  total_amount: amount("订单总金额"),
  refund_requested_amount: amount("申请退款总金额")
} as const

/**
 * The `ALL` trade bill: payments and refunds (27 columns; summary of 7).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const bytes: Stream.Stream<Uint8Array>
 * const refunds = BillRows.rows(BillRows.tradeAll)(bytes).pipe(Stream.filter((row) => row.trade_state === "REFUND"))
 * ```
 *
 * @since 0.1.0
 * @category layouts
 */
export const tradeAll = layoutOf("TradeAll", {
  ...tradeColumns,
  ...refund,
  ...goods,
  refund_requested_amount: amount("申请退款金额"),
  fee_rate_note: text("费率备注")
}, tradeSummary)

/**
 * The `SUCCESS` trade bill: payments only (20 columns; summary of 4: count, settlement, fee, order total).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const bill: Uint8Array
 * const total = BillRows.collect(BillRows.tradeSuccess)(bill).pipe(Effect.map(({ summary }) => summary.total_amount))
 * ```
 *
 * @since 0.1.0
 * @category layouts
 */
export const tradeSuccess = layoutOf("TradeSuccess", {
  ...tradeColumns,
  ...goods,
  fee_rate_note: text("费率备注")
}, {
  total_count: count("总交易单数"),
  settlement_total_amount: amount("应结订单总金额"),
  fee: amount("手续费总金额"),
  total_amount: amount("订单总金额")
})

/**
 * The `REFUND` trade bill: refunds only, with when each was asked for and when it succeeded (29 columns).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const bytes: Stream.Stream<Uint8Array>
 * const ids = BillRows.rows(BillRows.tradeRefund)(bytes).pipe(Stream.map((row) => row.out_refund_no))
 * ```
 *
 * @since 0.1.0
 * @category layouts
 */
export const tradeRefund = layoutOf("TradeRefund", {
  ...tradeColumns,
  refund_apply_time: text("退款申请时间"),
  refund_success_time: text("退款成功时间"),
  ...refund,
  ...goods,
  refund_requested_amount: amount("申请退款金额"),
  fee_rate_note: text("费率备注")
}, tradeSummary)

/**
 * The fund flow bill of one account (11 columns; summary of 5).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const bytes: Stream.Stream<Uint8Array>
 * const out = BillRows.rows(BillRows.fundFlow)(bytes).pipe(Stream.filter((row) => row.direction === "支出"))
 * ```
 *
 * @since 0.1.0
 * @category layouts
 */
export const fundFlow = layoutOf("FundFlow", {
  accounting_time: text("记账时间"),
  business_no: text("微信支付业务单号"),
  flow_no: text("资金流水单号"),
  business_name: text("业务名称"),
  business_type: text("业务类型"),
  /** `收入` (in) or `支出` (out). */
  direction: text("收支类型"),
  amount: amount("收支金额(元)"),
  balance: amount("账户结余(元)"),
  applicant: text("资金变更提交申请人"),
  remark: text("备注"),
  voucher_no: text("业务凭证号")
}, {
  total_count: count("资金流水总笔数"),
  income_count: count("收入笔数"),
  income_amount: amount("收入金额"),
  expense_count: count("支出笔数"),
  expense_amount: amount("支出金额")
})

/**
 * The trade layouts by `bill_type`, to read the bill a `tradeBill` call asked for.
 *
 * @example
 * ```ts
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * BillRows.trade["REFUND"] === BillRows.tradeRefund // true
 * ```
 *
 * @since 0.1.0
 * @category layouts
 */
export const trade = { ALL: tradeAll, SUCCESS: tradeSuccess, REFUND: tradeRefund } as const

/**
 * A layout's row type.
 *
 * @example
 * ```ts
 * import type { BillRows } from "@effect-wechatpay/bill"
 *
 * type Payment = BillRows.RowOf<typeof BillRows.tradeSuccess>
 * const yuan = (row: Payment) => row.total_amount
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RowOf<L> = L extends Layout<infer Row, infer _> ? Row : never

/**
 * A layout's summary type.
 *
 * @example
 * ```ts
 * import type { BillRows } from "@effect-wechatpay/bill"
 *
 * type Totals = BillRows.SummaryOf<typeof BillRows.fundFlow>
 * const net = (s: Totals) => s.income_amount - s.expense_amount
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SummaryOf<L> = L extends Layout<infer _, infer Summary> ? Summary : never

/**
 * Decodes a bill's bytes (chunks cut anywhere) into its rows, then its summary as the last element. Fails with
 * `BillFormatError` at the first line that does not fit, and when the bill ends before its summary.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const bytes: Stream.Stream<Uint8Array>
 * const summary = BillRows.decode(BillRows.fundFlow)(bytes).pipe(Stream.filter(BillRows.isSummary), Stream.runHead)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode =
  <Row, Summary>(layout: Layout<Row, Summary>) =>
  <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Row | Summary, E | BillFormatError, R> =>
    Decode.decode(layout.columns, layout.summaryColumns, false)(bytes) as Stream.Stream<
      Row | Summary,
      E | BillFormatError,
      R
    >

/**
 * Whether a decoded element is the summary.
 *
 * @example
 * ```ts
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * BillRows.isSummary({ _tag: "Summary" }) // true
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const isSummary = <A extends { readonly _tag: string }>(
  entry: A
): entry is Extract<A, { readonly _tag: "Summary" }> => entry._tag === "Summary"

/**
 * Whether a decoded element is a row.
 *
 * @example
 * ```ts
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * BillRows.isRow({ _tag: "Row" }) // true
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const isRow = <A extends { readonly _tag: string }>(entry: A): entry is Extract<A, { readonly _tag: "Row" }> =>
  entry._tag === "Row"

/**
 * The rows only; the summary is still required (a bill without one fails), then left out.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const bytes: Stream.Stream<Uint8Array>
 * const count = BillRows.rows(BillRows.tradeAll)(bytes).pipe(Stream.runCount)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const rows =
  <Row extends { readonly _tag: "Row" }, Summary>(layout: Layout<Row, Summary>) =>
  <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Row, E | BillFormatError, R> =>
    Stream.filter(decode(layout)(bytes), (entry): entry is Row => (entry as { _tag: string })._tag === "Row")

/**
 * A whole bill in memory (bytes, or a stream of them) as its rows and summary; for small bills and tests — a big
 * one is better read with {@link decode}, row by row.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BillRows } from "@effect-wechatpay/bill"
 *
 * declare const file: Uint8Array
 * const check = BillRows.collect(BillRows.fundFlow)(file).pipe(
 *   Effect.map(({ rows, summary }) => rows.length === summary.total_count)
 * )
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const collect = <Row, Summary>(layout: Layout<Row, Summary>) =>
<E = never, R = never>(
  bytes: Uint8Array | Stream.Stream<Uint8Array, E, R>
): Effect.Effect<{ readonly rows: ReadonlyArray<Row>; readonly summary: Summary }, E | BillFormatError, R> =>
  Stream.runFold(
    decode(layout)(bytes instanceof Uint8Array ? Stream.make(bytes) : bytes),
    { rows: [] as Array<Row>, summary: undefined as Summary | undefined },
    (acc, entry) => {
      if ((entry as { _tag: string })._tag === "Summary") acc.summary = entry as Summary
      else acc.rows.push(entry as Row)
      return acc
    }
  ).pipe(Effect.map(({ rows, summary }) => ({ rows, summary: summary! })))

/**
 * The codes WeChat documents for the bill calls beyond the ones every call may answer (`Endpoint.commonErrors`),
 * as classes of their own, so `Bill.tradeBill` and `Bill.fundFlowBill` list them in their error channels.
 *
 * Source: the error table shared by 申请交易账单, 申请资金账单 and 下载账单
 * (https://pay.weixin.qq.com/wiki/doc/apiv3/wxpay/pay/bill/chapter3_1.shtml) and WeChat's FAQ on bills
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013071254).
 *
 * @since 0.1.0
 */
import { WeChatPayError } from "@effect-wechatpay/core"

/**
 * `NO_STATEMENT_EXIST` (HTTP 400, 账单文件不存在): no bill for that date — the merchant had no trade or refund that
 * day. Not worth retrying.
 *
 * @example
 * ```ts
 * import { Bill } from "@effect-wechatpay/bill"
 * import { Effect } from "effect"
 *
 * const bill = Bill.tradeBill({ bill_date: "2026-12-01" }).pipe(
 *   Effect.catchTag("NO_STATEMENT_EXIST", () => Effect.succeed(undefined))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NoStatementExist extends WeChatPayError.codeError<NoStatementExist>()("NO_STATEMENT_EXIST", false) {}

/**
 * `STATEMENT_CREATING` (HTTP 400, 账单生成中): the bill is still being made. WeChat's FAQ: ask again after 10:00
 * Beijing time the next day, then every half hour until it is there or `NO_STATEMENT_EXIST` answers. The SDK does
 * not retry it within a call (the wait is hours): schedule the next try yourself.
 *
 * @example
 * ```ts
 * import { Bill } from "@effect-wechatpay/bill"
 * import { Effect, Schedule } from "effect"
 *
 * const bill = Bill.fundFlowBill({ bill_date: "2026-12-01" }).pipe(
 *   Effect.retry({ schedule: Schedule.spaced("30 minutes"), while: (e) => e._tag === "STATEMENT_CREATING" })
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class StatementCreating extends WeChatPayError.codeError<StatementCreating>()("STATEMENT_CREATING", false) {}

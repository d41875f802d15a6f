/**
 * WeChat Pay bills (交易账单, 资金账单) for Effect: the calls, digest-checked downloads and typed rows.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Bill from "./Bill.js"

/** @since 0.1.0 */
export * as BillError from "./BillError.js"

/** @since 0.1.0 */
export * as BillFile from "./BillFile.js"

/** @since 0.1.0 */
export * as BillRows from "./BillRows.js"

/** @since 0.1.0 */
export * as FundFlowBill from "./FundFlowBill.js"

/** @since 0.1.0 */
export * as TradeBill from "./TradeBill.js"

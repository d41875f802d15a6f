// Bills built from WeChat's documented columns (交易账单详细说明 / 资金账单详细说明), with made-up values: the header
// line bare, each value of a row and of the summary line prefixed with a backquote, as WeChat writes them.

export const ALL_HEADER =
  "交易时间|公众账号ID|商户号|特约商户号|设备号|微信订单号|商户订单号|用户标识|交易类型|交易状态|付款银行|货币种类|应结订单金额|代金券金额|微信退款单号|商户退款单号|退款金额|充值券退款金额|退款类型|退款状态|商品名称|商户数据包|手续费|费率|订单金额|申请退款金额|费率备注"
    .split("|")
export const SUCCESS_HEADER =
  "交易时间|公众账号ID|商户号|特约商户号|设备号|微信订单号|商户订单号|用户标识|交易类型|交易状态|付款银行|货币种类|应结订单金额|代金券金额|商品名称|商户数据包|手续费|费率|订单金额|费率备注"
    .split("|")
export const REFUND_HEADER =
  "交易时间|公众账号ID|商户号|特约商户号|设备号|微信订单号|商户订单号|用户标识|交易类型|交易状态|付款银行|货币种类|应结订单金额|代金券金额|退款申请时间|退款成功时间|微信退款单号|商户退款单号|退款金额|充值券退款金额|退款类型|退款状态|商品名称|商户数据包|手续费|费率|订单金额|申请退款金额|费率备注"
    .split("|")
export const TRADE_SUMMARY_HEADER =
  "总交易单数|应结订单总金额|退款总金额|充值券退款总金额|手续费总金额|订单总金额|申请退款总金额".split("|")
export const SUCCESS_SUMMARY_HEADER = "总交易单数|应结订单总金额|手续费总金额|订单总金额".split("|")
export const FUND_HEADER =
  "记账时间|微信支付业务单号|资金流水单号|业务名称|业务类型|收支类型|收支金额(元)|账户结余(元)|资金变更提交申请人|备注|业务凭证号"
    .split("|")
export const FUND_SUMMARY_HEADER = "资金流水总笔数|收入笔数|收入金额|支出笔数|支出金额".split("|")

export const ALL_PAYMENT =
  "2026-12-05 10:00:00|wxd678efh567hg6787|1900000001|0||4200000001202612050000000001|订单-0001|oUpF8uMuAJO_M2pxb1Q9zNjWeS6o|JSAPI|SUCCESS|OTHERS|CNY|88.00|0.00|0|0|0.00|0.00|||微工卡月结, 杭州||0.52800|0.60%|88.00|0.00|"
    .split("|")
export const ALL_REFUND =
  "2026-12-05 11:30:00|wxd678efh567hg6787|1900000001|0||4200000001202612050000000001|订单-0001|oUpF8uMuAJO_M2pxb1Q9zNjWeS6o|JSAPI|REFUND|OTHERS|CNY|0.00|0.00|50300000012026120500000001|退款-0001|8.00|0.00|ORIGINAL|SUCCESS|微工卡月结, 杭州||-0.04800|0.60%|0.00|8.00|"
    .split("|")
export const ALL_SUMMARY = "2|80.00|8.00|0.00|0.48000|88.00|8.00".split("|")

export const SUCCESS_ROW =
  "2026-12-05 10:00:00|wxd678efh567hg6787|1900000001|0||4200000001202612050000000001|订单-0001|oUpF8uMuAJO_M2pxb1Q9zNjWeS6o|JSAPI|SUCCESS|OTHERS|CNY|88.00|0.00|午餐套餐|座位12|0.52800|0.60%|88.00|"
    .split("|")
export const SUCCESS_SUMMARY = "1|88.00|0.52800|88.00".split("|")

export const REFUND_ROW =
  "2026-12-05 11:30:00|wxd678efh567hg6787|1900000001|0||4200000001202612050000000001|订单-0001|oUpF8uMuAJO_M2pxb1Q9zNjWeS6o|JSAPI|REFUND|OTHERS|CNY|0.00|0.00|2026-12-05 11:30:00|2026-12-05 11:30:05|50300000012026120500000001|退款-0001|8.00|0.00|ORIGINAL|SUCCESS|午餐套餐||-0.04800|0.60%|0.00|8.00|"
    .split("|")
export const REFUND_SUMMARY = "1|0.00|8.00|0.00|-0.04800|0.00|8.00".split("|")

export const FUND_ROWS = [
  "2026-12-05 04:21:23|50000305742026120503387128253|1900009231202612015884652186|退款|退款|支出|8.00|1000.00|system|缺货, 已退|REF4200000068202612053084726067"
    .split("|"),
  "2026-12-05 09:00:00|4200000001202612050000000001|1900009231202612015884652187|交易|交易|收入|88.00|1088.00|1900000001API||订单-0001"
    .split("|")
]
export const FUND_SUMMARY = "2.0|1.0|88.00|1.0|8.00".split("|")

/** A bill's text: the bare header, the backquoted rows, the bare summary header, the backquoted summary. */
export const billText = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  summaryHeader: ReadonlyArray<string>,
  summary: ReadonlyArray<string>,
  eol = "\n"
) =>
  [
    header.join(","),
    ...rows.map((row) => row.map((value) => "`" + value).join(",")),
    summaryHeader.join(","),
    summary.map((value) => "`" + value).join(",")
  ].join(eol) + eol

export const bytesOf = (text: string) => new TextEncoder().encode(text)

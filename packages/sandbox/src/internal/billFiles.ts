/**
 * The simulator's bill files, generated line by line: a trade bill (交易账单, by `bill_type`) and a fund flow bill
 * (资金账单, by `account_type`), in WeChat's documented format. Each is a header line, the rows with every value
 * prefixed with a backquote (下载账单: "明细数据中每一个字段前都加入了`字符"), then a summary header and one summary
 * line. The columns are those of WeChat's bill samples (ALL / SUCCESS / REFUND, 资金账单) as wechatpay-go's and
 * WxJava's bill fixtures print them: headers without backquotes, fees with five decimals, CRLF line ends.
 *
 * A bill is a pure function of what it is built from (a date, a type, the merchant, a number of rows, the payments
 * of the day), so the digest computed when its metadata is asked for matches the bytes served later. Lines are
 * produced lazily and packed into chunks of about 64 KiB: a bill of any size is generated in constant memory.
 *
 * @internal
 */
import * as NodeCrypto from "node:crypto"

/** The trade bill types the simulator serves (申请交易账单: ALL, SUCCESS, REFUND). */
export type TradeBillType = "ALL" | "SUCCESS" | "REFUND"

/** The fund accounts (申请资金账单: BASIC, OPERATION, FEES). */
export type AccountType = "BASIC" | "OPERATION" | "FEES"

const COMMON = [
  "交易时间",
  "公众账号ID",
  "商户号",
  "特约商户号",
  "设备号",
  "微信订单号",
  "商户订单号",
  "用户标识",
  "交易类型",
  "交易状态",
  "付款银行",
  "货币种类",
  "应结订单金额",
  "代金券金额"
]

/**
 * The detail columns of each trade bill type.
 *
 * @internal
 */
export const TRADE_COLUMNS: Readonly<Record<TradeBillType, ReadonlyArray<string>>> = {
  ALL: [
    ...COMMON,
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注"
  ],
  SUCCESS: [...COMMON, "商品名称", "商户数据包", "手续费", "费率", "订单金额", "费率备注"],
  REFUND: [
    ...COMMON,
    "退款申请时间",
    "退款成功时间",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注"
  ]
}

/**
 * The trade bill's summary columns (the same for every type).
 *
 * @internal
 */
export const TRADE_SUMMARY = [
  "总交易单数",
  "应结订单总金额",
  "退款总金额",
  "充值券退款总金额",
  "手续费总金额",
  "订单总金额",
  "申请退款总金额"
]

/**
 * The fund flow bill's detail and summary columns.
 *
 * @internal
 */
export const FUND_COLUMNS = [
  "记账时间",
  "微信支付业务单号",
  "资金流水单号",
  "业务名称",
  "业务类型",
  "收支类型",
  "收支金额(元)",
  "账户结余(元)",
  "资金变更提交申请人",
  "备注",
  "业务凭证号"
]

/** @internal */
export const FUND_SUMMARY = ["资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"]

const EOL = "\r\n"
/** Bills are dated and timed in Beijing time, UTC+8. */
export const BEIJING = 8 * 3_600_000
const CHUNK_BYTES = 64 * 1024

const quoted = (values: ReadonlyArray<string>): string => values.map((value) => `\`${value}`).join(",") + EOL

/** Yuan with two decimals, from fen. */
const yuan = (fen: number): string =>
  `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`

/** Fees as WeChat prints them: yuan with five decimals (`0.00000`). */
const fee = (fen: number): string => `${yuan(fen)}000`

// A small deterministic hash (FNV-1a, then a multiply-xorshift), so that a row depends on its date and index only.
const seedOf = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash >>> 0
}
const mix = (seed: number, index: number): number => {
  let x = Math.imul(seed ^ index, 0x9e3779b1)
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b)
  return (x ^ (x >>> 13)) >>> 0
}

const compact = (date: string) => date.replaceAll("-", "")
const clock = (seconds: number) =>
  [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, "0"))
    .join(":")

/**
 * What a trade bill is built from.
 *
 * @internal
 */
export interface TradeBill {
  readonly kind: "trade"
  readonly date: string
  readonly billType: TradeBillType
  readonly mchid: string
  readonly subMchid: string | undefined
  /** How many trades the day had (the bill lists those of its type). */
  readonly trades: number
}

/**
 * One payment out of the account: a payroll transfer the simulator paid that day.
 *
 * @internal
 */
export interface Payout {
  readonly time: number
  readonly detailId: string
  readonly outDetailNo: string
  readonly amount: number
}

/**
 * What a fund flow bill is built from.
 *
 * @internal
 */
export interface FundFlowBill {
  readonly kind: "fundflow"
  readonly date: string
  readonly accountType: AccountType
  readonly mchid: string
  readonly payouts: ReadonlyArray<Payout>
}

/**
 * A bill to generate.
 *
 * @internal
 */
export type Bill = TradeBill | FundFlowBill

/**
 * How many trades a day has before `extra`: 3 to 5, by its date.
 *
 * @internal
 */
export const tradesOn = (date: string, extra: number): number => 3 + (seedOf(date) % 3) + extra

function* tradeLines(bill: TradeBill): Generator<string> {
  const columns = TRADE_COLUMNS[bill.billType]
  yield columns.join(",") + EOL
  const seed = seedOf(`${bill.mchid}/${bill.date}`)
  const day = compact(bill.date)
  let count = 0
  let settled = 0
  let refunded = 0
  let fees = 0
  let ordered = 0
  for (let i = 0; i < bill.trades; i++) {
    const h = mix(seed, i)
    // One trade in seven was refunded the same day.
    const refund = i % 7 === 6
    if ((bill.billType === "SUCCESS" && refund) || (bill.billType === "REFUND" && !refund)) continue
    const amount = 1 + (h % 99_999)
    const seconds = Math.floor((i * 86_400) / bill.trades)
    const rate = Math.round(amount * 0.006)
    const serial = String(i).padStart(10, "0")
    const base = [
      `${bill.date} ${clock(seconds)}`,
      `wx${(h % 0xffffffff).toString(16).padStart(8, "0")}sandbox1`,
      bill.mchid,
      bill.subMchid ?? "1900000109",
      "",
      `4200${day}${serial}${String(h % 1_000_000).padStart(6, "0")}`,
      `SB${day}${serial}`,
      `oSandbox${(h >>> 4).toString(36).padStart(20, "0")}`,
      "JSAPI",
      refund ? "REFUND" : "SUCCESS",
      "OTHERS",
      "CNY",
      yuan(refund ? 0 : amount),
      "0.00"
    ]
    const refundIds = [`5030${day}${serial}${String(h % 100_000).padStart(5, "0")}`, `RF${day}${serial}`]
    const tail = ["沙箱商品", `批次${i % 10}`, fee(refund ? -rate : rate), "0.60%", yuan(refund ? 0 : amount)]
    count++
    if (refund) {
      refunded += amount
      fees -= rate
    } else {
      settled += amount
      ordered += amount
      fees += rate
    }
    switch (bill.billType) {
      case "ALL":
        yield quoted([
          ...base,
          ...(refund ? refundIds : ["0", "0"]),
          yuan(refund ? amount : 0),
          "0.00",
          refund ? "ORIGINAL" : "",
          refund ? "SUCCESS" : "",
          ...tail,
          yuan(refund ? amount : 0),
          ""
        ])
        break
      case "SUCCESS":
        yield quoted([...base, ...tail, ""])
        break
      case "REFUND":
        yield quoted([
          ...base,
          `${bill.date} ${clock(seconds)}`,
          `${bill.date} ${clock(Math.min(86_399, seconds + 4))}`,
          ...refundIds,
          yuan(amount),
          "0.00",
          "ORIGINAL",
          "SUCCESS",
          ...tail,
          yuan(amount),
          ""
        ])
    }
  }
  yield TRADE_SUMMARY.join(",") + EOL
  yield quoted([String(count), yuan(settled), yuan(refunded), "0.00", fee(fees), yuan(ordered), yuan(refunded)])
}

function* fundFlowLines(bill: FundFlowBill): Generator<string> {
  yield FUND_COLUMNS.join(",") + EOL
  const day = compact(bill.date)
  const seed = seedOf(`${bill.mchid}/${bill.date}/${bill.accountType}`)
  // The basic account starts the day with a deterministic income (the day's settled trades), then pays the day's
  // payroll transfers out of it; the other accounts had no movement.
  const opening = 10_000_000 + (seed % 1_000_000)
  let balance = 0
  let incomes = 0
  let income = 0
  let expenses = 0
  let expense = 0
  if (bill.accountType === "BASIC") {
    balance = opening
    incomes = 1
    income = opening
    yield quoted([
      `${bill.date} 09:00:00`,
      `4200${day}${String(seed % 1e10).padStart(10, "0")}`,
      `${day}${String(seed).padStart(10, "0")}01`,
      "交易",
      "交易结算",
      "收入",
      yuan(opening),
      yuan(balance),
      `${bill.mchid}API`,
      "沙箱结算",
      `S${day}0001`
    ])
  }
  if (bill.accountType === "BASIC") {
    for (const [i, payout] of bill.payouts.entries()) {
      balance -= payout.amount
      expenses++
      expense += payout.amount
      yield quoted([
        `${bill.date} ${clock(Math.floor(((payout.time + BEIJING) % 86_400_000) / 1000))}`,
        payout.detailId,
        `${day}${String(mix(seed, i) % 1e10).padStart(10, "0")}${String(i).padStart(4, "0")}`,
        "商家转账",
        "企业付款",
        "支出",
        yuan(payout.amount),
        yuan(balance),
        `${bill.mchid}API`,
        `转账 ${payout.outDetailNo}`,
        payout.outDetailNo
      ])
    }
  }
  yield FUND_SUMMARY.join(",") + EOL
  yield quoted([String(incomes + expenses), String(incomes), yuan(income), String(expenses), yuan(expense)])
}

/**
 * The bill's lines, in order.
 *
 * @internal
 */
export const lines = (bill: Bill): Iterable<string> => bill.kind === "trade" ? tradeLines(bill) : fundFlowLines(bill)

/**
 * The bill's bytes in chunks of about 64 KiB, generated as they are pulled.
 *
 * @internal
 */
export function* chunks(bill: Bill): Generator<Uint8Array> {
  let pending: Array<string> = []
  let size = 0
  for (const line of lines(bill)) {
    pending.push(line)
    size += line.length * 3
    if (size >= CHUNK_BYTES) {
      yield Buffer.from(pending.join(""), "utf8")
      pending = []
      size = 0
    }
  }
  if (pending.length > 0) yield Buffer.from(pending.join(""), "utf8")
}

/**
 * The SHA1 of the bill's bytes (uncompressed, as 申请交易账单's `hash_value` is), in lower-case hex, and its size.
 *
 * @internal
 */
export const digestOf = (bill: Bill): { readonly sha1: string; readonly bytes: number } => {
  const hash = NodeCrypto.createHash("sha1")
  let bytes = 0
  for (const chunk of chunks(bill)) {
    hash.update(chunk)
    bytes += chunk.length
  }
  return { sha1: hash.digest("hex"), bytes }
}

/**
 * The chunks with the byte at `offset` changed (a fault): the rest passes as it is.
 *
 * @internal
 */
export function* corrupted(source: Iterable<Uint8Array>, offset: number): Generator<Uint8Array> {
  let seen = 0
  for (const chunk of source) {
    if (offset >= seen && offset < seen + chunk.length) {
      const copy = Buffer.from(chunk)
      copy[offset - seen] ^= 0x01
      yield copy
    } else {
      yield chunk
    }
    seen += chunk.length
  }
}

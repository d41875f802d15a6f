/**
 * Bills (下载账单) and the download of their files:
 *
 * - `GET /v3/bill/tradebill?bill_date&sub_mchid?&bill_type?&tar_type?` (申请交易账单) and
 *   `GET /v3/bill/fundflowbill?bill_date&account_type?&tar_type?` (申请资金账单) answer, signed,
 *   `{ hash_type: "SHA1", hash_value, download_url }`. `bill_date` is `yyyy-MM-dd` ("仅支持三个月内的账单下载申请"),
 *   a Beijing day before today (WeChat generates a day's bill the next morning): another day is 400
 *   `INVALID_REQUEST` ("请检查bill_date"), a malformed one 400 `PARAM_ERROR`. `bill_type` is `ALL` (default),
 *   `SUCCESS` or `REFUND`; `account_type` `BASIC` (default), `OPERATION` or `FEES`; `tar_type` only `GZIP`.
 * - The `download_url` is on the host the request came to, `/v3/billdownload/file?token=…`, valid 30 seconds
 *   ("账单文件的下载地址的有效时间为30s", 下载账单). The download is a signed GET like any request, answered with the
 *   file's bytes, unsigned, gzip-compressed when the bill was asked for with `tar_type=GZIP`; `hash_value` is the
 *   SHA1 of the uncompressed file ("原始账单(gzip需要解压缩)的摘要值"). An expired or unknown token is 400
 *   `INVALID_REQUEST` (下载账单's error table: fetch the bill's address again).
 * - The file is generated (`billFiles.ts`), deterministic from the date, the merchant and the simulator's state: the
 *   trade bill has a few trades a day (plus `Simulator.Options.billRows`), the basic account's fund flow lists the
 *   payroll transfers the simulator paid that day. It is streamed, never built whole.
 * - Faults a test can queue: `WrongDigest` on the metadata routes, `CorruptDownload` and `Truncate` on the download.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as BillFiles from "./billFiles.js"
import * as crypto from "./crypto.js"
import type { Context, Handler, Route } from "./handler.js"
import * as Params from "./params.js"
import type { Problem } from "./problem.js"
import { origin } from "./receipts.js"
import * as Store from "./store.js"
import { Batches } from "./transferBatches.js"
import * as TransferQueries from "./transferQueries.js"

const TRADE_PATH = "/v3/bill/tradebill"
const FUND_PATH = "/v3/bill/fundflowbill"
/** 下载账单's example `download_url`. */
const FILE_PATH = "/v3/billdownload/file"

/** "账单文件的下载地址的有效时间为30s" (下载账单). */
const URL_LIFETIME_MILLIS = 30_000
/** "仅支持三个月内的账单下载申请" (申请交易账单, 申请资金账单). */
const WINDOW_MONTHS = 3
/** Where the corrupting fault changes a byte unless it says otherwise. */
const DEFAULT_CORRUPT_OFFSET = 100

/**
 * A download token: which bill, how it is served, until when.
 *
 * @internal
 */
export interface BillToken {
  readonly bill: BillFiles.Bill
  readonly gzip: boolean
  readonly expiresAt: number
}

/**
 * The tokens of bills' `download_url`s, each valid 30 seconds.
 *
 * @internal
 */
export const Tokens = Store.key(
  "billTokens",
  (limits) => new Store.BoundedMap<string, BillToken>(limits.batches),
  (entry, _, now) => entry.expiresAt <= now
)

const invalid = (message: string): Problem => ({ status: 400, code: "INVALID_REQUEST", message })

const DAY_MILLIS = 86_400_000

/** The Beijing day `months` calendar months before `date` (a shorter month clamps to its last day). */
const monthsBefore = (date: string, months: number): string => {
  const [year, month, day] = date.split("-").map(Number)
  const first = new Date(Date.UTC(year, month - 1 - months, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(day, last))
  return first.toISOString().slice(0, 10)
}

const billDate = (query: URLSearchParams, now: number): Either.Either<string, Problem> =>
  Either.flatMap(Params.required(query, "bill_date"), (date) => {
    if (!Params.isCalendarDate(date)) return Params.queryProblem("bill_date", date, "must be a date, yyyy-MM-dd")
    const today = Params.beijingDate(now)
    const latest = Params.beijingDate(now - DAY_MILLIS)
    const earliest = monthsBefore(today, WINDOW_MONTHS)
    return date < earliest || date > latest
      ? Either.left(invalid(`请检查bill_date: bills are kept for ${earliest} to ${latest} (three months, not today)`))
      : Either.right(date)
  })

const gzipOf = (query: URLSearchParams): Either.Either<boolean, Problem> =>
  Either.map(Params.oneOf(query, "tar_type", ["GZIP"], false), (tar) => tar === "GZIP")

// A corrupted digest keeps its shape (40 hex digits): only the value is wrong.
const wrong = (sha1: string): string => `${sha1[0] === "0" ? "1" : "0"}${sha1.slice(1)}`

const metadata = (context: Context, bill: BillFiles.Bill, gzip: boolean) => () => {
  const token = crypto.alphanumeric(64)
  context.state.store(Tokens).set(token, { bill, gzip, expiresAt: context.now + URL_LIFETIME_MILLIS })
  const { sha1 } = BillFiles.digestOf(bill)
  return JSON.stringify({
    hash_type: "SHA1",
    hash_value: context.fault?._tag === "WrongDigest" ? wrong(sha1) : sha1,
    download_url: `${origin(context)}${FILE_PATH}?token=${token}`
  })
}

const tradeBill: Handler = (context) =>
  Either.gen(function*() {
    const query = Params.queryOf(context.request.url)
    const date = yield* billDate(query, context.now)
    const subMchid = yield* Params.text("sub_mchid", query.get("sub_mchid"), {
      location: "query",
      required: false,
      // string(12) on 申请所有/单个子商户交易账单.
      pattern: { regexp: /^\d{1,12}$/, issue: "must be a merchant id, at most 12 digits" }
    })
    const billType = (yield* Params.oneOf(query, "bill_type", ["ALL", "SUCCESS", "REFUND"], false)) ?? "ALL"
    const gzip = yield* gzipOf(query)
    const bill: BillFiles.TradeBill = {
      kind: "trade",
      date,
      billType: billType as BillFiles.TradeBillType,
      mchid: context.settings.mchid,
      subMchid,
      trades: BillFiles.tradesOn(date, context.settings.billRows)
    }
    return metadata(context, bill, gzip)
  })

// The day's successful payroll payments, oldest batch first: what the basic account paid out that day.
const payoutsOn = (context: Context, date: string): Array<BillFiles.Payout> => {
  const payouts: Array<BillFiles.Payout> = []
  for (const batch of context.state.store(Batches).values()) {
    if (Params.beijingDate(batch.createdAt) !== date) continue
    const found = TransferQueries.findBatch(context, batch.request.out_batch_no)
    if (Either.isLeft(found)) continue
    for (const detail of batch.details) {
      if (TransferQueries.detailStatusIn(found.right, detail.out_detail_no, context) !== "SUCCESS") continue
      payouts.push({
        time: batch.createdAt,
        detailId: detail.detail_id,
        outDetailNo: detail.out_detail_no,
        amount: detail.transfer_amount
      })
    }
  }
  return payouts
}

const fundFlowBill: Handler = (context) =>
  Either.gen(function*() {
    const query = Params.queryOf(context.request.url)
    const date = yield* billDate(query, context.now)
    const accountType = (yield* Params.oneOf(query, "account_type", ["BASIC", "OPERATION", "FEES"], false)) ?? "BASIC"
    const gzip = yield* gzipOf(query)
    // The payments are read now, so the file served later is the one this digest names.
    const bill: BillFiles.FundFlowBill = {
      kind: "fundflow",
      date,
      accountType: accountType as BillFiles.AccountType,
      mchid: context.settings.mchid,
      payouts: payoutsOn(context, date)
    }
    return metadata(context, bill, gzip)
  })

const file: Handler = (context) =>
  Either.gen(function*() {
    const token = Params.queryOf(context.request.url).get("token") ?? ""
    const entry = context.state.store(Tokens).get(token)
    if (entry === undefined || context.now >= entry.expiresAt) {
      return yield* Either.left(
        invalid("下载链接过期,请重新请求文件下载: apply for the bill again for a fresh download_url")
      )
    }
    const { fault } = context
    const offset = fault?._tag === "CorruptDownload" ? fault.offset ?? DEFAULT_CORRUPT_OFFSET : undefined
    return () => ({
      status: 200,
      body: "",
      stream: {
        chunks: () =>
          offset === undefined
            ? BillFiles.chunks(entry.bill)
            : BillFiles.corrupted(BillFiles.chunks(entry.bill), offset),
        gzip: entry.gzip
      },
      headers: { "Content-Type": entry.gzip ? "application/octet-stream" : "text/plain; charset=utf-8" },
      unsigned: true
    })
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "GET", path: TRADE_PATH, handle: tradeBill },
  { method: "GET", path: FUND_PATH, handle: fundFlowBill },
  { method: "GET", path: FILE_PATH, handle: file }
]

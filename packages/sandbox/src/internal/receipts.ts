/**
 * Electronic receipts (电子回单) of the simulator's transfer batches, and the download of their files:
 *
 * - `POST /v3/transfer/bill-receipt` / `GET /v3/transfer/bill-receipt/{out_batch_no}`: a finished batch with at least
 *   one successful payment (else 400 `INVALID_REQUEST`, WeChat's page); `POST /v3/transfer-detail/electronic-receipts`
 *   / `GET …?accept_type&out_batch_no&out_detail_no`: a successful payment of a batch (`BATCH_TRANSFER`; else 400
 *   `PARAM_ERROR`). Applying is idempotent; a receipt is `ACCEPTED`, then `FINISHED` `receiptAfter` later on the
 *   simulator's `Clock`.
 * - A `FINISHED` receipt names its file: `hash_type` `SHA256`, `hash_value` (upper-case hex) and a `download_url` on
 *   the host the request came to, `/v3/transferdownload/signfile?token=…`, fresh on each query and valid 10 minutes
 *   ("URL有效时长为10分钟"). The download is a signed GET like any request, answered with the file's bytes, unsigned,
 *   as WeChat answers it; an expired or unknown token is 400 `INVALID_REQUEST`.
 * - The file is a stand-in, not a renderable PDF: `%PDF-1.4` and then text lines naming the receipt (signature
 *   number, batch, payment, amount, time), deterministic from the simulator's state.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as NodeCrypto from "node:crypto"
import * as Body from "./body.js"
import * as crypto from "./crypto.js"
import type { Context, Handler, Route } from "./handler.js"
import { requireJson } from "./handler.js"
import * as Params from "./params.js"
import type { Problem } from "./problem.js"
import * as Store from "./store.js"
import { Batches } from "./transferBatches.js"
import * as TransferQueries from "./transferQueries.js"

const BILL_PATH = "/v3/transfer/bill-receipt"
const DETAIL_PATH = "/v3/transfer-detail/electronic-receipts"
const FILE_PATH = "/v3/transferdownload/signfile"

/** "URL有效时长为10分钟" (下载电子回单). */
const URL_LIFETIME_MILLIS = 10 * 60_000
const ACCEPT_TYPES = ["BATCH_TRANSFER", "TRANSFER_TO_POCKET", "TRANSFER_TO_BANK"]

/**
 * An applied-for receipt.
 *
 * @internal
 */
export interface Receipt {
  readonly signatureNo: string
  readonly createdAt: number
  readonly outBatchNo: string
  /** Absent for a batch's receipt. */
  readonly outDetailNo?: string | undefined
}

/**
 * A download token: which receipt, until when.
 *
 * @internal
 */
export interface DownloadToken {
  readonly receipt: string
  readonly expiresAt: number
}

/**
 * Receipts applied for, by batch (and payment).
 *
 * @internal
 */
export const Receipts = Store.key("receipts", (limits) => new Store.BoundedMap<string, Receipt>(limits.batches))

/**
 * The tokens of receipts' `download_url`s, each valid 10 minutes.
 *
 * @internal
 */
export const Downloads = Store.key(
  "downloads",
  (limits) => new Store.BoundedMap<string, DownloadToken>(limits.batches),
  (entry, _, now) => entry.expiresAt <= now
)

const billKey = (outBatchNo: string) => `bill\n${outBatchNo}`
const detailKey = (outBatchNo: string, outDetailNo: string) => `detail\n${outBatchNo}\n${outDetailNo}`

const invalid = (message: string): Problem => ({ status: 400, code: "INVALID_REQUEST", message })
const notFound = (what: string): Problem => ({ status: 404, code: "NOT_FOUND", message: `记录不存在: ${what}` })

/**
 * The file's bytes (ASCII, so a string is its bytes).
 *
 * @internal
 */
export const fileOf = (receipt: Receipt, context: Context): string => {
  const batch = context.state.store(Batches).get(receipt.outBatchNo)
  const detail = batch?.details.find((d) => d.out_detail_no === receipt.outDetailNo)
  return [
    "%PDF-1.4",
    "% effect-wechatpay sandbox electronic receipt (a stand-in, not a renderable PDF)",
    `signature_no ${receipt.signatureNo}`,
    `mchid ${context.settings.mchid}`,
    `out_batch_no ${receipt.outBatchNo}`,
    `batch_id ${batch?.batchId ?? ""}`,
    ...(detail === undefined
      ? [`total_amount ${batch?.request.total_amount ?? 0}`]
      : [`out_detail_no ${detail.out_detail_no}`, `detail_id ${detail.detail_id}`, `amount ${detail.transfer_amount}`]),
    `create_time ${Params.rfc3339(receipt.createdAt)}`,
    "%%EOF",
    ""
  ].join("\n")
}

/**
 * The scheme and host a request came to, for a `download_url` on the sandbox's own host: the loopback server's
 * `Host`, or WeChat's host when there is none (the in-memory client, whose base URL is WeChat's).
 *
 * @internal
 */
export const origin = (context: Context): string => {
  const host = context.headers["host"]
  return host === undefined ? "https://api.mch.weixin.qq.com" : `http://${host}`
}

const render = (key: string, receipt: Receipt, context: Context, fields: Record<string, unknown>) => () => {
  const finished = context.now >= receipt.createdAt + context.settings.transferTimings.receiptAfter
  const file = finished ? fileOf(receipt, context) : ""
  const token = finished ? crypto.alphanumeric(32) : ""
  if (finished) {
    context.state.store(Downloads).set(token, { receipt: key, expiresAt: context.now + URL_LIFETIME_MILLIS })
  }
  return JSON.stringify({
    ...fields,
    signature_no: receipt.signatureNo,
    signature_status: finished ? "FINISHED" : "ACCEPTED",
    ...(finished
      ? {
        hash_type: "SHA256",
        hash_value: NodeCrypto.createHash("sha256").update(file, "utf8").digest("hex").toUpperCase(),
        download_url: `${origin(context)}${FILE_PATH}?token=${token}`
      }
      : {}),
    create_time: Params.rfc3339(receipt.createdAt),
    update_time: Params.rfc3339(
      finished ? receipt.createdAt + context.settings.transferTimings.receiptAfter : receipt.createdAt
    )
  })
}

const applied = (context: Context, key: string, outBatchNo: string, outDetailNo?: string): Receipt => {
  const existing = context.state.store(Receipts).get(key)
  if (existing !== undefined) return existing
  const receipt = { signatureNo: `1050000${crypto.digits(23)}`, createdAt: context.now, outBatchNo, outDetailNo }
  context.state.store(Receipts).set(key, receipt)
  return receipt
}

const applyBill: Handler = (context) =>
  Either.gen(function*() {
    yield* requireJson(context.headers)
    const fields = yield* Body.parseObject(context.request.body)
    const outBatchNo = (yield* Body.text(fields, "out_batch_no", { required: true }))!
    const found = yield* TransferQueries.findBatch(context, outBatchNo)
    const summary = TransferQueries.summaryOf(found, context)
    if (summary.status !== "FINISHED" || summary.successNum === 0) {
      return yield* Either.left(
        invalid(`batch ${outBatchNo} is ${summary.status}: a receipt needs a FINISHED batch with a successful payment`)
      )
    }
    const key = billKey(outBatchNo)
    return () => render(key, applied(context, key, outBatchNo), context, { out_batch_no: outBatchNo })()
  })

const getBill: Handler = (context) =>
  Either.gen(function*() {
    const outBatchNo = yield* Params.decodeSegment("out_batch_no", context.params.out_batch_no ?? "")
    const key = billKey(outBatchNo)
    const receipt = context.state.store(Receipts).get(key)
    if (receipt === undefined) return yield* Either.left(notFound(`out_batch_no ${outBatchNo}`))
    return render(key, receipt, context, { out_batch_no: outBatchNo })
  })

const detailFields = (
  read: (field: string) => Either.Either<string | undefined, Problem>,
  location: "body" | "query"
): Either.Either<{ readonly outBatchNo: string; readonly outDetailNo: string }, Problem> =>
  Either.gen(function*() {
    const acceptType = (yield* read("accept_type"))!
    if (!ACCEPT_TYPES.includes(acceptType)) {
      return yield* Either.left<Problem>({
        status: 400,
        code: "PARAM_ERROR",
        message: `accept_type must be one of ${ACCEPT_TYPES.join(", ")}`,
        detail: { field: "accept_type", value: acceptType, issue: "unknown", location }
      })
    }
    const outBatchNo = yield* read("out_batch_no")
    const outDetailNo = (yield* read("out_detail_no"))!
    if (acceptType !== "BATCH_TRANSFER" || outBatchNo === undefined) {
      return yield* Either.left<Problem>({
        status: 400,
        code: "PARAM_ERROR",
        message: "the simulator keeps receipts of batch transfers only: accept_type BATCH_TRANSFER with out_batch_no",
        detail: { field: "accept_type", value: acceptType, issue: "not a batch transfer", location }
      })
    }
    return { outBatchNo, outDetailNo }
  })

const detailAnswer = (context: Context, outBatchNo: string, outDetailNo: string, receipt: Receipt) =>
  render(detailKey(outBatchNo, outDetailNo), receipt, context, {
    accept_type: "BATCH_TRANSFER",
    out_batch_no: outBatchNo,
    out_detail_no: outDetailNo
  })

const applyDetail: Handler = (context) =>
  Either.gen(function*() {
    yield* requireJson(context.headers)
    const fields = yield* Body.parseObject(context.request.body)
    const { outBatchNo, outDetailNo } = yield* detailFields(
      (field) => Body.text(fields, field, { required: field !== "out_batch_no" }),
      "body"
    )
    const found = yield* TransferQueries.findBatch(context, outBatchNo)
    const status = TransferQueries.detailStatusIn(found, outDetailNo, context)
    if (status !== "SUCCESS") {
      return yield* Either.left<Problem>({
        status: 400,
        code: "PARAM_ERROR",
        message: `payment ${outDetailNo} is ${status ?? "unknown"}: a receipt needs a successful payment`,
        detail: { field: "out_detail_no", value: outDetailNo, issue: "not a finished payment", location: "body" }
      })
    }
    const key = detailKey(outBatchNo, outDetailNo)
    return () => detailAnswer(context, outBatchNo, outDetailNo, applied(context, key, outBatchNo, outDetailNo))()
  })

const getDetail: Handler = (context) =>
  Either.gen(function*() {
    const query = Params.queryOf(context.request.url)
    const { outBatchNo, outDetailNo } = yield* detailFields(
      (field) => Params.text(field, query.get(field), { location: "query", required: field !== "out_batch_no" }),
      "query"
    )
    const receipt = context.state.store(Receipts).get(detailKey(outBatchNo, outDetailNo))
    if (receipt === undefined) return yield* Either.left(notFound(`out_detail_no ${outDetailNo}`))
    return detailAnswer(context, outBatchNo, outDetailNo, receipt)
  })

const file: Handler = (context) =>
  Either.gen(function*() {
    const token = Params.queryOf(context.request.url).get("token") ?? ""
    const download = context.state.store(Downloads).get(token)
    const receipt = download === undefined ? undefined : context.state.store(Receipts).get(download.receipt)
    if (download === undefined || receipt === undefined || context.now >= download.expiresAt) {
      return yield* Either.left(invalid("download_url 已过期或无效: query the receipt again for a fresh one"))
    }
    return () => ({
      status: 200,
      body: fileOf(receipt, context),
      headers: { "Content-Type": "application/pdf" },
      unsigned: true
    })
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "POST", path: BILL_PATH, handle: applyBill },
  { method: "GET", path: `${BILL_PATH}/{out_batch_no}`, handle: getBill },
  { method: "POST", path: DETAIL_PATH, handle: applyDetail },
  { method: "GET", path: DETAIL_PATH, handle: getDetail },
  { method: "GET", path: FILE_PATH, handle: file }
]

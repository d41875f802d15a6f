/**
 * The work of `bill download` and `receipt download`, in a chunk of its own: ask WeChat for the file's metadata,
 * then `Bill.downloadToFile` / `PayrollCard.downloadReceiptToFile`, which write FILE only once the digest matched.
 * On a terminal, stderr shows the bytes received so far.
 *
 * @internal
 */
import { Bill } from "@effect-wechatpay/bill"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Connection from "./connection.js"
import { InputError } from "./input.js"
import * as Output from "./output.js"

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

/** How a download reports progress: `Download.Options.onProgress`. */
type Progress = { readonly onProgress?: (bytes: number) => Effect.Effect<void> }

/**
 * The bytes received so far, redrawn on one stderr line while the download runs — only when stderr is a terminal (a
 * script's log gets nothing). The figure comes from `Download.Options.onProgress` (the bytes written to the
 * temporary file, inflated); it is drawn every 100 ms, not on every chunk. Cleared before the result prints.
 */
export const withProgress = <A, E, R>(
  label: string,
  download: (progress: Progress) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  if (process.stderr.isTTY !== true) return download({})
  let received = 0
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
  let tick = 0
  const draw = Effect.sync(() => {
    process.stderr.write(`\r\x1b[2K${frames[tick++ % frames.length]} ${label}: ${kib(received)}`)
  })
  const clear = Effect.sync(() => process.stderr.write("\r\x1b[2K"))
  return Effect.raceFirst(
    download({ onProgress: (bytes) => Effect.sync(() => (received = bytes)) }),
    draw.pipe(Effect.repeat(Schedule.spaced("100 millis")), Effect.zipRight(Effect.never))
  ).pipe(Effect.ensuring(clear))
}

/** Downloads with progress, then prints what both download commands print: `{path, bytes, hash_type, hash_value}`. */
const saveAndPrint = <E, R>(
  label: string,
  file: { readonly hash_type?: string | undefined; readonly hash_value?: string | undefined },
  download: (progress: Progress) => Effect.Effect<{ readonly bytes: number; readonly path: string }, E, R>
) =>
  Effect.flatMap(
    withProgress(label, download),
    (saved) =>
      Output.print({ path: saved.path, bytes: saved.bytes, hash_type: file.hash_type, hash_value: file.hash_value })
  )

const checkDate = (date: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`))
    ? Effect.void
    : Effect.fail(new InputError({ message: `--date: expected YYYY-MM-DD, got ${JSON.stringify(date)}` }))

/** The parsed flags of `bill download`. */
export interface BillFlags extends Connection.Connection {
  readonly type: "trade" | "fundflow"
  readonly date: string
  readonly gzip: boolean
  readonly billType: Option.Option<"ALL" | "SUCCESS" | "REFUND">
  readonly accountType: Option.Option<"BASIC" | "OPERATION" | "FEES">
  readonly subMchid: Option.Option<string>
  readonly output: string
}

/** Asks for the bill, downloads it to `--output` (verified) and prints `{path, bytes, hash_type, hash_value}`. */
export const bill = (flags: BillFlags) =>
  Effect.gen(function*() {
    yield* checkDate(flags.date)
    const tar = flags.gzip ? { tar_type: "GZIP" as const } : {}
    const file = flags.type === "trade"
      ? yield* Bill.tradeBill({
        bill_date: flags.date,
        ...Option.match(flags.billType, { onNone: () => ({}), onSome: (bill_type) => ({ bill_type }) }),
        ...Option.match(flags.subMchid, { onNone: () => ({}), onSome: (sub_mchid) => ({ sub_mchid }) }),
        ...tar
      })
      : yield* Bill.fundFlowBill({
        bill_date: flags.date,
        ...Option.match(flags.accountType, { onNone: () => ({}), onSome: (account_type) => ({ account_type }) }),
        ...tar
      })
    yield* saveAndPrint(
      `${flags.type} bill ${flags.date}`,
      file,
      (progress) => Bill.downloadToFile(file, flags.output, { ...progress, gzip: flags.gzip })
    )
  }).pipe(Effect.provide(Connection.layer(flags)))

/** The parsed flags of `receipt download`. */
export interface ReceiptFlags extends Connection.Connection {
  readonly outBatchNo: string
  readonly outDetailNo: Option.Option<string>
  readonly acceptType: Option.Option<"BATCH_TRANSFER" | "TRANSFER_TO_POCKET" | "TRANSFER_TO_BANK">
  readonly output: string
}

/** Queries the receipt (a batch's, or one payment's), downloads its file to `--output` (verified), prints it. */
export const receipt = (flags: ReceiptFlags) =>
  Effect.gen(function*() {
    if (Option.isNone(flags.outDetailNo) && Option.isSome(flags.acceptType)) {
      return yield* new InputError({ message: "--accept-type: only with --out-detail-no (one payment's receipt)" })
    }
    const found = Option.isSome(flags.outDetailNo)
      ? yield* PayrollCard.getDetailReceipt({
        accept_type: Option.getOrElse(flags.acceptType, () => "BATCH_TRANSFER" as const),
        out_batch_no: flags.outBatchNo,
        out_detail_no: flags.outDetailNo.value
      })
      : yield* PayrollCard.getBillReceipt({ out_batch_no: flags.outBatchNo })
    yield* saveAndPrint(
      `receipt ${flags.outBatchNo}`,
      found,
      (progress) => PayrollCard.downloadReceiptToFile(found, flags.output, progress)
    )
  }).pipe(Effect.provide(Connection.layer(flags)))

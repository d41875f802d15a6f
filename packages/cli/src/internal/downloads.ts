/**
 * `wechatpay bill download` and `wechatpay receipt download`: a file WeChat names by URL and digest, written only
 * once the digest matched. Their flags are here; their work lives in `downloadRun.ts`, loaded only when they run.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Connection from "./connection.js"

const output = Options.file("output").pipe(
  Options.withDescription("where to write the file: only once its digest matched (nothing there otherwise)")
)

/** `wechatpay bill download --type trade|fundflow --date YYYY-MM-DD [--gzip] --output FILE` */
export const bill = Command.make("bill").pipe(
  Command.withDescription("bills (账单)"),
  Command.withSubcommands([
    Command.make(
      "download",
      {
        type: Options.choice("type", ["trade", "fundflow"]).pipe(
          Options.withDescription(
            "trade: 交易账单 (GET /v3/bill/tradebill); fundflow: 资金账单 (GET /v3/bill/fundflowbill)"
          )
        ),
        date: Options.text("date").pipe(Options.withDescription("the bill's day, YYYY-MM-DD")),
        gzip: Options.boolean("gzip").pipe(
          Options.withDescription("ask for the gzipped file (less to transfer); written inflated, digest checked")
        ),
        billType: Options.choice("bill-type", ["ALL", "SUCCESS", "REFUND"]).pipe(
          Options.withDescription("trade: which orders (default ALL)"),
          Options.optional
        ),
        accountType: Options.choice("account-type", ["BASIC", "OPERATION", "FEES"]).pipe(
          Options.withDescription("fundflow: which account (default BASIC)"),
          Options.optional
        ),
        subMchid: Options.text("sub-mchid").pipe(
          Options.withDescription("trade: a sub-merchant's bill (service provider)"),
          Options.optional
        ),
        output,
        ...Connection.options
      },
      (parsed): Effect.Effect<void, unknown> =>
        Effect.flatMap(Effect.promise(() => import("./downloadRun.js")), (module) => module.bill(parsed))
    ).pipe(Command.withDescription("download a day's bill to FILE, its digest checked; print what was written"))
  ])
)

/** `wechatpay receipt download --out-batch-no NO [--out-detail-no NO --accept-type T] --output FILE` */
export const receipt = Command.make("receipt").pipe(
  Command.withDescription("electronic receipts (电子回单) of payroll-card transfers"),
  Command.withSubcommands([
    Command.make(
      "download",
      {
        outBatchNo: Options.text("out-batch-no").pipe(Options.withDescription("the batch's out_batch_no")),
        outDetailNo: Options.text("out-detail-no").pipe(
          Options.withDescription("one payment's receipt (default: the batch's)"),
          Options.optional
        ),
        acceptType: Options.choice("accept-type", ["BATCH_TRANSFER", "TRANSFER_TO_POCKET", "TRANSFER_TO_BANK"]).pipe(
          Options.withDescription("with --out-detail-no: the payment's kind (default BATCH_TRANSFER)"),
          Options.optional
        ),
        output,
        ...Connection.options
      },
      (parsed): Effect.Effect<void, unknown> =>
        Effect.flatMap(Effect.promise(() => import("./downloadRun.js")), (module) => module.receipt(parsed))
    ).pipe(
      Command.withDescription(
        "download a FINISHED receipt (GET /v3/transfer/bill-receipt/… or /v3/transfer-detail/electronic-receipts) to FILE"
      )
    )
  ])
)

import { Bill, BillRows } from "@effect-wechatpay/bill"
import { WeChatPayClient } from "@effect-wechatpay/core"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Schema, Stream, TestClock } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

// End to end: Bill's calls, download and row decoding against the sandbox's bill routes, through the real signing,
// verification and digest check, in memory and over a loopback socket.

/** 2026-12-06 12:00 in Beijing. */
const NOON = Date.UTC(2026, 11, 6, 4)
const YESTERDAY = "2026-12-05"

const collect = <A, E>(stream: Stream.Stream<A, E, WeChatPayClient.WeChatPayClient>) =>
  Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

interface TradeRow {
  readonly _tag: "Row"
  readonly description: string
  readonly trade_time: string
  readonly trade_state: string
  readonly settlement_total_amount: number
}
interface TradeSummary {
  readonly _tag: "Summary"
  readonly total_count: number
  readonly settlement_total_amount: number
}

const cents = (yuan: number) => Math.round(yuan * 100)

// One bill type over three days (so that one has a refund): rows of the type, Chinese text, a summary that adds up.
const checkTrade = <R extends TradeRow, S extends TradeSummary>(
  billType: "ALL" | "SUCCESS" | "REFUND",
  layout: BillRows.Layout<R, S>
) =>
  Effect.gen(function*() {
    for (const bill_date of ["2026-12-01", "2026-12-02", "2026-12-03"]) {
      const file = yield* Bill.tradeBill({ bill_date, bill_type: billType, tar_type: "GZIP" })
      const entries = yield* collect(Bill.rows(file, layout, { gzip: true }))
      const rows = entries.filter((entry): entry is R => entry._tag === "Row")
      const summary = entries.at(-1)!
      assert.isTrue(summary._tag === "Summary")
      if (summary._tag === "Row") continue
      assert.strictEqual(summary.total_count, rows.length)
      for (const row of rows) {
        assert.strictEqual(row.description, "沙箱商品")
        assert.isTrue(row.trade_time.startsWith(bill_date))
        if (billType !== "ALL") assert.strictEqual(row.trade_state, billType)
      }
      const settled = rows.reduce((sum, row) => sum + cents(row.settlement_total_amount), 0)
      assert.strictEqual(cents(summary.settlement_total_amount), settled)
    }
  })

// A payroll batch through the raw client: the fund flow bill lists its successful payments.
const transferBatch = (outBatchNo: string) =>
  Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
    client.execute(
      {
        method: "POST",
        path: "/v3/payroll-card/transfer-batches",
        body: JSON.stringify({
          sub_mchid: "1900000109",
          sub_appid: "wxa1111111111111",
          authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
          out_batch_no: outBatchNo,
          batch_name: "工资",
          batch_remark: "十一月工资",
          total_amount: 350,
          total_num: 2,
          transfer_detail_list: [
            { out_detail_no: `${outBatchNo}a`, transfer_amount: 150, transfer_remark: "工资", openid: "o0" },
            { out_detail_no: `${outBatchNo}b`, transfer_amount: 200, transfer_remark: "工资", openid: "o1" }
          ]
        })
      },
      Schema.Unknown
    ))

describe("Bill against the sandbox", () => {
  it.layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect("a trade bill of each type decodes: rows, Chinese text, a summary that adds up", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* checkTrade("ALL", BillRows.tradeAll)
        yield* checkTrade("SUCCESS", BillRows.tradeSuccess)
        yield* checkTrade("REFUND", BillRows.tradeRefund)
      }))

    it.effect("the fund flow bill: the day's payroll payments, to a file and as rows", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON - 86_400_000)
        yield* transferBatch("billE2E01")
        yield* TestClock.setTime(NOON)
        const file = yield* Bill.fundFlowBill({ bill_date: YESTERDAY })
        const entries = yield* collect(Bill.rows(file, BillRows.fundFlow))
        const out = entries.filter(BillRows.isRow).filter((row) => row.direction === "支出")
        assert.deepStrictEqual(out.map((row) => [row.voucher_no, row.amount]), [["billE2E01a", 1.5], ["billE2E01b", 2]])
        const summary = entries.at(-1)!
        assert.isTrue(BillRows.isSummary(summary) && summary.expense_count === 2 && summary.expense_amount === 3.5)

        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "bill-e2e-"))
        const again = yield* Bill.fundFlowBill({ bill_date: YESTERDAY, tar_type: "GZIP" })
        const saved = yield* Bill.downloadToFile(again, Path.join(dir, "fund.csv"), { gzip: true })
        const bytes = Fs.readFileSync(saved.path)
        assert.strictEqual(Crypto.createHash("sha1").update(bytes).digest("hex"), again.hash_value)
        Fs.rmSync(dir, { recursive: true, force: true })
      }))

    it.effect("a corrupted download fails as DownloadError DigestMismatch, not as the format error it caused", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        // Byte 0 is the header's first: corrupted, the header no longer reads, yet the digest is what is reported.
        yield* Simulator.inject(Simulator.Fault.CorruptDownload({ offset: 0 }), { path: "/v3/billdownload/file" })
        const file = yield* Bill.tradeBill({ bill_date: YESTERDAY })
        const error = yield* Effect.flip(collect(Bill.rows(file, BillRows.tradeAll)))
        assert.strictEqual(error._tag, "DownloadError")
        assert.strictEqual(error._tag === "DownloadError" ? error.reason : "", "DigestMismatch")
      }))
  })

  it.effect("over a loopback socket: Bill.rows of a gzip trade bill", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOON)
      const file = yield* Bill.tradeBill({ bill_date: YESTERDAY, tar_type: "GZIP" })
      const entries = yield* collect(Bill.rows(file, BillRows.tradeAll, { gzip: true }))
      const summary = entries.at(-1)!
      assert.isTrue(BillRows.isSummary(summary))
      assert.strictEqual(BillRows.isSummary(summary) ? summary.total_count : -1, entries.length - 1)
    }).pipe(
      Effect.provide(Sandbox.layerServer({ retry: false }).pipe(Layer.provide(NodeHttpClient.layerUndici))),
      Effect.scoped
    ), { timeout: 30_000 })
})

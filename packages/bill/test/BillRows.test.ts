import { BillRows } from "@effect-wechatpay/bill"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Schema, Stream } from "effect"
import * as B from "./bills.js"

const failureOf = <A>(effect: Effect.Effect<A, BillRows.BillFormatError>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    if (Exit.isSuccess(exit)) return assert.fail("the bill decoded")
    const error = Cause.squash(exit.cause)
    assert.instanceOf(error, BillRows.BillFormatError, Cause.pretty(exit.cause))
    return error as BillRows.BillFormatError
  })

describe("BillRows", () => {
  it.effect("decodes an ALL trade bill: a payment and its refund, Chinese text, amounts in yuan, the summary", () =>
    Effect.gen(function*() {
      const text = B.billText(B.ALL_HEADER, [B.ALL_PAYMENT, B.ALL_REFUND], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY)
      const { rows, summary } = yield* BillRows.collect(BillRows.tradeAll)(B.bytesOf(text))
      assert.strictEqual(rows.length, 2)
      const [payment, refund] = rows
      assert.strictEqual(payment!._tag, "Row")
      assert.strictEqual(payment!.trade_time, "2026-12-05 10:00:00")
      assert.strictEqual(payment!.out_trade_no, "订单-0001")
      assert.strictEqual(payment!.description, "微工卡月结, 杭州")
      assert.strictEqual(payment!.trade_state, "SUCCESS")
      assert.strictEqual(payment!.settlement_total_amount, 88)
      assert.strictEqual(payment!.fee, 0.528)
      assert.strictEqual(payment!.fee_rate, "0.60%")
      assert.strictEqual(payment!.device_info, "")
      assert.isUndefined(payment!.extra)
      assert.strictEqual(refund!.trade_state, "REFUND")
      assert.strictEqual(refund!.out_refund_no, "退款-0001")
      assert.strictEqual(refund!.refund_amount, 8)
      assert.strictEqual(refund!.fee, -0.048)
      assert.deepStrictEqual(summary, {
        _tag: "Summary",
        total_count: 2,
        settlement_total_amount: 80,
        refund_amount: 8,
        recharge_coupon_refund_amount: 0,
        fee: 0.48,
        total_amount: 88,
        refund_requested_amount: 8
      })
      for (const row of rows) assert.isTrue(Schema.is(BillRows.tradeAll.row)(row))
      assert.isTrue(Schema.is(BillRows.tradeAll.summary)(summary))
    }))

  it.effect("decodes a SUCCESS trade bill and its four-column summary", () =>
    Effect.gen(function*() {
      const text = B.billText(B.SUCCESS_HEADER, [B.SUCCESS_ROW], B.SUCCESS_SUMMARY_HEADER, B.SUCCESS_SUMMARY)
      const { rows, summary } = yield* BillRows.collect(BillRows.tradeSuccess)(B.bytesOf(text))
      assert.strictEqual(rows[0]!.description, "午餐套餐")
      assert.strictEqual(rows[0]!.attach, "座位12")
      assert.strictEqual(rows[0]!.total_amount, 88)
      assert.deepStrictEqual(summary, {
        _tag: "Summary",
        total_count: 1,
        settlement_total_amount: 88,
        fee: 0.528,
        total_amount: 88
      })
      assert.isTrue(Schema.is(BillRows.tradeSuccess.row)(rows[0]))
    }))

  it.effect("decodes a REFUND trade bill with its request and success times", () =>
    Effect.gen(function*() {
      const text = B.billText(B.REFUND_HEADER, [B.REFUND_ROW], B.TRADE_SUMMARY_HEADER, B.REFUND_SUMMARY)
      const { rows, summary } = yield* BillRows.collect(BillRows.trade.REFUND)(B.bytesOf(text))
      assert.strictEqual(rows[0]!.refund_apply_time, "2026-12-05 11:30:00")
      assert.strictEqual(rows[0]!.refund_success_time, "2026-12-05 11:30:05")
      assert.strictEqual(rows[0]!.refund_requested_amount, 8)
      assert.strictEqual(rows[0]!.refund_status, "SUCCESS")
      assert.strictEqual(summary.fee, -0.048)
      assert.isTrue(Schema.is(BillRows.tradeRefund.row)(rows[0]))
    }))

  it.effect("decodes a fund flow bill: 收入/支出, a remark with a comma, counts printed 2.0", () =>
    Effect.gen(function*() {
      const text = B.billText(B.FUND_HEADER, B.FUND_ROWS, B.FUND_SUMMARY_HEADER, B.FUND_SUMMARY)
      const { rows, summary } = yield* BillRows.collect(BillRows.fundFlow)(B.bytesOf(text))
      assert.deepStrictEqual(rows[0], {
        _tag: "Row",
        accounting_time: "2026-12-05 04:21:23",
        business_no: "50000305742026120503387128253",
        flow_no: "1900009231202612015884652186",
        business_name: "退款",
        business_type: "退款",
        direction: "支出",
        amount: 8,
        balance: 1000,
        applicant: "system",
        remark: "缺货, 已退",
        voucher_no: "REF4200000068202612053084726067"
      })
      assert.strictEqual(rows[1]!.direction, "收入")
      assert.deepStrictEqual(summary, {
        _tag: "Summary",
        total_count: 2,
        income_count: 1,
        income_amount: 88,
        expense_count: 1,
        expense_amount: 8
      })
    }))

  it.effect("accepts a BOM, CRLF line ends, counts printed 45.0, a backquoted header, full-width (元)", () =>
    Effect.gen(function*() {
      const header = B.FUND_HEADER.map((name) => "`" + name.replace("(元)", "（元）"))
      const text = "\ufeff" + B.billText(header, B.FUND_ROWS, B.FUND_SUMMARY_HEADER, B.FUND_SUMMARY, "\r\n")
      const { rows, summary } = yield* BillRows.collect(BillRows.fundFlow)(B.bytesOf(text))
      assert.strictEqual(rows.length, 2)
      assert.strictEqual(rows[0]!.accounting_time, "2026-12-05 04:21:23")
      assert.strictEqual(rows[1]!.voucher_no, "订单-0001")
      assert.strictEqual(summary.total_count, 2)
      const trade = "\ufeff" +
        B.billText(B.ALL_HEADER, [B.ALL_PAYMENT], B.TRADE_SUMMARY_HEADER, [
          "45.0",
          "0.47",
          "0.14",
          "0.0",
          "0.08",
          "0.47",
          "0.14"
        ], "\r\n")
      const all = yield* BillRows.collect(BillRows.tradeAll)(B.bytesOf(trade))
      assert.strictEqual(all.summary.total_count, 45)
      assert.strictEqual(all.summary.recharge_coupon_refund_amount, 0)
      assert.strictEqual(all.rows[0]!.trade_time, "2026-12-05 10:00:00")
    }))

  it.effect("is header-driven: reordered columns decode, an unknown column is kept in extra", () =>
    Effect.gen(function*() {
      const order = [...B.FUND_HEADER.keys()].reverse()
      const header = [...order.map((i) => B.FUND_HEADER[i]!), "新增列"]
      const rows = B.FUND_ROWS.map((row) => [...order.map((i) => row[i]!), "额外值"])
      const text = B.billText(header, rows, B.FUND_SUMMARY_HEADER, B.FUND_SUMMARY)
      const decoded = yield* BillRows.collect(BillRows.fundFlow)(B.bytesOf(text))
      assert.strictEqual(decoded.rows[0]!.remark, "缺货, 已退")
      assert.strictEqual(decoded.rows[0]!.amount, 8)
      assert.deepStrictEqual(decoded.rows[0]!.extra, { 新增列: "额外值" })
      assert.isTrue(Schema.is(BillRows.fundFlow.row)(decoded.rows[0]))
    }))

  it.effect("a malformed line fails with its line number, never its values", () =>
    Effect.gen(function*() {
      const bad = [...B.ALL_PAYMENT]
      bad[12] = "88,00"
      const short = B.ALL_PAYMENT.slice(0, 20)
      const cases: Array<[string, number, RegExp]> = [
        [
          B.billText(B.ALL_HEADER, [B.ALL_PAYMENT, B.ALL_REFUND, bad], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY),
          4,
          /应结订单金额/
        ],
        [
          B.billText(B.ALL_HEADER, [B.ALL_PAYMENT, short], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY),
          3,
          /expected 27 values, found 20/
        ],
        [B.billText(B.ALL_HEADER.slice(1), [], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY), 1, /交易时间/],
        [
          B.billText(B.ALL_HEADER, [B.ALL_PAYMENT], B.TRADE_SUMMARY_HEADER, ["2.5", ...B.ALL_SUMMARY.slice(1)]),
          4,
          /count/
        ],
        [
          B.billText(B.ALL_HEADER, [B.ALL_PAYMENT], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY) + "`extra\n",
          5,
          /after the summary/
        ],
        [B.billText(B.ALL_HEADER, [B.ALL_PAYMENT], [], []).replace(/\n\n\n$/, "\n"), 3, /without its summary/],
        ["", 1, /empty/]
      ]
      for (const [text, line, reason] of cases) {
        const error = yield* failureOf(BillRows.collect(BillRows.tradeAll)(B.bytesOf(text)))
        assert.strictEqual(error.line, line, error.message)
        assert.match(error.reason, reason)
        assert.notInclude(error.message, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
      }
    }))

  it.effect("chunks cut anywhere (inside a character, between CR and LF) decode the same", () =>
    Effect.gen(function*() {
      const text = "\ufeff" +
        B.billText(B.ALL_HEADER, [B.ALL_PAYMENT, B.ALL_REFUND], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY, "\r\n")
      const bytes = B.bytesOf(text)
      const whole = yield* Stream.runCollect(BillRows.decode(BillRows.tradeAll)(Stream.make(bytes)))
      assert.strictEqual(Chunk.size(whole), 3)
      for (let cut = 0; cut <= bytes.length; cut++) {
        const split = Stream.make(bytes.subarray(0, cut), bytes.subarray(cut))
        const decoded = yield* Stream.runCollect(BillRows.decode(BillRows.tradeAll)(split))
        assert.strictEqual(
          JSON.stringify(Chunk.toArray(decoded)),
          JSON.stringify(Chunk.toArray(whole)),
          `cut at ${cut}`
        )
      }
      // One byte a chunk, each its own pull.
      const drip = Stream.fromIterable(Array.from(bytes, (byte) => Uint8Array.of(byte))).pipe(Stream.rechunk(1))
      const dripped = yield* Stream.runCollect(BillRows.decode(BillRows.tradeAll)(drip))
      assert.deepStrictEqual(Chunk.toArray(dripped), Chunk.toArray(whole))
    }))

  it.effect("invalid UTF-8 fails with the line it is on", () =>
    Effect.gen(function*() {
      const text = B.billText(B.ALL_HEADER, [B.ALL_PAYMENT], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY)
      const bytes = B.bytesOf(text)
      const at = bytes.indexOf(0x0a) + 5
      const broken = Uint8Array.from(bytes)
      broken[at] = 0xff
      const error = yield* failureOf(BillRows.collect(BillRows.tradeAll)(broken))
      assert.strictEqual(error.line, 2)
      assert.match(error.reason, /UTF-8/)
    }))
})

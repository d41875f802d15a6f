import { Download, WeChatPayClient } from "@effect-wechatpay/core"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema, TestClock } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Sandbox from "../src/Sandbox.js"
import * as SandboxServer from "../src/SandboxServer.js"
import * as Simulator from "../src/Simulator.js"

// Bills through the SDK's real signing and verification and core's digest-checked Download, against the simulator
// in memory (TestClock) and on a loopback socket (real time).

/** 2026-12-06 12:00 in Beijing. */
const NOON = Date.UTC(2026, 11, 6, 4)
const YESTERDAY = "2026-12-05"

const Metadata = Schema.Struct({ hash_type: Schema.String, hash_value: Schema.String, download_url: Schema.String })

const apply = (path: string) =>
  Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) => client.execute({ method: "GET", path }, Metadata))

const tempDir = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-bills-"))
const sha1 = (bytes: Buffer) => Crypto.createHash("sha1").update(bytes).digest("hex")
const linesOf = (text: string) => text.split("\r\n").slice(0, -1)

const ALL_HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态," +
  "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称," +
  "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
const SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
const FUND_HEADER =
  "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号"

/** Downloads `metadata` to a fresh directory: the bytes written, and what the directory then holds. */
const saved = (metadata: Download.FileMetadata, options: Download.Options = {}) =>
  Effect.gen(function*() {
    const dir = tempDir()
    const target = Path.join(dir, "bill.csv")
    const result = yield* Effect.either(Download.toFile(metadata, target, options))
    const files = Fs.readdirSync(dir)
    const text = files.length === 1 ? Fs.readFileSync(target, "utf8") : ""
    Fs.rmSync(dir, { recursive: true, force: true })
    return { result, files, text }
  })

const failedWith = (
  outcome: Effect.Effect.Success<ReturnType<typeof saved>>,
  reasons: ReadonlyArray<Download.DownloadError["reason"]>
) => {
  assert.isTrue(outcome.result._tag === "Left", "the download should have failed")
  if (outcome.result._tag === "Left") assert.include(reasons, outcome.result.left.reason)
  // No file at the target and none beside it.
  assert.deepStrictEqual(outcome.files, [])
}

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
          total_amount: 300,
          total_num: 2,
          transfer_detail_list: [
            { out_detail_no: `${outBatchNo}d0`, transfer_amount: 100, transfer_remark: "工资", openid: "o0" },
            { out_detail_no: `${outBatchNo}d1`, transfer_amount: 200, transfer_remark: "工资", openid: "o1" }
          ]
        })
      },
      Schema.Unknown
    ))

describe("bills, in memory", () => {
  it.layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect("a trade bill: signed metadata on WeChat's host, a file whose SHA1 is hash_value, in WeChat's format", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const bill = yield* apply(`/v3/bill/tradebill?bill_date=${YESTERDAY}`)
        assert.strictEqual(bill.hash_type, "SHA1")
        assert.match(bill.hash_value, /^[0-9a-f]{40}$/)
        assert.match(bill.download_url, /^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/billdownload\/file\?token=\w+$/)
        const { files, result, text } = yield* saved(bill)
        assert.strictEqual(result._tag, "Right")
        assert.deepStrictEqual(files, ["bill.csv"])
        assert.strictEqual(sha1(Buffer.from(text, "utf8")), bill.hash_value)
        const lines = linesOf(text)
        assert.strictEqual(lines[0], ALL_HEADER)
        assert.strictEqual(lines.at(-2), SUMMARY_HEADER)
        const rows = lines.slice(1, -2)
        assert.isAtLeast(rows.length, 3)
        for (const row of rows) {
          const values = row.split(",")
          assert.strictEqual(values.length, 27)
          assert.isTrue(values.every((value) => value.startsWith("`")), row)
          assert.strictEqual(values[0], `\`${YESTERDAY} ${values[0].slice(12)}`)
        }
        assert.strictEqual(lines.at(-1)!.split(",")[0], `\`${rows.length}`)
        // The same day's bill, asked again, is the same file.
        const again = yield* apply(`/v3/bill/tradebill?bill_date=${YESTERDAY}`)
        assert.strictEqual(again.hash_value, bill.hash_value)
        assert.notStrictEqual(again.download_url, bill.download_url)
      }))

    it.effect("bill types and gzip: each type's columns, the digest over the uncompressed bytes", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        for (const [type, columns] of [["ALL", 27], ["SUCCESS", 20], ["REFUND", 29]] as const) {
          // A week of days, so a refund shows up in one of them.
          for (const day of ["2026-12-01", "2026-12-02", "2026-12-03"]) {
            const bill = yield* apply(`/v3/bill/tradebill?bill_date=${day}&bill_type=${type}&tar_type=GZIP`)
            const { result, text } = yield* saved(bill, { gzip: true })
            assert.strictEqual(result._tag, "Right")
            assert.strictEqual(sha1(Buffer.from(text, "utf8")), bill.hash_value)
            const lines = linesOf(text)
            assert.strictEqual(lines[0].split(",").length, columns)
            for (const row of lines.slice(1, -2)) {
              assert.strictEqual(row.split(",").length, columns)
              if (type !== "ALL") assert.strictEqual(row.split(",")[9], `\`${type}`)
            }
          }
        }
        // A sub-merchant's bill names it.
        const sub = yield* apply(`/v3/bill/tradebill?bill_date=${YESTERDAY}&sub_mchid=1900000110&bill_type=SUCCESS`)
        const { text } = yield* saved(sub)
        assert.strictEqual(linesOf(text)[1].split(",")[3], "`1900000110")
      }))

    it.effect("bill_date within WeChat's window (three months, not today); the parameters' values", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const codeOf = (path: string) => Effect.map(Effect.flip(apply(path)), (error) => error._tag)
        assert.strictEqual(yield* codeOf("/v3/bill/tradebill?bill_date=2026-12-06"), "INVALID_REQUEST")
        assert.strictEqual(yield* codeOf("/v3/bill/tradebill?bill_date=2026-09-05"), "INVALID_REQUEST")
        assert.strictEqual(yield* codeOf("/v3/bill/fundflowbill?bill_date=2027-01-01"), "INVALID_REQUEST")
        assert.strictEqual(yield* codeOf("/v3/bill/tradebill?bill_date=2026-12-5"), "PARAM_ERROR")
        assert.strictEqual(yield* codeOf("/v3/bill/tradebill?bill_date=2026-11-31"), "PARAM_ERROR")
        assert.strictEqual(yield* codeOf("/v3/bill/tradebill"), "PARAM_ERROR")
        assert.strictEqual(yield* codeOf(`/v3/bill/tradebill?bill_date=${YESTERDAY}&bill_type=PAY`), "PARAM_ERROR")
        assert.strictEqual(yield* codeOf(`/v3/bill/tradebill?bill_date=${YESTERDAY}&tar_type=ZIP`), "PARAM_ERROR")
        assert.strictEqual(
          yield* codeOf(`/v3/bill/fundflowbill?bill_date=${YESTERDAY}&account_type=ALL`),
          "PARAM_ERROR"
        )
        // The window's edges are served.
        yield* apply("/v3/bill/tradebill?bill_date=2026-09-06")
        yield* apply(`/v3/bill/fundflowbill?bill_date=${YESTERDAY}&account_type=FEES`)
      }))

    it.effect("the fund flow bill lists the payroll transfers the simulator paid that day", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON - 86_400_000)
        yield* transferBatch("bills0001")
        yield* Simulator.planTransferBatch("bills0002", { failDetails: { bills0002d1: "ACCOUNT_FROZEN" } })
        yield* transferBatch("bills0002")
        yield* TestClock.setTime(NOON)
        const bill = yield* apply(`/v3/bill/fundflowbill?bill_date=${YESTERDAY}&tar_type=GZIP`)
        const { result, text } = yield* saved(bill, { gzip: true })
        assert.strictEqual(result._tag, "Right")
        const lines = linesOf(text)
        assert.strictEqual(lines[0], FUND_HEADER)
        assert.strictEqual(lines.at(-2), "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额")
        const payouts = lines.filter((line) => line.includes("`支出"))
        assert.deepStrictEqual(payouts.map((line) => line.split(",").at(-1)), [
          "`bills0001d0",
          "`bills0001d1",
          "`bills0002d0"
        ])
        assert.deepStrictEqual(payouts.map((line) => line.split(",")[6]), ["`1.00", "`2.00", "`1.00"])
        const summary = lines.at(-1)!.split(",")
        assert.deepStrictEqual([summary[0], summary[3], summary[4]], ["`4", "`3", "`4.00"])
        // Another account had no movement; another day had no transfers.
        const fees = yield* saved(yield* apply(`/v3/bill/fundflowbill?bill_date=${YESTERDAY}&account_type=FEES`))
        assert.deepStrictEqual(linesOf(fees.text).at(-1), "`0,`0,`0.00,`0,`0.00")
        const before = yield* saved(yield* apply("/v3/bill/fundflowbill?bill_date=2026-12-01"))
        assert.isFalse(before.text.includes("`支出"))
      }))

    it.effect("the download_url expires after 30 seconds: Expired, as WeChat's 400 INVALID_REQUEST, no file", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const bill = yield* apply(`/v3/bill/tradebill?bill_date=${YESTERDAY}`)
        yield* TestClock.adjust("29 seconds")
        assert.strictEqual((yield* saved(bill)).result._tag, "Right")
        yield* TestClock.adjust("1 second")
        failedWith(yield* saved(bill), ["Expired"])
        const unknown = { ...bill, download_url: bill.download_url.replace(/token=\w+/, "token=nope") }
        failedWith(yield* saved(unknown), ["Expired"])
      }))

    it.effect("faults: corrupted bytes, a wrong digest, a truncated body each fail typed and leave no file", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        for (const gzip of [false, true]) {
          const path = `/v3/bill/tradebill?bill_date=${YESTERDAY}${gzip ? "&tar_type=GZIP" : ""}`
          yield* Simulator.inject(Simulator.Fault.CorruptDownload(), { path: "/v3/billdownload/file" })
          failedWith(yield* saved(yield* apply(path), { gzip }), ["DigestMismatch"])
          yield* Simulator.inject(Simulator.Fault.WrongDigest(), { path: "/v3/bill/tradebill" })
          failedWith(yield* saved(yield* apply(path), { gzip }), ["DigestMismatch"])
          yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 200 }), { path: "/v3/billdownload/file" })
          failedWith(yield* saved(yield* apply(path), { gzip }), ["Transport"])
          // Without a fault, the same bill downloads.
          assert.strictEqual((yield* saved(yield* apply(path), { gzip })).result._tag, "Right")
        }
      }))

    it.effect("the download answer is WeChat's: not signed, the bytes only", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const client = yield* WeChatPayClient.WeChatPayClient
        const bill = yield* apply(`/v3/bill/tradebill?bill_date=${YESTERDAY}`)
        const response = yield* client.getUnverified!(
          new URL(bill.download_url).pathname + new URL(bill.download_url).search
        )
        assert.strictEqual(response.status, 200)
        assert.isUndefined(response.headers["wechatpay-signature"])
        assert.isUndefined(response.headers["content-length"])
        assert.isTrue((yield* response.text).startsWith("交易时间,"))
      }))
  })
})

// The server answers with the test's runtime, so TestClock drives both sides here too.
const onServer = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOON)
    return yield* effect
  }).pipe(
    Effect.provide(Sandbox.layerServer({ retry: false }).pipe(Layer.provide(NodeHttpClient.layerUndici))),
    Effect.scoped
  )

describe("bills on the loopback server", () => {
  it.effect(
    "both bills, gzip and not: a download_url on the server's host, the digest right",
    () =>
      onServer(Effect.gen(function*() {
        const server = yield* SandboxServer.SandboxServer
        for (const gzip of [false, true]) {
          const tar = gzip ? "&tar_type=GZIP" : ""
          for (const kind of ["tradebill", "fundflowbill"]) {
            const bill = yield* apply(`/v3/bill/${kind}?bill_date=${YESTERDAY}${tar}`)
            assert.isTrue(bill.download_url.startsWith(`${server.url}/v3/billdownload/file?token=`), bill.download_url)
            const { files, result, text } = yield* saved(bill, { gzip })
            assert.strictEqual(result._tag, "Right")
            assert.deepStrictEqual(files, ["bill.csv"])
            assert.strictEqual(sha1(Buffer.from(text, "utf8")), bill.hash_value)
          }
        }
      })),
    { timeout: 30_000 }
  )

  it.effect(
    "faults over a socket: corrupted, wrong digest, cut short, expired; each typed, no file left",
    () =>
      onServer(Effect.gen(function*() {
        for (const gzip of [false, true]) {
          const path = `/v3/bill/tradebill?bill_date=${YESTERDAY}${gzip ? "&tar_type=GZIP" : ""}`
          yield* Simulator.inject(Simulator.Fault.CorruptDownload({ offset: 5 }), { path: "/v3/billdownload/file" })
          failedWith(yield* saved(yield* apply(path), { gzip }), ["DigestMismatch"])
          yield* Simulator.inject(Simulator.Fault.WrongDigest(), { path: "/v3/bill/tradebill" })
          failedWith(yield* saved(yield* apply(path), { gzip }), ["DigestMismatch"])
          yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 300 }), { path: "/v3/billdownload/file" })
          failedWith(yield* saved(yield* apply(path), { gzip }), ["Transport"])
          const bill = yield* apply(path)
          yield* TestClock.adjust("30 seconds")
          failedWith(yield* saved(bill, { gzip }), ["Expired"])
        }
      })),
    { timeout: 30_000 }
  )
})

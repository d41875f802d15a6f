import { Bill, BillError, BillRows } from "@effect-wechatpay/bill"
import { Download } from "@effect-wechatpay/core"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Stream } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import type * as Http from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Zlib from "node:zlib"
// The signed fake WeChat of core's Download tests: real keys, real signing and verification, loopback sockets.
import { clientOn, keys, SERIAL } from "../../core/test/utils/client.js"
import { httpServer, MB } from "../../core/test/utils/hostile.js"
import { parseAuthorization } from "../../core/test/utils/keys.js"
import { signed } from "../../core/test/utils/platform.js"
import * as B from "./bills.js"

const sha1 = (bytes: Uint8Array) => Crypto.createHash("sha1").update(bytes).digest("hex")

const TOKEN_PATH = "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"

interface Served {
  /** The file's bytes on the wire. */
  readonly body: Buffer
  /** The `hash_value` the metadata answer names. */
  readonly hash: string
}

/**
 * A fake WeChat on a loopback socket: both bill calls answer signed metadata naming `TOKEN_PATH` on the same host,
 * and `TOKEN_PATH` serves `served().body`. Records each request line and Authorization.
 */
const fakeWeChat = (served: () => Served) =>
  Effect.gen(function*() {
    const [, platform] = yield* keys
    const seen: Array<{ readonly url: string; readonly authorization: string | undefined }> = []
    let base = ""
    const handler: Http.RequestListener = (request, response) => {
      const url = request.url ?? ""
      seen.push({ url, authorization: request.headers.authorization })
      if (url.startsWith("/v3/bill/")) {
        const text = JSON.stringify({ hash_type: "SHA1", hash_value: served().hash, download_url: base + TOKEN_PATH })
        response.writeHead(200, {
          "content-type": "application/json",
          ...signed(text, platform.privateKey, SERIAL, Math.floor(Date.now() / 1000))
        })
        return void response.end(text)
      }
      if (url === TOKEN_PATH) {
        const { body } = served()
        response.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length) })
        return void response.end(body)
      }
      response.writeHead(404)
      response.end()
    }
    const server = yield* httpServer(handler)
    base = server.url
    return { url: server.url, seen }
  })

const directory = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "bill-test-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    if (Exit.isSuccess(exit)) return assert.fail("it succeeded")
    assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause))
    return Cause.squash(exit.cause)
  })

const ALL = Buffer.from(
  "\ufeff" + B.billText(B.ALL_HEADER, [B.ALL_PAYMENT, B.ALL_REFUND], B.TRADE_SUMMARY_HEADER, B.ALL_SUMMARY, "\r\n")
)
const FUND = Buffer.from(B.billText(B.FUND_HEADER, B.FUND_ROWS, B.FUND_SUMMARY_HEADER, B.FUND_SUMMARY))

const transports = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["FetchHttpClient", FetchHttpClient.layer]
] as const

for (const [name, transport] of transports) {
  describe(`Bill on ${name}`, () => {
    it.scopedLive("tradeBill (query as declared, answer verified), then rows of the gzipped bill, digest over inflated", () =>
      Effect.gen(function*() {
        const wechat = yield* fakeWeChat(() => ({ body: Zlib.gzipSync(ALL), hash: sha1(ALL) }))
        const { merchant, services } = yield* clientOn(transport, wechat.url)
        const entries = yield* Bill.tradeBill({ bill_date: "2026-12-05", bill_type: "ALL", tar_type: "GZIP" }).pipe(
          Effect.flatMap((file) => Stream.runCollect(Bill.rows(file, BillRows.tradeAll, { gzip: true }))),
          Effect.provide(services)
        )
        const [payment, refund, summary] = [...entries]
        assert.strictEqual(BillRows.isRow(payment!) && payment.out_trade_no, "订单-0001")
        assert.strictEqual(BillRows.isRow(refund!) && refund.refund_amount, 8)
        assert.strictEqual(BillRows.isSummary(summary!) && summary.total_count, 2)
        assert.deepStrictEqual(wechat.seen.map((s) => s.url), [
          "/v3/bill/tradebill?bill_date=2026-12-05&bill_type=ALL&tar_type=GZIP",
          TOKEN_PATH
        ])
        // Both GETs are signed over their exact path and query.
        for (const { authorization, url } of wechat.seen) {
          const { params } = parseAuthorization(String(authorization))
          const message = `GET\n${url}\n${params.timestamp}\n${params.nonce_str}\n\n`
          assert.isTrue(
            Crypto.verify("sha256", Buffer.from(message), merchant.publicKey, Buffer.from(params.signature!, "base64"))
          )
        }
      }))

    it.scopedLive("fundFlowBill, then downloadToFile puts the verified bill at the path", () =>
      Effect.gen(function*() {
        const wechat = yield* fakeWeChat(() => ({ body: FUND, hash: sha1(FUND) }))
        const { services } = yield* clientOn(transport, wechat.url)
        const dir = yield* directory
        const target = Path.join(dir, "fundflow.csv")
        const saved = yield* Bill.fundFlowBill({ bill_date: "2026-12-05", account_type: "FEES" }).pipe(
          Effect.flatMap((file) => Bill.downloadToFile(file, target)),
          Effect.provide(services)
        )
        assert.deepStrictEqual(saved, { bytes: FUND.length, path: target })
        assert.isTrue(Fs.readFileSync(target).equals(FUND))
        assert.strictEqual(wechat.seen[0]!.url, "/v3/bill/fundflowbill?bill_date=2026-12-05&account_type=FEES")
        const { rows } = yield* BillRows.collect(BillRows.fundFlow)(Fs.readFileSync(target))
        assert.strictEqual(rows.length, 2)
      }))

    it.scopedLive("a wrong digest fails typed: rows, bytes and file alike, and leaves no file", () =>
      Effect.gen(function*() {
        const wechat = yield* fakeWeChat(() => ({ body: FUND, hash: sha1(Buffer.from("another bill")) }))
        const { services } = yield* clientOn(transport, wechat.url)
        const file = yield* Effect.provide(Bill.fundFlowBill({ bill_date: "2026-12-05" }), services)
        const viaRows = yield* failure(Effect.provide(Stream.runDrain(Bill.rows(file, BillRows.fundFlow)), services))
        assert.instanceOf(viaRows, Download.DownloadError)
        assert.strictEqual((viaRows as Download.DownloadError).reason, "DigestMismatch")
        const viaBytes = yield* failure(Effect.provide(Stream.runDrain(Bill.download(file)), services))
        assert.strictEqual((viaBytes as Download.DownloadError).reason, "DigestMismatch")
        const dir = yield* directory
        const viaFile = yield* failure(Effect.provide(Bill.downloadToFile(file, Path.join(dir, "b.csv")), services))
        assert.strictEqual((viaFile as Download.DownloadError).reason, "DigestMismatch")
        assert.deepStrictEqual(Fs.readdirSync(dir), [])
      }))

    it.scopedLive("corrupted bytes fail as DigestMismatch, not as the format error they cause; a true bad line as BillFormatError", () =>
      Effect.gen(function*() {
        const corrupted = Buffer.from(FUND)
        corrupted[corrupted.indexOf(10) + 1] = 0x41 // the first row loses its backquote
        let answer: Served = { body: corrupted, hash: sha1(FUND) }
        const wechat = yield* fakeWeChat(() => answer)
        const { services } = yield* clientOn(transport, wechat.url)
        const rowsOf = Bill.fundFlowBill({ bill_date: "2026-12-05" }).pipe(
          Effect.flatMap((file) => Stream.runDrain(Bill.rows(file, BillRows.fundFlow))),
          Effect.provide(services)
        )
        const corrupt = yield* failure(rowsOf)
        assert.instanceOf(corrupt, Download.DownloadError)
        assert.strictEqual((corrupt as Download.DownloadError).reason, "DigestMismatch")
        answer = { body: corrupted, hash: sha1(corrupted) }
        const malformed = yield* failure(rowsOf)
        assert.instanceOf(malformed, BillRows.BillFormatError)
        assert.strictEqual((malformed as BillRows.BillFormatError).line, 2)
      }))

    it.scopedLive("a gzip bomb stops at the limit, typed, through rows too", () =>
      Effect.gen(function*() {
        const bomb = Zlib.gzipSync(Buffer.alloc(64 * MB))
        const wechat = yield* fakeWeChat(() => ({ body: bomb, hash: "0".repeat(40) }))
        const { services } = yield* clientOn(transport, wechat.url)
        const file = yield* Effect.provide(Bill.tradeBill({ bill_date: "2026-12-05", tar_type: "GZIP" }), services)
        const options = { gzip: true, maxBytes: 4 * MB }
        const viaRows = yield* failure(
          Effect.provide(Stream.runDrain(Bill.rows(file, BillRows.tradeAll, options)), services)
        )
        assert.instanceOf(viaRows, Download.DownloadError)
        assert.strictEqual((viaRows as Download.DownloadError).reason, "TooLarge")
        const viaBytes = yield* failure(Effect.provide(Stream.runDrain(Bill.download(file, options)), services))
        assert.strictEqual((viaBytes as Download.DownloadError).reason, "TooLarge")
      }))

    it.scopedLive("an invalid request is refused before anything is sent", () =>
      Effect.gen(function*() {
        const wechat = yield* fakeWeChat(() => ({ body: FUND, hash: sha1(FUND) }))
        const { services } = yield* clientOn(transport, wechat.url)
        const refused = yield* Effect.flip(Effect.provide(Bill.tradeBill({ bill_date: "20261205" }), services))
        assert.strictEqual(refused._tag, "RequestValidationError")
        assert.deepStrictEqual(wechat.seen, [])
      }))
  })
}

describe("the bill calls' own codes", () => {
  it.scopedLive("NO_STATEMENT_EXIST and STATEMENT_CREATING arrive as their classes, typed in the calls' channels", () =>
    Effect.gen(function*() {
      let code = "NO_STATEMENT_EXIST"
      const server = yield* httpServer((_request, response) => {
        response.writeHead(400, { "content-type": "application/json" })
        response.end(JSON.stringify({ code, message: "账单文件不存在" }))
      })
      const { services } = yield* clientOn(NodeHttpClient.layerUndici, server.url)
      const none = yield* Effect.provide(Effect.flip(Bill.tradeBill({ bill_date: "2026-12-05" })), services)
      assert.instanceOf(none, BillError.NoStatementExist)
      // Typed: the tag is one of the call's, so catchTag compiles and narrows.
      const caught = yield* Effect.provide(
        Bill.tradeBill({ bill_date: "2026-12-05" }).pipe(
          Effect.catchTag("NO_STATEMENT_EXIST", (e) => Effect.succeed(e.status))
        ),
        services
      )
      assert.strictEqual(caught, 400)
      code = "STATEMENT_CREATING"
      const creating = yield* Effect.provide(Effect.flip(Bill.fundFlowBill({ bill_date: "2026-12-05" })), services)
      assert.instanceOf(creating, BillError.StatementCreating)
      assert.match(creating.message, /^STATEMENT_CREATING \(HTTP 400\) on GET \/v3\/bill\/fundflowbill/)
    }))
})

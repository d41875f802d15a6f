import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream, TestClock } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

// Receipts through the real crypto against the simulator: applied for once a batch (or payment) finished, ACCEPTED
// and then FINISHED with the file's download_url, digest and hash type.

const NOON = Date.UTC(2020, 11, 25, 4)

const batch = (outBatchNo: string): CreateTransferBatch.CreateTransferBatchRequest => ({
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
  out_batch_no: outBatchNo,
  batch_name: "工资",
  batch_remark: "工资",
  total_amount: 300,
  total_num: 2,
  transfer_detail_list: [
    { out_detail_no: "d0", transfer_amount: 100, transfer_remark: "工资", openid: "o0" },
    { out_detail_no: "d1", transfer_amount: 200, transfer_remark: "工资", openid: "o1" }
  ]
})

describe("transfer receipts", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("a batch's receipt: refused before the batch finished, then ACCEPTED, then FINISHED with its file", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* PayrollCard.createTransferBatch(batch("receipt0001"))
        const early = yield* Effect.flip(PayrollCard.applyBillReceipt({ out_batch_no: "receipt0001" }))
        assert.strictEqual(early._tag, "INVALID_REQUEST")
        yield* TestClock.adjust("3 seconds")
        const applied = yield* PayrollCard.applyBillReceipt({ out_batch_no: "receipt0001" })
        assert.strictEqual(applied.signature_status, "ACCEPTED")
        assert.isUndefined(applied.download_url)
        const again = yield* PayrollCard.applyBillReceipt({ out_batch_no: "receipt0001" })
        assert.strictEqual(again.signature_no, applied.signature_no)
        yield* TestClock.adjust("1 second")
        const finished = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0001" })
        assert.strictEqual(finished.signature_status, "FINISHED")
        assert.strictEqual(finished.hash_type, "SHA256")
        assert.match(finished.hash_value!, /^[0-9A-F]{64}$/)
        assert.match(
          finished.download_url!,
          /^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/transferdownload\/signfile\?token=/
        )
        // Each query names a fresh download_url (each valid 10 minutes).
        const later = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0001" })
        assert.notStrictEqual(later.download_url, finished.download_url)
        assert.strictEqual(later.hash_value, finished.hash_value)
        const unknown = yield* Effect.flip(PayrollCard.getBillReceipt({ out_batch_no: "never" }))
        assert.strictEqual(unknown._tag, "NOT_FOUND")
      }))

    it.effect("a payment's receipt: only of a successful payment; out_batch_no goes with BATCH_TRANSFER only", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* Simulator.planTransferBatch("receipt0002", { failDetails: { d1: "ACCOUNT_FROZEN" } })
        yield* PayrollCard.createTransferBatch(batch("receipt0002"))
        yield* TestClock.adjust("3 seconds")
        const key = { accept_type: "BATCH_TRANSFER", out_batch_no: "receipt0002", out_detail_no: "d0" } as const
        const failed = yield* Effect.flip(PayrollCard.applyDetailReceipt({ ...key, out_detail_no: "d1" }))
        assert.strictEqual(failed._tag, "PARAM_ERROR")
        const applied = yield* PayrollCard.applyDetailReceipt(key)
        assert.strictEqual(applied.signature_status, "ACCEPTED")
        yield* TestClock.adjust("1 second")
        const finished = yield* PayrollCard.getDetailReceipt(key)
        assert.strictEqual(finished.signature_status, "FINISHED")
        assert.strictEqual(finished.out_detail_no, "d0")
        assert.isDefined(finished.download_url)
        // WeChat's rule, checked before anything is sent.
        const sent = (yield* Simulator.received).length
        const noBatch = yield* Effect.flip(
          PayrollCard.getDetailReceipt({ accept_type: "BATCH_TRANSFER", out_detail_no: "d0" })
        )
        assert.strictEqual(noBatch._tag, "RequestValidationError")
        const extraBatch = yield* Effect.flip(
          PayrollCard.applyDetailReceipt({ ...key, accept_type: "TRANSFER_TO_BANK" })
        )
        assert.strictEqual(extraBatch._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, sent)
      }))

    it.effect("downloadReceipt: the file's bytes match the digest; ToFile writes only a verified file", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* PayrollCard.createTransferBatch(batch("receipt0003"))
        yield* TestClock.adjust("3 seconds")
        const accepted = yield* PayrollCard.applyBillReceipt({ out_batch_no: "receipt0003" })
        // Not finished yet: nothing to download, nothing sent.
        const notReady = yield* Effect.flip(Stream.runDrain(PayrollCard.downloadReceipt(accepted)))
        assert.strictEqual(notReady._tag, "ReceiptNotReady")
        yield* TestClock.adjust("1 second")
        const receipt = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0003" })
        const bytes = Buffer.concat(Chunk.toArray(yield* Stream.runCollect(PayrollCard.downloadReceipt(receipt))))
        assert.strictEqual(bytes.subarray(0, 8).toString(), "%PDF-1.4")
        assert.strictEqual(Crypto.createHash("sha256").update(bytes).digest("hex").toUpperCase(), receipt.hash_value)
        // The download was a signed GET like any request.
        const get = (yield* Simulator.received).at(-1)!
        assert.match(get.url, /^\/v3\/transferdownload\/signfile\?token=/)
        assert.match(get.headers["Authorization"] ?? get.headers["authorization"] ?? "", /^WECHATPAY2-SHA256-RSA2048 /)

        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "receipts-"))
        const target = Path.join(dir, "receipt0003.pdf")
        const fresh = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0003" })
        const saved = yield* PayrollCard.downloadReceiptToFile(fresh, target)
        assert.strictEqual(saved.bytes, bytes.length)
        assert.deepStrictEqual(Fs.readFileSync(target), bytes)
        // A digest that does not match: DigestMismatch, and nothing at the path or beside it.
        const other = Path.join(dir, "tampered.pdf")
        const tampered = {
          ...(yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0003" })),
          hash_value: "00".repeat(32)
        }
        const mismatch = yield* Effect.flip(PayrollCard.downloadReceiptToFile(tampered, other))
        assert.strictEqual(mismatch._tag, "DownloadError")
        if (mismatch._tag === "DownloadError") assert.strictEqual(mismatch.reason, "DigestMismatch")
        assert.deepStrictEqual(Fs.readdirSync(dir), ["receipt0003.pdf"])
        // A download_url lives 10 minutes.
        const old = yield* PayrollCard.getBillReceipt({ out_batch_no: "receipt0003" })
        yield* TestClock.adjust("11 minutes")
        const expired = yield* Effect.flip(PayrollCard.downloadReceiptToFile(old, other))
        assert.strictEqual(expired._tag, "DownloadError")
        if (expired._tag === "DownloadError") assert.strictEqual(expired.reason, "Expired")
        assert.deepStrictEqual(Fs.readdirSync(dir), ["receipt0003.pdf"])
        Fs.rmSync(dir, { recursive: true, force: true })
      }))
  })
})

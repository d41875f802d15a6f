import { TestKeys } from "@effect-wechatpay/sandbox"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Zlib from "node:zlib"
import { bundle, type Run, runBin } from "./utils/bin.js"

// `wechatpay bill download` with the built bin against a loopback fake WeChat (the sandbox serves no bills yet):
// real signing of the metadata answer with a platform key generated here, the bin verifying it, the file's digest
// checked; on a mismatch nothing at --output and nothing beside it.

const TOKEN_PATH = "/v3/billdownload/file?token=cli-test-token"
const BILL = Buffer.from("\ufeff交易时间,公众账号ID,商户号\r\n`2026-12-05 10:00:00,`wx1,`1900000001\r\n")
const sha1 = (bytes: Uint8Array) => Crypto.createHash("sha1").update(bytes).digest("hex")

let bin: string
let dir: string
let keys: TestKeys.KeySet
let server: Http.Server
let env: Record<string, string>
/** What the fake serves: the file's bytes on the wire and the digest its metadata names. */
let served: { body: Buffer; hash: string; pauseAt?: number } = { body: BILL, hash: sha1(BILL) }
const seen: Array<string> = []
const runs: Array<Run> = []

const signed = (body: string) => {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = Crypto.randomBytes(16).toString("hex")
  const signature = Crypto.sign("sha256", Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), keys.platformPrivateKey)
  return {
    "wechatpay-timestamp": timestamp,
    "wechatpay-nonce": nonce,
    "wechatpay-serial": keys.platformPublicKeyId,
    "wechatpay-signature": signature.toString("base64")
  }
}

beforeAll(async () => {
  bin = bundle()
  keys = await Effect.runPromise(TestKeys.generateSet())
  dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-bill-"))
  server = Http.createServer((request, response) => {
    const url = request.url ?? ""
    seen.push(url)
    if (url.startsWith("/v3/bill/")) {
      const address = server.address() as Net.AddressInfo
      const text = JSON.stringify({
        hash_type: "SHA1",
        hash_value: served.hash,
        download_url: `http://127.0.0.1:${address.port}${TOKEN_PATH}`
      })
      response.writeHead(200, { "content-type": "application/json", ...signed(text) })
      return void response.end(text)
    }
    if (url === TOKEN_PATH) {
      const { body, pauseAt } = served
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length })
      if (pauseAt === undefined) return void response.end(body)
      // The first part, then a pause long enough for the progress line to be drawn with it.
      response.write(body.subarray(0, pauseAt))
      return void setTimeout(() => response.end(body.subarray(pauseAt)), 600)
    }
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const write = (name: string, text: string) => {
    const file = Path.join(dir, name)
    Fs.writeFileSync(file, text, { mode: 0o600 })
    return file
  }
  env = {
    WECHATPAY_MCHID: keys.mchid,
    WECHATPAY_MERCHANT_SERIAL_NO: keys.merchantSerialNo,
    WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: write("merchant.pem", keys.merchantPrivateKey),
    WECHATPAY_PUBLIC_KEY_ID: keys.platformPublicKeyId,
    WECHATPAY_PUBLIC_KEY_FILE: write("platform.pem", keys.platformPublicKey),
    WECHATPAY_BASE_URL: `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`
  }
}, 120_000)

afterAll(() => {
  server?.close()
})

const wechatpay = async (args: ReadonlyArray<string>) => {
  const run = await runBin(bin, ["--log-level", "debug", ...args], { env })
  runs.push(run)
  return run
}

describe("wechatpay bill download", () => {
  it("downloads a trade bill to --output, digest checked, and prints what it wrote", async () => {
    served = { body: BILL, hash: sha1(BILL) }
    const output = Path.join(dir, "trade.csv")
    const run = await wechatpay([
      "bill",
      "download",
      "--type",
      "trade",
      "--date",
      "2026-12-05",
      "--bill-type",
      "SUCCESS",
      "--output",
      output
    ])
    assert.strictEqual(run.code, 0, run.stderr)
    assert.deepStrictEqual(JSON.parse(run.stdout), {
      path: output,
      bytes: BILL.length,
      hash_type: "SHA1",
      hash_value: sha1(BILL)
    })
    assert.deepStrictEqual(Fs.readFileSync(output), BILL)
    assert.include(seen, "/v3/bill/tradebill?bill_date=2026-12-05&bill_type=SUCCESS")
    // Not a terminal: no progress drawn.
    assert.notInclude(run.stderr, "KiB")
  })

  it("on a terminal, stderr shows the bytes written so far, cleared before the result", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `\`2026-12-05 10:00:00,\`wx1,\`${1900000000 + i}`).join("\r\n")
    const body = Buffer.concat([BILL, Buffer.from(rows + "\r\n")])
    served = { body, hash: sha1(body), pauseAt: 32 * 1024 }
    const output = Path.join(dir, "terminal.csv")
    // stderr made a terminal in the child (stdout stays a pipe, as when piping the result).
    const run = await runBin(
      bin,
      ["bill", "download", "--type", "trade", "--date", "2026-12-05", "--output", output],
      { env: { ...env, NODE_OPTIONS: "--import=data:text/javascript,process.stderr.isTTY=true" } }
    )
    assert.strictEqual(run.code, 0, run.stderr)
    assert.strictEqual(JSON.parse(run.stdout).bytes, body.length)
    // The figure is the bytes written to the temporary file: 32 KiB while the server pauses.
    assert.include(run.stderr, "trade bill 2026-12-05: 32.0 KiB")
    assert.isTrue(run.stderr.endsWith("\r\x1b[2K"), JSON.stringify(run.stderr.slice(-40)))
  })

  it("inflates a gzipped fund flow bill, the digest over the inflated bytes", async () => {
    served = { body: Zlib.gzipSync(BILL), hash: sha1(BILL) }
    const output = Path.join(dir, "fundflow.csv")
    const run = await wechatpay([
      "bill",
      "download",
      "--type",
      "fundflow",
      "--date",
      "2026-12-05",
      "--account-type",
      "OPERATION",
      "--gzip",
      "--output",
      output
    ])
    assert.strictEqual(run.code, 0, run.stderr)
    assert.deepStrictEqual(Fs.readFileSync(output), BILL)
    assert.include(seen, "/v3/bill/fundflowbill?bill_date=2026-12-05&account_type=OPERATION&tar_type=GZIP")
  })

  it("on a digest mismatch exits 4 with stdout empty, and leaves no file at --output nor beside it", async () => {
    served = { body: Buffer.concat([BILL, Buffer.from("x")]), hash: sha1(BILL) }
    const sub = Fs.mkdtempSync(Path.join(dir, "mismatch-"))
    const output = Path.join(sub, "trade.csv")
    const run = await wechatpay(["bill", "download", "--type", "trade", "--date", "2026-12-05", "--output", output])
    assert.strictEqual(run.code, 4, run.stderr)
    assert.strictEqual(run.stdout, "")
    assert.match(run.stderr, /digest|DigestMismatch/i)
    assert.deepStrictEqual(Fs.readdirSync(sub), [])
  })

  it("refuses a malformed date before anything is sent (exit 2)", async () => {
    const before = seen.length
    const run = await wechatpay(["bill", "download", "--type", "trade", "--date", "5/12/2026", "--output", "x.csv"])
    assert.strictEqual(run.code, 2, run.stderr)
    assert.strictEqual(run.stdout, "")
    assert.strictEqual(seen.length, before)
  })

  it("prints no private key in any output, debug log included", () => {
    const keyLine = keys.merchantPrivateKey.split("\n")[3]!
    for (const run of runs) {
      assert.notInclude(run.stdout, keyLine)
      assert.notInclude(run.stderr, keyLine)
    }
    assert.isAbove(runs.length, 3)
  })
})

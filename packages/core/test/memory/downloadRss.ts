/**
 * Run by `DownloadMemory.test.ts` in a child process with `--expose-gc`, so that its memory is its own: the
 * file and its server live in the test's process. Downloads the small file (code loaded, pools warm), then,
 * with a full collection forced every 50 ms, the big one to a file, and prints as one JSON line the RSS before
 * the big download and at its highest during it.
 *
 * Arguments: transport (fetch | undici | lean), base URL, SHA1 of the small file, SHA1 of the big one, size.
 */
import { Download, WeChatPay } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

const [name = "undici", url = "", smallSha1 = "", bigSha1 = "", size = "0"] = process.argv.slice(2)
const transports = { fetch: FetchHttpClient.layer, undici: NodeHttpClient.layerUndici, lean: LeanHttpClient.layer() }
const keys = Crypto.generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" }
})
const live = WeChatPay.layer({
  mchid: "1900000001",
  merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
  merchantPrivateKey: Redacted.make(keys.privateKey),
  platformPublicKeyId: "PUB_KEY_ID_0100000000000001",
  platformPublicKey: keys.publicKey,
  baseUrl: url
}).pipe(Layer.provide(transports[name as keyof typeof transports]))

const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "download-rss-"))
const target = Path.join(dir, "bill.csv")
const download = (file: string, sha1: string) =>
  Effect.runPromise(
    Download.toFile(
      { download_url: `${url}/v3/billdownload/file?token=${file}`, hash_type: "SHA1", hash_value: sha1 },
      target,
      { gzip: true, maxBytes: 2 * Number(size) }
    ).pipe(Effect.provide(live))
  )

await download("small", smallSha1)
gc()
const start = process.memoryUsage().rss
let peak = start
const timer = setInterval(() => {
  gc()
  peak = Math.max(peak, process.memoryUsage().rss)
}, 50)
const started = performance.now()
const { bytes } = await download("big", bigSha1)
const millis = Math.round(performance.now() - started)
clearInterval(timer)
peak = Math.max(peak, process.memoryUsage().rss)
const written = Fs.statSync(target).size
Fs.rmSync(dir, { recursive: true, force: true })
console.log(JSON.stringify({ transport: name, start, peak, growth: peak - start, millis, bytes, written }))

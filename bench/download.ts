/**
 * `npx tsx bench/download.ts`: the throughput of `Download.toFile` (a 100 MB gzip bill: inflate, SHA1, write to
 * a temporary file, rename once verified) against a bare node pipeline doing the same work (`http.get` →
 * `gunzip` → `sha1` → file, then compare and rename), in the same run.
 *
 *   npx tsx bench/download.ts                  3 rounds, 100 MB (inflated) each
 *   npx tsx bench/download.ts --rounds=5 --mb=200 --contenders=bare,sdk-lean
 *
 * The file is served by a loopback server in a process of its own (this script, `--serve`), so its CPU is not
 * the contenders'. The contenders take turns in round-robin, the starting one rotating each round, so drift in
 * machine load is shared; MB/s is inflated megabytes over wall time, totals over all rounds.
 */
import { Download, WeChatPay } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { Transform } from "node:stream"
import { pipeline } from "node:stream/promises"
import * as Zlib from "node:zlib"
import { billOf } from "../packages/core/test/utils/bill.js"

const flag = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

const MB = 2 ** 20

if (process.argv.includes("--serve")) {
  // Server mode: a bill-like file (rows that differ), gzipped at level 1, as WeChat's GZIP bills are.
  const size = Number(flag("mb") ?? 100) * MB
  const { gzipped, sha1 } = billOf(size)
  const server = Http.createServer((_, response) => {
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": gzipped.length })
    response.end(gzipped)
  })
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as Net.AddressInfo
    console.log(
      JSON.stringify({ url: `http://127.0.0.1:${port}`, sha1, size, gzipped: gzipped.length })
    )
  })
} else {
  const rounds = Number(flag("rounds") ?? 3)
  const names = flag("contenders")?.split(",") ?? ["bare", "bare-256k", "sdk-undici", "sdk-lean", "sdk-fetch"]
  const server = ChildProcess.spawn(process.execPath, [
    ...process.execArgv,
    process.argv[1]!,
    "--serve",
    `--mb=${flag("mb") ?? 100}`
  ], { stdio: ["ignore", "pipe", "inherit"] })
  const info = await new Promise<{ url: string; sha1: string; size: number; gzipped: number }>((resolve) =>
    server.stdout.once("data", (data: Buffer) => resolve(JSON.parse(data.toString())))
  )
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "bench-download-"))
  const target = Path.join(dir, "bill.csv")
  const downloadUrl = `${info.url}/v3/billdownload/file?token=bench`

  /** The bare pipeline: what a careful hand-written download does (`chunkSize`: the inflater's output chunks). */
  const bare = (chunkSize?: number) => () =>
    new Promise<void>((resolve, reject) => {
      Http.get(downloadUrl, (response) => {
        const hash = Crypto.createHash("sha1")
        const temporary = `${target}.${Crypto.randomBytes(8).toString("hex")}.download`
        const tap = new Transform({
          transform(chunk: Buffer, _, callback) {
            hash.update(chunk)
            callback(null, chunk)
          }
        })
        pipeline(
          response,
          Zlib.createGunzip(chunkSize === undefined ? {} : { chunkSize }),
          tap,
          Fs.createWriteStream(temporary, { flags: "wx" })
        ).then(() => {
          if (hash.digest("hex") !== info.sha1) throw new Error("digest mismatch")
          Fs.renameSync(temporary, target)
          resolve()
        }).catch(reject)
      }).on("error", reject)
    })

  const keys = Crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" }
  })
  const sdk = (transport: Layer.Layer<HttpClient.HttpClient>) => {
    const live = WeChatPay.layer({
      mchid: "1900000001",
      merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      merchantPrivateKey: Redacted.make(keys.privateKey),
      platformPublicKeyId: "PUB_KEY_ID_0100000000000001",
      platformPublicKey: keys.publicKey,
      baseUrl: info.url
    }).pipe(Layer.provide(transport))
    const download = Download.toFile(
      { download_url: downloadUrl, hash_type: "SHA1", hash_value: info.sha1 },
      target,
      { gzip: true, maxBytes: 2 * info.size }
    ).pipe(Effect.provide(live))
    return () => Effect.runPromise(download).then(() => undefined)
  }
  const contenders: Record<string, () => Promise<void>> = {
    bare: bare(),
    // The same with the SDK's 256 KiB inflater chunks (node's default is 16 KiB).
    "bare-256k": bare(256 * 1024),
    "sdk-undici": sdk(NodeHttpClient.layerUndici),
    "sdk-lean": sdk(LeanHttpClient.layer()),
    "sdk-fetch": sdk(FetchHttpClient.layer)
  }
  const millis = new Map<string, number>(names.map((name) => [name, 0]))
  // Warm-up: one download each, not measured.
  for (const name of names) await contenders[name]!()
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!
      const started = performance.now()
      await contenders[name]!()
      millis.set(name, millis.get(name)! + performance.now() - started)
    }
  }
  server.kill()
  Fs.rmSync(dir, { recursive: true, force: true })
  const mbs = (name: string) => (rounds * info.size) / MB / (millis.get(name)! / 1000)
  console.log(
    `${rounds} rounds of a ${info.size / MB} MB (inflated; ${(info.gzipped / MB).toFixed(1)} MB gzipped) bill, ` +
      `Node ${process.versions.node}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)}`
  )
  console.log("contender      MB/s   vs bare")
  for (const name of names) {
    const ratio = names.includes("bare") ? (mbs(name) / mbs("bare")).toFixed(2) : "-"
    console.log(`${name.padEnd(12)} ${mbs(name).toFixed(0).padStart(6)}   ${ratio}`)
  }
}

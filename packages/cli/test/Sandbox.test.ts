import { Media, WeChatPay } from "@effect-wechatpay/core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { bundle, type Run, runBin } from "./utils/bin.js"

// `wechatpay sandbox start --print-env` as an operator runs it (the built bin, plain node, a long-running child):
// stdout holds only the export lines, which point another run of the bin at it; `sandbox notify` has it send a
// signed, encrypted notification to a local endpoint, which `notify decode` then verifies and decrypts.

let bin: string
let dir: string
let apiV3Key: string
let server: ChildProcess
let serverOut = ""
let serverErr = ""
let env: Record<string, string>
const runs: Array<Run> = []

const wechatpay = async (args: ReadonlyArray<string>, extra: Record<string, string> = {}) => {
  const run = await runBin(bin, ["--log-level", "debug", ...args], { env: { ...env, ...extra } })
  runs.push(run)
  return run
}

/** The export lines as variables, as `. FILE` in a shell would set them. */
const parseExports = (text: string): Record<string, string> =>
  Object.fromEntries(
    text.split("\n").flatMap((line) => {
      const match = /^export (WECHATPAY_\w+)=(.*)$/.exec(line)
      return match === null ? [] : [[match[1]!, match[2]!]]
    })
  )

beforeAll(async () => {
  bin = bundle()
  dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-sandbox-"))
  apiV3Key = Crypto.randomBytes(24).toString("base64").replace(/[+/]/g, "x")
  const keyFile = Path.join(dir, "api_v3_key.given")
  Fs.writeFileSync(keyFile, `${apiV3Key}\n`, { mode: 0o600 })
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("WECHATPAY_")))
  server = spawn(
    process.execPath,
    [
      bin,
      "sandbox",
      "start",
      "--write-keys",
      Path.join(dir, "keys"),
      "--api-v3-key-file",
      keyFile,
      // Not there yet, as on a first run: node would stop on an argument named `--env-file` (nodejs/node#54232).
      "--write-env",
      Path.join(dir, "fresh.env"),
      "--print-env"
    ],
    { env: base, stdio: ["ignore", "pipe", "pipe"] }
  )
  // Ready once the six variables of public-key mode are out, and the banner after them.
  await new Promise<void>((resolve, reject) => {
    const ready = () => {
      if (Object.keys(parseExports(serverOut)).length >= 6 && serverErr.includes("Ctrl+C")) resolve()
    }
    server.on("exit", (code) => reject(new Error(`sandbox exited ${code}: ${serverErr}`)))
    server.stdout!.on("data", (chunk) => {
      serverOut += chunk
      ready()
    })
    server.stderr!.on("data", (chunk) => {
      serverErr += chunk
      ready()
    })
  })
  env = parseExports(serverOut)
}, 120_000)

afterAll(() => {
  server?.kill()
})

describe("wechatpay sandbox start --print-env", () => {
  it("prints only export lines on stdout, the banner on stderr, and the variables reach it", async () => {
    for (const line of serverOut.trim().split("\n")) assert.match(line, /^export WECHATPAY_[A-Z_]+=\S+$/)
    assert.strictEqual(Fs.readFileSync(Path.join(dir, "fresh.env"), "utf8"), serverOut)
    assert.deepStrictEqual(Object.keys(env).sort(), [
      "WECHATPAY_BASE_URL",
      "WECHATPAY_MCHID",
      "WECHATPAY_MERCHANT_PRIVATE_KEY_FILE",
      "WECHATPAY_MERCHANT_SERIAL_NO",
      "WECHATPAY_PUBLIC_KEY_FILE",
      "WECHATPAY_PUBLIC_KEY_ID"
    ])
    assert.match(serverErr, /WeChat Pay sandbox listening on http:\/\/127\.0\.0\.1:\d+/)
    // A signed call with only those variables: the sandbox verifies the signature, the bin verifies the answer.
    const answer = await wechatpay([
      "payroll-card",
      "get-relation",
      "--openid",
      "o1",
      "--sub-mchid",
      "1900000109",
      "--sub-appid",
      "wxa1111111111111"
    ])
    assert.strictEqual(answer.code, 0, answer.stderr)
    assert.strictEqual(JSON.parse(answer.stdout).mchid, env.WECHATPAY_MCHID)
  })
})

describe("wechatpay sandbox notify", () => {
  const OUT_TRADE_NO = "PLAIN-TRADE-9"
  it("has the running sandbox send a signed, encrypted notification that notify decode reads", async () => {
    const received: Array<{ headers: Http.IncomingHttpHeaders; body: string }> = []
    const endpoint = Http.createServer((request, response) => {
      let body = ""
      request.on("data", (chunk) => (body += chunk))
      request.on("end", () => {
        received.push({ headers: request.headers, body })
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve))
    const url = `http://127.0.0.1:${(endpoint.address() as Net.AddressInfo).port}/notify`
    try {
      // A value base64 cannot spell ("-") and long enough never to show up in the envelope by chance: a short one
      // like "T9" is in a random ciphertext now and then, and made this test fail once in CI.
      const run = await wechatpay([
        "sandbox",
        "notify",
        "--url",
        url,
        "--resource",
        `{"out_trade_no":"${OUT_TRADE_NO}"}`
      ])
      assert.strictEqual(run.code, 0, run.stderr)
      const delivery = JSON.parse(run.stdout)
      assert.strictEqual(delivery.delivered, true)
      assert.strictEqual(received.length, 1)
      const [{ body, headers }] = received as [{ headers: Http.IncomingHttpHeaders; body: string }]
      // Encrypted: the resource's fields are not in the body WeChat's endpoint received.
      assert.notInclude(body, OUT_TRADE_NO)
      assert.notInclude(body, "out_trade_no")
      assert.isString(headers["wechatpay-signature"])
      Fs.writeFileSync(Path.join(dir, "headers.json"), JSON.stringify(headers))
      Fs.writeFileSync(Path.join(dir, "body.json"), body)
      const decoded = await wechatpay([
        "notify",
        "decode",
        "--headers",
        Path.join(dir, "headers.json"),
        "--body",
        Path.join(dir, "body.json"),
        "--reveal"
      ], { WECHATPAY_API_V3_KEY_FILE: Path.join(dir, "keys", "api_v3_key.txt") })
      assert.strictEqual(decoded.code, 0, decoded.stderr)
      assert.strictEqual(JSON.parse(decoded.stdout).resource.out_trade_no, OUT_TRADE_NO)
    } finally {
      endpoint.close()
    }
  })

  it("fails with WeChat's code for a refused URL and exit 5 for an endpoint that never answers", async () => {
    const refused = await wechatpay(["sandbox", "notify", "--url", "http://192.0.2.1/notify"])
    assert.strictEqual(refused.code, 3, refused.stderr)
    assert.strictEqual(refused.stdout, "")
    assert.match(refused.stderr, /^PARAM_ERROR \(HTTP 400\) on POST \/sandbox\/notifications: .*loopback/)
    const unanswered = await wechatpay(["sandbox", "notify", "--url", "http://127.0.0.1:1/notify"])
    assert.strictEqual(unanswered.code, 5, unanswered.stderr)
    assert.strictEqual(unanswered.stdout, "")
    assert.match(unanswered.stderr, /not acknowledged/)
    const noSandbox = await wechatpay([
      "sandbox",
      "notify",
      "--url",
      "http://127.0.0.1:1/n",
      "--base-url",
      "http://127.0.0.1:1"
    ])
    assert.strictEqual(noSandbox.code, 5, noSandbox.stderr)
    assert.strictEqual(noSandbox.stdout, "")
  })

  it("accepts a media upload: the bundled sandbox parses multipart bodies (multipasta is in the bin)", async () => {
    // A 1×1 PNG's signature and header, then padding: the sandbox checks the type by the first bytes.
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(64)])
    const uploaded = await Media.upload({ filename: "id-card.png", content: new Uint8Array(png) }).pipe(
      Effect.provide(WeChatPay.layerConfig({ retry: false }).pipe(Layer.provide(FetchHttpClient.layer))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.runPromise
    )
    assert.isAbove(uploaded.media_id.length, 0)
  })

  it("prints no APIv3 key or private key in any output, the sandbox's included", () => {
    const privateKey = Fs.readFileSync(env.WECHATPAY_MERCHANT_PRIVATE_KEY_FILE!, "utf8").split("\n")[3]!
    for (const text of [serverOut, serverErr, ...runs.flatMap((run) => [run.stdout, run.stderr])]) {
      assert.notInclude(text, apiV3Key)
      assert.notInclude(text, privateKey)
    }
    assert.isAbove(runs.length, 3)
  })
})

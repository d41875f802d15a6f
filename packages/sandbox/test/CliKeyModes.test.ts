import { Notification, Verifier, WeChatPay, WeChatPayClient } from "@effect-wechatpay/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schema } from "effect"
import * as ChildProcess from "node:child_process"
import * as FileSystem from "node:fs"
import * as Http from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "../../..")

/** The standalone sandbox as a user runs it: a child process, stopped with SIGTERM when the scope closes. */
const sandboxProcess = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.async<
      { readonly url: string; readonly output: () => string; readonly child: ChildProcess.ChildProcess },
      string
    >(
      (resume) => {
        const child = ChildProcess.spawn(
          process.execPath,
          ["--import", "tsx", Path.join(root, "packages/sandbox/src/main.ts"), ...args],
          { cwd: root, stdio: ["ignore", "pipe", "pipe"] }
        )
        let output = ""
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString()
          const match = /listening on (http:\/\/\S+)/.exec(output)
          if (match !== null && output.includes("Press Ctrl+C")) {
            resume(Effect.succeed({ url: match[1]!, output: () => output, child }))
          }
        })
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
        child.once("exit", (code) => resume(Effect.fail(`exited (${code}): ${output}`)))
      }
    ),
    ({ child }) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      })
  )

describe("sandbox CLI key modes", () => {
  it.live(
    "--key-mode certificate: a client with only the APIv3 key downloads the certificate and verifies",
    () =>
      Effect.gen(function*() {
        const dir = FileSystem.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-keys-"))
        const sandbox = yield* sandboxProcess([
          "--key-mode",
          "certificate",
          "--merchant-serial-no",
          "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
          "--write-keys",
          dir
        ])
        assert.deepStrictEqual(FileSystem.readdirSync(dir).sort(), [
          "api_v3_key.txt",
          "merchant_private_key.pem",
          "platform_public_key.pem"
        ])
        const apiV3Key = FileSystem.readFileSync(Path.join(dir, "api_v3_key.txt"), "utf8")
        assert.strictEqual(FileSystem.statSync(Path.join(dir, "api_v3_key.txt")).mode & 0o777, 0o600)
        assert.notInclude(sandbox.output(), apiV3Key)
        const serial = /platform certificate:\s+([0-9A-F]{40})/.exec(sandbox.output())?.[1]
        assert.isDefined(serial)
        const context = yield* Layer.build(
          WeChatPay.layer({
            mchid: "1900000001",
            merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            merchantPrivateKey: Redacted.make(
              FileSystem.readFileSync(Path.join(dir, "merchant_private_key.pem"), "utf8")
            ),
            apiV3Key: Redacted.make(apiV3Key),
            baseUrl: sandbox.url,
            retry: false
          }).pipe(Layer.provide(FetchHttpClient.layer))
        )
        assert.deepStrictEqual((yield* Effect.provide(Verifier.Verifier, context)).serials, [serial])
        const relation = yield* Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
          client.execute(
            {
              method: "GET",
              path: "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58?sub_mchid=1900000109&appid=wxa1"
            },
            Schema.Struct({ authorize_state: Schema.String })
          )).pipe(Effect.provide(context))
        assert.strictEqual(relation.authorize_state, "UNAUTHORIZED")
        FileSystem.rmSync(dir, { recursive: true })
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "public-key mode: /sandbox/notifications needs --api-v3-key; with it, a merchant's server decodes what it sends",
    () =>
      Effect.gen(function*() {
        const post = (url: string, body: unknown) =>
          Effect.promise(async () => {
            const response = await fetch(`${url}/sandbox/notifications`, {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify(body)
            })
            return { status: response.status, body: JSON.parse(await response.text()) }
          })
        const keyless = yield* Effect.scoped(
          Effect.flatMap(
            sandboxProcess([]),
            (sandbox) => post(sandbox.url, { url: "http://127.0.0.1:1/", resource: {} })
          )
        )
        assert.strictEqual(keyless.status, 400)
        assert.strictEqual(keyless.body.code, "INVALID_REQUEST")
        assert.include(keyless.body.message, "--api-v3-key")

        const dir = FileSystem.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-keys-"))
        const apiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
        const sandbox = yield* sandboxProcess([
          "--platform-public-key-id",
          "PUB_KEY_ID_0119000000012025010100000000000000",
          "--api-v3-key",
          apiV3Key,
          "--write-keys",
          dir
        ])
        // The merchant's server, configured from what the sandbox wrote and the APIv3 key it was given.
        const context = yield* Layer.build(
          WeChatPay.layer({
            mchid: "1900000001",
            merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            merchantPrivateKey: Redacted.make(
              FileSystem.readFileSync(Path.join(dir, "merchant_private_key.pem"), "utf8")
            ),
            platformPublicKeyId: "PUB_KEY_ID_0119000000012025010100000000000000",
            platformPublicKey: FileSystem.readFileSync(Path.join(dir, "platform_public_key.pem"), "utf8"),
            apiV3Key: Redacted.make(apiV3Key),
            downloadCertificates: false,
            baseUrl: sandbox.url
          }).pipe(Layer.provide(FetchHttpClient.layer))
        )
        const decoded: Array<unknown> = []
        const merchant = Http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () =>
            Effect.runPromise(
              Notification.decode(
                { headers: request.headers, body: Buffer.concat(chunks).toString("utf8") },
                Schema.Struct({ out_trade_no: Schema.String })
              ).pipe(Effect.provide(context), Effect.either)
            ).then((result) => {
              if (result._tag === "Right") decoded.push(result.right.resource)
              response.writeHead(result._tag === "Right" ? 204 : 400).end()
            }))
        })
        yield* Effect.acquireRelease(
          Effect.async<void>((resume) => {
            merchant.listen(0, "127.0.0.1", () => resume(Effect.void))
          }),
          () =>
            Effect.async<void>((resume) => {
              merchant.close(() => resume(Effect.void))
            })
        )
        const port = (merchant.address() as { port: number }).port
        const sent = yield* post(sandbox.url, {
          url: `http://127.0.0.1:${port}/notify`,
          resource: { out_trade_no: "1217752501201407033233368018" }
        })
        assert.strictEqual(sent.status, 200, JSON.stringify(sent.body))
        assert.deepInclude(sent.body, { delivered: true, attempts: 1, last_status: 204 })
        assert.deepStrictEqual(decoded, [{ out_trade_no: "1217752501201407033233368018" }])
        assert.match(sandbox.output(), /POST \/sandbox\/notifications 200 OK/)
        FileSystem.rmSync(dir, { recursive: true })
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "an unknown --key-mode or a short --api-v3-key stops the CLI with a non-zero exit",
    () =>
      Effect.gen(function*() {
        const bad = yield* Effect.flip(Effect.scoped(sandboxProcess(["--key-mode", "certificates"])))
        assert.match(bad, /exited \(1\).*--key-mode must be public-key, certificate or mixed/s)
        const short = yield* Effect.flip(
          Effect.scoped(sandboxProcess(["--key-mode", "mixed", "--api-v3-key", "short"]))
        )
        assert.match(short, /exited \(1\).*--api-v3-key must be 32 bytes/s)
      }),
    { timeout: 60_000 }
  )
})

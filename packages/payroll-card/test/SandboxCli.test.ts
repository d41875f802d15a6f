import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as ChildProcess from "node:child_process"
import * as FileSystem from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { makeRequest } from "./fixtures.js"

const root = Path.resolve(import.meta.dirname, "../../..")

/** The README's standalone sandbox, as a user runs it: a child process, keys written to a directory. */
const sandboxProcess = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly output: () => string; readonly child: ChildProcess.ChildProcess }>(
      (resume) => {
        const child = ChildProcess.spawn(
          process.execPath,
          ["--import", "tsx", Path.join(root, "packages/sandbox/src/main.ts"), ...args],
          { cwd: root, stdio: ["ignore", "pipe", "pipe"] }
        )
        let output = ""
        const onData = (chunk: Buffer) => {
          output += chunk.toString()
          const match = /listening on (http:\/\/\S+)/.exec(output)
          if (match !== null && output.includes("Press Ctrl+C")) {
            resume(
              Effect.succeed({ url: match[1]!, output: () => output, child })
            )
          }
        }
        child.stdout.on("data", onData)
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
        child.once("exit", (code) => resume(Effect.dieMessage(`sandbox exited (${code}) before listening:\n${output}`)))
      }
    ),
    ({ child }) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      })
  )

describe("sandbox CLI", () => {
  it.live(
    "serves on a loopback port with the given identifiers and generated keys a client can use",
    () =>
      Effect.gen(function*() {
        const dir = FileSystem.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-keys-"))
        const sandbox = yield* sandboxProcess([
          "--port",
          "0",
          "--mchid",
          "1900000002",
          "--merchant-serial-no",
          "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
          "--platform-public-key-id",
          "PUB_KEY_ID_0119000000022025010100000000000000",
          "--write-keys",
          dir
        ])
        const merchantKey = FileSystem.readFileSync(Path.join(dir, "merchant_private_key.pem"), "utf8")
        assert.strictEqual(FileSystem.statSync(Path.join(dir, "merchant_private_key.pem")).mode & 0o777, 0o600)
        // The private key is written to its file, never printed.
        assert.notInclude(sandbox.output(), merchantKey.split("\n")[1]!)

        const response = yield* PayrollCard.preOrderWithAuth(makeRequest()).pipe(
          Effect.provide(
            WeChatPay.layer({
              mchid: "1900000002",
              merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
              merchantPrivateKey: Redacted.make(merchantKey),
              platformPublicKeyId: "PUB_KEY_ID_0119000000022025010100000000000000",
              platformPublicKey: FileSystem.readFileSync(Path.join(dir, "platform_public_key.pem"), "utf8"),
              baseUrl: sandbox.url
            }).pipe(Layer.provide(FetchHttpClient.layer))
          )
        )
        assert.strictEqual(response.mchid, "1900000002")
        FileSystem.rmSync(dir, { recursive: true })
      }).pipe(Effect.scoped, Effect.timeout("60 seconds")),
    90_000
  )
})

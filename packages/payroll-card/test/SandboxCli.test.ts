import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, Schedule } from "effect"
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

type Entity = Effect.Effect.Success<ReturnType<typeof PayrollCard.getAuthentication>>

describe("sandbox CLI", () => {
  it.live(
    "serves on a loopback port with the given identifiers and generated keys a client can use",
    () =>
      Effect.gen(function*() {
        const dir = FileSystem.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-keys-"))
        // Symlinks planted where the keys go: the CLI must replace them, never write through them.
        const outside = FileSystem.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-victim-"))
        for (const name of ["merchant_private_key.pem", "platform_public_key.pem"]) {
          FileSystem.writeFileSync(Path.join(outside, name), "untouched\n", { mode: 0o644 })
          FileSystem.symlinkSync(Path.join(outside, name), Path.join(dir, name))
        }
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
          dir,
          // A file that does not exist yet, as on a first run: node itself reads an argument named `--env-file`
          // (nodejs/node#54232) and would stop before the sandbox ran; `--write-env` is the sandbox's own.
          "--write-env",
          Path.join(outside, "fresh.env")
        ])
        assert.match(
          FileSystem.readFileSync(Path.join(outside, "fresh.env"), "utf8"),
          /^export WECHATPAY_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/m
        )
        for (const name of ["merchant_private_key.pem", "platform_public_key.pem"]) {
          const stat = FileSystem.lstatSync(Path.join(dir, name))
          assert.isTrue(stat.isFile(), `${name} is a regular file, not the planted link`)
          assert.strictEqual(stat.mode & 0o777, 0o600)
          assert.strictEqual(FileSystem.readFileSync(Path.join(outside, name), "utf8"), "untouched\n")
          assert.strictEqual(FileSystem.statSync(Path.join(outside, name)).mode & 0o777, 0o644)
        }
        assert.deepStrictEqual(FileSystem.readdirSync(dir).sort(), [
          "merchant_private_key.pem",
          "platform_public_key.pem"
        ])
        const merchantKey = FileSystem.readFileSync(Path.join(dir, "merchant_private_key.pem"), "utf8")
        // The private key is written to its file, never printed.
        assert.notInclude(sandbox.output(), merchantKey.split("\n")[1]!)

        const adminUrl = (number: string) => `${sandbox.url}/sandbox/authentications/${number}/complete`
        // The startup text tells a user how to play the worker.
        assert.include(sandbox.output(), `${sandbox.url}/sandbox/authentications/<authenticate_number>/complete`)

        const ClientLive = WeChatPay.layer({
          mchid: "1900000002",
          merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
          merchantPrivateKey: Redacted.make(merchantKey),
          platformPublicKeyId: "PUB_KEY_ID_0119000000022025010100000000000000",
          platformPublicKey: FileSystem.readFileSync(Path.join(dir, "platform_public_key.pem"), "utf8"),
          baseUrl: sandbox.url
        }).pipe(Layer.provide(FetchHttpClient.layer))

        const request = makeRequest()
        const query = { authenticate_number: request.authenticate_number, sub_mchid: request.sub_mchid }
        const final = yield* Effect.gen(function*() {
          const response = yield* PayrollCard.preOrderWithAuth(request)
          assert.strictEqual(response.mchid, "1900000002")
          // A client polls as a provider's server would, while another party (here: this test, over the admin
          // route) plays the worker finishing the check in the mini program.
          const poll = yield* PayrollCard.getAuthentication(query).pipe(
            Effect.repeat({
              schedule: Schedule.identity<Entity>().pipe(Schedule.zipLeft(Schedule.spaced("100 millis"))),
              until: (entity) => entity.authenticate_state !== "AUTHENTICATE_PROCESSING"
            }),
            Effect.fork
          )
          yield* Effect.sleep("300 millis")
          const completed = yield* Effect.promise(() =>
            fetch(adminUrl(request.authenticate_number), {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: `{"result":"SUCCESS"}`
            })
          )
          assert.strictEqual(completed.status, 200)
          assert.isNull(completed.headers.get("wechatpay-signature"))
          return yield* Fiber.join(poll)
        }).pipe(Effect.provide(ClientLive))
        assert.strictEqual(final.authenticate_state, "AUTHENTICATE_SUCCESS")

        // One log line per answered request: method, path, status and code; never the Authorization header.
        yield* Effect.sleep("200 millis")
        const output = sandbox.output()
        assert.match(output, /POST \/v3\/payroll-card\/authentications\/pre-order-with-auth 200 OK/)
        assert.match(output, /GET \/v3\/payroll-card\/authentications\/\w+ 200 OK/)
        assert.match(output, /POST \/sandbox\/authentications\/\w+\/complete 200 OK/)
        assert.notInclude(output, "WECHATPAY2-SHA256-RSA2048")
        assert.notInclude(output, "sub_mchid=")
        FileSystem.rmSync(dir, { recursive: true })
        FileSystem.rmSync(outside, { recursive: true })
      }).pipe(Effect.scoped, Effect.timeout("60 seconds")),
    90_000
  )
})

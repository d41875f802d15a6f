import { WeChatPay, WeChatPayClient } from "@effect-wechatpay/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Console, Deferred, Effect, Fiber, Layer, Schema } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Cli from "../src/Cli.js"
import * as TestKeys from "../src/TestKeys.js"

/** Runs the CLI in this process with a console that records what it prints; resolves once it is listening. */
const startCli = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const printed: Array<string> = []
    const ready = yield* Deferred.make<void>()
    const console = yield* Effect.console
    const recording: Console.Console = {
      ...console,
      log: (...parts) =>
        Effect.sync(() => {
          printed.push(parts.join(" "))
          if (printed.join("\n").includes("Press Ctrl+C")) Deferred.unsafeDone(ready, Effect.void)
        })
    }
    const fiber = yield* Effect.fork(Effect.withConsole(Cli.program(args), recording))
    yield* Effect.raceFirst(Deferred.await(ready), Fiber.join(fiber))
    yield* Effect.addFinalizer(() => Fiber.interrupt(fiber))
    return printed.join("\n")
  })

/** The `export WECHATPAY_…=…` lines of the output, as a shell would read them (quotes undone). */
const exportsOf = (output: string): Map<string, string> =>
  new Map(
    [...output.matchAll(/^\s*export (WECHATPAY_[A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [
      name!,
      /^["']/.test(value!) ? value!.slice(1, -1).replaceAll(`'\\''`, "'") : value!
    ])
  )

/** A client configured by `WeChatPay.layerConfig()` from those variables only, making one signed, verified call. */
const callWith = (variables: Map<string, string>) =>
  Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
    client.execute(
      {
        method: "GET",
        path: "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58?sub_mchid=1900000109&appid=wxa1"
      },
      Schema.Struct({ authorize_state: Schema.String })
    )).pipe(
      Effect.provide(
        WeChatPay.layerConfig({ retry: false }).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(variables)))
        )
      )
    )

const scratch = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-client-env-"))

describe("sandbox CLI: what a client needs", () => {
  it.scopedLive(
    "prints the export lines (and writes them with --write-env) that configure a working client, no key in them",
    () =>
      Effect.gen(function*() {
        const dir = scratch()
        const envFile = Path.join(dir, "sandbox.env")
        const output = yield* startCli(["--port", "0", "--write-keys", Path.join(dir, "keys"), "--write-env", envFile])
        const variables = exportsOf(output)
        assert.deepStrictEqual([...variables.keys()], [
          "WECHATPAY_BASE_URL",
          "WECHATPAY_MCHID",
          "WECHATPAY_MERCHANT_SERIAL_NO",
          "WECHATPAY_MERCHANT_PRIVATE_KEY_FILE",
          "WECHATPAY_PUBLIC_KEY_ID",
          "WECHATPAY_PUBLIC_KEY_FILE"
        ])
        assert.strictEqual(
          variables.get("WECHATPAY_MERCHANT_PRIVATE_KEY_FILE"),
          Path.join(dir, "keys", "merchant_private_key.pem")
        )
        assert.notInclude(output, "PRIVATE KEY-----")
        // The env file holds the same lines, and `node --env-file` / a shell read them alike.
        const lines = Fs.readFileSync(envFile, "utf8").trim().split("\n")
        assert.deepStrictEqual(lines, output.split("\n").filter((l) => /^\s*export /.test(l)).map((l) => l.trim()))
        assert.strictEqual(Fs.statSync(envFile).mode & 0o777, 0o600)
        assert.strictEqual((yield* callWith(variables)).authorize_state, "UNAUTHORIZED")
        Fs.rmSync(dir, { recursive: true })
      }),
    { timeout: 30_000 }
  )

  it.scopedLive(
    "certificate mode with a given APIv3 key: saves it, points WECHATPAY_API_V3_KEY_FILE at it, never prints it",
    () =>
      Effect.gen(function*() {
        const dir = scratch()
        const apiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
        const output = yield* startCli(["--key-mode", "certificate", "--api-v3-key", apiV3Key, "--write-keys", dir])
        const variables = exportsOf(output)
        assert.isFalse(variables.has("WECHATPAY_PUBLIC_KEY_ID")) // the client downloads certificates, as the sandbox
        assert.strictEqual(variables.get("WECHATPAY_API_V3_KEY_FILE"), Path.join(dir, "api_v3_key.txt"))
        assert.strictEqual(Fs.readFileSync(Path.join(dir, "api_v3_key.txt"), "utf8"), apiV3Key)
        assert.notInclude(output, apiV3Key)
        assert.strictEqual((yield* callWith(variables)).authorize_state, "UNAUTHORIZED")
        Fs.rmSync(dir, { recursive: true })
      }),
    { timeout: 30_000 }
  )

  it.scopedLive(
    "without --write-keys, each missing key file is a comment saying how to save it",
    () =>
      Effect.gen(function*() {
        const output = yield* startCli(["--key-mode", "mixed"])
        assert.match(output, /# WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: not saved \(start with --write-keys DIR\)/)
        assert.match(output, /# WECHATPAY_API_V3_KEY_FILE: not saved/)
        assert.match(output, /^\s*export WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_/m)
      }),
    { timeout: 30_000 }
  )

  it.scopedLive(
    "keys given by flag: the platform key's public half is saved and exported, the merchant key's line says whose",
    () =>
      Effect.gen(function*() {
        const dir = scratch()
        const merchant = yield* TestKeys.generate
        const platform = yield* TestKeys.generate
        Fs.writeFileSync(Path.join(dir, "merchant_public.pem"), merchant.publicKey)
        Fs.writeFileSync(Path.join(dir, "platform_private.pem"), platform.privateKey)
        const output = yield* startCli([
          "--merchant-public-key",
          Path.join(dir, "merchant_public.pem"),
          "--platform-private-key",
          Path.join(dir, "platform_private.pem"),
          "--write-keys",
          Path.join(dir, "keys")
        ])
        const file = exportsOf(output).get("WECHATPAY_PUBLIC_KEY_FILE")
        assert.strictEqual(file, Path.join(dir, "keys", "platform_public_key.pem"))
        assert.strictEqual(Fs.readFileSync(file!, "utf8"), platform.publicKey)
        assert.match(output, /# WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: the private key of the pair given as --merchant/)
        Fs.rmSync(dir, { recursive: true })
      }),
    { timeout: 30_000 }
  )

  it.scopedLive(
    "a key path that needs quoting reads the same in a shell and with node --env-file",
    () =>
      Effect.gen(function*() {
        const dir = Path.join(scratch(), "keys dir's")
        const envFile = Path.join(dir, "sandbox.env")
        yield* startCli(["--write-keys", dir, "--write-env", envFile])
        const expected = Path.join(dir, "platform_public_key.pem")
        const shell = ChildProcess.execFileSync("/bin/sh", [
          "-c",
          `. "$0"; printf %s "$WECHATPAY_PUBLIC_KEY_FILE"`,
          envFile
        ])
        const node = ChildProcess.execFileSync(process.execPath, [
          `--env-file=${envFile}`,
          "-e",
          "process.stdout.write(process.env.WECHATPAY_PUBLIC_KEY_FILE)"
        ])
        assert.strictEqual(shell.toString(), expected)
        assert.strictEqual(node.toString(), expected)
        Fs.rmSync(Path.dirname(dir), { recursive: true })
      }),
    { timeout: 30_000 }
  )

  it.scopedLive("--env-file, the old name of --write-env, still writes FILE; both at once are refused", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const envFile = Path.join(dir, "old.env")
      yield* startCli(["--write-keys", dir, "--env-file", envFile])
      assert.match(Fs.readFileSync(envFile, "utf8"), /^export WECHATPAY_BASE_URL=/m)
      const errors: Array<string> = []
      const console = yield* Effect.console
      yield* Effect.withConsole(
        Cli.program(["--write-env", envFile, "--env-file", envFile]),
        { ...console, error: (...parts) => Effect.sync(() => void errors.push(parts.join(" "))) }
      )
      assert.strictEqual(process.exitCode, 2)
      process.exitCode = undefined
      assert.include(errors.join("\n"), "give --write-env FILE once")
      Fs.rmSync(dir, { recursive: true })
    }))

  it.effect("--help names the export lines and --write-env", () =>
    Effect.gen(function*() {
      const output = yield* Effect.scoped(startCli(["--help"]))
      assert.include(output, "--write-env FILE")
      assert.include(output, `"export WECHATPAY_…=…"`)
      assert.include(output, "No private key or APIv3 key is printed")
    }))
})

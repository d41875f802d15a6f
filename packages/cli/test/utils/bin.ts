// The built bin against a loopback sandbox, as an operator runs it: bundled with the build's own bundler, run with
// plain node in a child process, configured by the WECHATPAY_* variables, the sandbox's keys in files.
import { SandboxServer, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { Effect, Layer, ManagedRuntime } from "effect"
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../../..")

/** Bundles src/bin.ts as scripts/build.mjs does (same bundler), into a fresh directory; gives the bin's path. */
export const bundle = (): string => {
  const outdir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-bin-"))
  const script = `import { bundleBin } from ${JSON.stringify(Path.join(root, "scripts/bundle-bin.mjs"))}
await bundleBin({ entry: ${JSON.stringify(Path.join(root, "packages/cli/src/bin.ts"))}, outdir: ${
    JSON.stringify(outdir)
  }, name: "wechatpay" })`
  execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, stdio: "inherit" })
  return Path.join(outdir, "wechatpay.js")
}

/** A sandbox served on loopback, in this process (so a test can inject faults), and the variables for the bin. */
export interface Sandbox {
  readonly url: string
  readonly keys: TestKeys.KeySet
  readonly env: Record<string, string>
  /** `env` with the APIv3 key, for `notify decode`. */
  readonly withApiV3Key: Record<string, string>
  readonly dir: string
  readonly run: <A>(effect: Effect.Effect<A, never, Simulator.Simulator>) => Promise<A>
  readonly close: () => Promise<void>
}

export const startSandbox = async (keyMode: Simulator.KeyMode = "publicKey"): Promise<Sandbox> => {
  const keys = await Effect.runPromise(TestKeys.generateSet())
  const runtime = ManagedRuntime.make(
    SandboxServer.layer().pipe(
      Layer.provideMerge(Simulator.layer({
        ...keys,
        keyMode,
        transferProcessingAfter: "1 millis",
        transferFinishedAfter: "2 millis",
        receiptFinishedAfter: "1 millis"
      }))
    )
  )
  const server = await runtime.runPromise(SandboxServer.SandboxServer)
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-keys-"))
  const write = (name: string, text: string) => {
    const file = Path.join(dir, name)
    Fs.writeFileSync(file, text, { mode: 0o600 })
    return file
  }
  const env: Record<string, string> = {
    WECHATPAY_MCHID: keys.mchid,
    WECHATPAY_MERCHANT_SERIAL_NO: keys.merchantSerialNo,
    WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: write("merchant_private_key.pem", keys.merchantPrivateKey),
    WECHATPAY_BASE_URL: server.url
  }
  // A public-key merchant's APIv3 key only decrypts callbacks: given, the client would also try a certificate download.
  const apiV3Key = { WECHATPAY_API_V3_KEY_FILE: write("api_v3_key.txt", keys.apiV3Key) }
  if (keyMode !== "publicKey") Object.assign(env, apiV3Key)
  if (keyMode !== "certificate") {
    env.WECHATPAY_PUBLIC_KEY_ID = keys.platformPublicKeyId
    env.WECHATPAY_PUBLIC_KEY_FILE = write("platform_public_key.pem", keys.platformPublicKey)
  }
  return {
    url: server.url,
    keys,
    env,
    withApiV3Key: { ...env, ...apiV3Key },
    dir,
    run: (effect) => runtime.runPromise(effect),
    close: () => runtime.dispose()
  }
}

/** What one run of the bin gave. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the bin with plain node, with only the given variables (no WECHATPAY_* of this process). */
export const runBin = (
  bin: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly stdin?: string; readonly cwd?: string } = {}
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("WECHATPAY_")))
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...base, ...options.env },
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(options.stdin ?? "")
  })

/**
 * Cold start: what a user meets first. Fresh node processes, each running one small program to its first
 * verified answer from the bench's loopback server, then printing how long that took and its RSS.
 *
 * The programs run from the BUILT packages installed as a user installs them: `scripts/build.mjs`, `npm pack` of
 * each package's `dist/`, and `npm install` of those tarballs (with `effect`, `@effect/platform`,
 * `@effect/platform-node` and wechatpay-axios-plugin at the ranges the root package.json pins) into an app in a
 * scratch directory outside the checkout. The programs:
 *
 * - `axios-plugin`: wechatpay-axios-plugin, one `preOrderWithAuth` as its README shows;
 * - `effect`: `import("effect")` and one `Effect.runPromise`, the floor of any Effect program;
 * - `sdk`: this SDK with `NodeHttpClient.layerUndici` imported from `@effect/platform-node/NodeHttpClient`, one
 *   `PayrollCard.preOrderWithAuth`;
 * - `sdk-bundled`: the same program bundled with esbuild by {@link BUNDLE_RECIPE}.
 *
 * They take turns (the first rotating each round), so drift in machine load is shared. Time is from the
 * parent's `spawn` to the line the program prints once its answer is verified (node's own boot included, as a
 * user sees it); RSS is the program's own, read right after the answer. With `chunked`, every program also runs
 * against the server's port that answers without `Content-Length`.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { build, start } from "./processes.js"
import { ID_CARD_NUMBER, KEYS_FILE, PATH, TOKEN, USER_NAME } from "./shared.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "..")

/**
 * The esbuild command the `sdk-bundled` program is built with (also in docs/performance.md). The banner gives
 * the bundled CommonJS dependencies a `require` in an ES module.
 */
export const BUNDLE_RECIPE = [
  "esbuild",
  "app.mjs",
  "--bundle",
  "--platform=node",
  "--format=esm",
  "--target=node20",
  "--minify",
  "--outfile=app.bundle.mjs",
  "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
] as const

// What every program shares: the keys file and the request of call 0, as the warm bench sends it.
const PRELUDE = `
import * as Fs from "node:fs"
import * as Path from "node:path"
const keys = JSON.parse(Fs.readFileSync(Path.join(process.env.BENCH_KEYS_DIR, ${JSON.stringify(KEYS_FILE)}), "utf8"))
const baseUrl = process.env.BENCH_BASE_URL
const fields = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authenticate_number: "bench0",
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN"
}
const done = (answer) => {
  if (answer.token !== ${JSON.stringify(TOKEN)}) throw new Error("unexpected answer")
  process.stdout.write(JSON.stringify({ rss: process.memoryUsage().rss }) + "\\n")
  process.exit(0)
}
void keys, baseUrl, fields
`

const PROGRAMS: Record<string, string> = {
  "axios-plugin": `${PRELUDE}
import * as Http from "node:http"
import { Rsa, Wechatpay } from "wechatpay-axios-plugin"
const platformKey = Rsa.from(keys.platformPublicKey, Rsa.KEY_TYPE_PUBLIC)
const wxpay = new Wechatpay({
  mchid: keys.mchid,
  serial: keys.merchantSerialNo,
  privateKey: keys.merchantPrivateKey,
  certs: { [keys.platformPublicKeyId]: keys.platformPublicKey },
  baseURL: baseUrl + "/",
  httpAgent: new Http.Agent({ keepAlive: true })
})
const response = await wxpay.v3.payrollCard.authentications.preOrderWithAuth.post({
  ...fields,
  user_name: Rsa.encrypt(${JSON.stringify(USER_NAME)}, platformKey),
  id_card_number: Rsa.encrypt(${JSON.stringify(ID_CARD_NUMBER)}, platformKey)
}, { headers: { "Wechatpay-Serial": keys.platformPublicKeyId } })
done(response.data)
`,
  effect: `${PRELUDE}
const { Effect } = await import("effect")
await Effect.runPromise(Effect.succeed(1))
done({ token: ${JSON.stringify(TOKEN)} })
`,
  sdk: `${PRELUDE}
import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, Redacted } from "effect"
const WeChatPayLive = WeChatPay.layer({
  mchid: keys.mchid,
  merchantSerialNo: keys.merchantSerialNo,
  merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
  platformPublicKeyId: keys.platformPublicKeyId,
  platformPublicKey: keys.platformPublicKey,
  baseUrl
}).pipe(Layer.provide(NodeHttpClient.layerUndici))
const answer = await PayrollCard.preOrderWithAuth({
  ...fields,
  user_name: Redacted.make(${JSON.stringify(USER_NAME)}),
  id_card_number: Redacted.make(${JSON.stringify(ID_CARD_NUMBER)})
}).pipe(Effect.provide(WeChatPayLive), Effect.runPromise)
done(answer)
`
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const exec = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  ChildProcess.execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

/** The scratch app: packed tarballs and the pinned dependencies installed, the programs written and bundled. */
const prepareApp = (scratch: string): Record<string, string> => {
  console.log("cold start: building and packing the packages, installing them in a scratch app …")
  exec(process.execPath, [Path.join(root, "scripts", "build.mjs")], root)
  const manifest = (dir: string) => JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8"))
  const dependencies: Record<string, string> = {}
  for (const workspace of manifest(root).workspaces as Array<string>) {
    const dist = Path.join(root, workspace, "dist")
    const [packed] = JSON.parse(exec(npm, ["pack", "--json", "--pack-destination", scratch], dist))
    dependencies[packed.name] = `file:${Path.join(scratch, packed.filename)}`
  }
  const pinned = manifest(root).devDependencies as Record<string, string>
  for (const name of ["effect", "@effect/platform", "@effect/platform-node", "wechatpay-axios-plugin"]) {
    dependencies[name] = pinned[name]!
  }
  const app = Path.join(scratch, "app")
  Fs.mkdirSync(app)
  Fs.writeFileSync(
    Path.join(app, "package.json"),
    JSON.stringify({ name: "cold-start-app", private: true, type: "module", dependencies }, null, 2)
  )
  exec(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], app)
  const files: Record<string, string> = {}
  for (const [name, source] of Object.entries(PROGRAMS)) {
    files[name] = Path.join(app, `${name}.mjs`)
    Fs.writeFileSync(files[name]!, source)
  }
  // The recipe as a user runs it, with the repository's esbuild (a devDependency) in the app's directory.
  Fs.copyFileSync(files["sdk"]!, Path.join(app, "app.mjs"))
  const [, ...args] = BUNDLE_RECIPE
  exec(Path.join(root, "node_modules", ".bin", "esbuild"), [...args, "--log-level=warning"], app)
  files["sdk-bundled"] = Path.join(app, "app.bundle.mjs")
  return files
}

interface Sample {
  readonly ms: number
  readonly rss: number
}

/** One fresh process to its first verified answer. */
const once = (file: string, env: NodeJS.ProcessEnv): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = ChildProcess.spawn(process.execPath, [file], {
      cwd: Path.dirname(file),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    let sample: Sample | undefined
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      if (sample === undefined && out.includes("\n")) {
        sample = { ms: performance.now() - started, rss: JSON.parse(out.slice(0, out.indexOf("\n"))).rss }
      }
    })
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")))
    child.on("exit", (code) =>
      sample !== undefined && code === 0
        ? resolve(sample)
        : reject(new Error(`${Path.basename(file)} exited with ${code}: ${err.slice(0, 400)}`)))
  })

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/**
 * Runs the cold-start measure and prints its table.
 *
 * @example
 * ```ts
 * await coldStart({ runs: 5, chunked: true })
 * ```
 */
export const coldStart = async (options: { readonly runs: number; readonly chunked: boolean }): Promise<void> => {
  const scratch = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-cold-"))
  const bench = await start(await build({ tsx: false }))
  try {
    const files = prepareApp(scratch)
    const variants = Object.keys(files).flatMap((name) => options.chunked ? [name, `${name}+chunked`] : [name])
    const samples = new Map<string, Array<Sample>>(variants.map((v) => [v, []]))
    console.log(
      `cold start: ${options.runs} fresh process(es) per program, taking turns; POST ${PATH} to a loopback server`
    )
    for (let round = 0; round < options.runs; round++) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + round) % variants.length]!
        const chunked = variant.endsWith("+chunked")
        const file = files[chunked ? variant.slice(0, -"+chunked".length) : variant]!
        samples.get(variant)!.push(await once(file, chunked ? bench.chunkedEnv : bench.env))
      }
    }
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0)
    const s = (ms: number) => (ms / 1000).toFixed(2)
    console.log()
    console.log(
      `${"program".padEnd(22)}${"first answer s (min / median / max)".padStart(38)}${
        "RSS MB (min / median / max)".padStart(30)
      }`
    )
    for (const variant of variants) {
      const all = samples.get(variant)!
      const ms = all.map((x) => x.ms)
      const rss = all.map((x) => x.rss)
      console.log(
        `${variant.padEnd(22)}${`${s(Math.min(...ms))} / ${s(median(ms))} / ${s(Math.max(...ms))}`.padStart(38)}${
          `${mb(Math.min(...rss))} / ${mb(median(rss))} / ${mb(Math.max(...rss))}`.padStart(30)
        }`
      )
    }
    const at = (variant: string, field: keyof Sample) => median(samples.get(variant)!.map((x) => x[field]))
    console.log()
    console.log(
      `medians: sdk − effect = ${s(at("sdk", "ms") - at("effect", "ms"))} s and ${
        mb(at("sdk", "rss") - at("effect", "rss"))
      } MB (target: at most axios-plugin's ${s(at("axios-plugin", "ms"))} s and ${
        mb(at("axios-plugin", "rss"))
      } MB); ` +
        `sdk-bundled ÷ axios-plugin = ${
          (at("sdk-bundled", "ms") / at("axios-plugin", "ms")).toFixed(2)
        }× (target ≤ 1.5×)`
    )
    console.log(`bundled with: ${BUNDLE_RECIPE.map((a) => a.includes(" ") ? JSON.stringify(a) : a).join(" ")}`)
  } finally {
    bench.close()
    Fs.rmSync(scratch, { recursive: true, force: true })
  }
}

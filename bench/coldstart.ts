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
 * - `sdk-lean`: the same with the SDK's own `LeanHttpClient.layer()` (`@effect-wechatpay/core/LeanHttpClient`);
 * - `sdk-modules`: `sdk` with every import from the module that defines it (`@effect-wechatpay/core/WeChatPay`,
 *   `effect/Effect`, …), as docs/performance.md recommends, and `effect-modules`, its floor: `import("effect/Effect")`
 *   and one `Effect.runPromise`;
 * - `platform`: `effect` and `@effect/platform`'s `HttpClient` over `NodeHttpClient.layerUndici`, the same POST
 *   (unsigned: the server does not check requests) and its answer decoded with `Schema`: the floor of any Effect
 *   program that calls an HTTP API;
 * - `<name>-bundled`: `sdk`, `sdk-lean`, `sdk-modules` and `platform` bundled with esbuild by {@link BUNDLE_RECIPE};
 * - with a baseline commit, `sdk@<commit>` and `sdk-bundled@<commit>`: that commit's packages, built, packed and
 *   installed into a second app the same way, in the same turns, so before and after come from one run.
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
import { BUNDLE_RECIPE } from "../scripts/bundle-recipe.mjs"
import { build, start } from "./processes.js"
import { ID_CARD_NUMBER, KEYS_FILE, PATH, TOKEN, USER_NAME } from "./shared.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "..")

// The esbuild command the `-bundled` programs are built with, as docs/performance.md gives it to users.
export { BUNDLE_RECIPE }

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

/** How a program imports the SDK and `effect`: from the packages' indexes, as the README's examples do. */
const INDEX_IMPORTS = `
import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Effect, Layer, Redacted } from "effect"
`

/** The same from the modules that define them, as docs/performance.md recommends for a program's start. */
const MODULE_IMPORTS = `
import * as WeChatPay from "@effect-wechatpay/core/WeChatPay"
import * as PayrollCard from "@effect-wechatpay/payroll-card/PayrollCard"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
`

/**
 * This SDK's program: one `PayrollCard.preOrderWithAuth` over the transport `layer` that `imports` brings, the
 * SDK and `effect` imported as `style` says.
 */
const sdkProgram = (imports: string, layer: string, style: string = INDEX_IMPORTS) =>
  `${PRELUDE}
${style}
${imports}
const WeChatPayLive = WeChatPay.layer({
  mchid: keys.mchid,
  merchantSerialNo: keys.merchantSerialNo,
  merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
  platformPublicKeyId: keys.platformPublicKeyId,
  platformPublicKey: keys.platformPublicKey,
  baseUrl
}).pipe(Layer.provide(${layer}))
const answer = await PayrollCard.preOrderWithAuth({
  ...fields,
  user_name: Redacted.make(${JSON.stringify(USER_NAME)}),
  id_card_number: Redacted.make(${JSON.stringify(ID_CARD_NUMBER)})
}).pipe(Effect.provide(WeChatPayLive), Effect.runPromise)
done(answer)
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
  sdk: sdkProgram(
    `import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"`,
    "NodeHttpClient.layerUndici"
  ),
  "sdk-lean": sdkProgram(
    `import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"`,
    "LeanHttpClient.layer()"
  ),
  "sdk-modules": sdkProgram(
    `import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"`,
    "NodeHttpClient.layerUndici",
    MODULE_IMPORTS
  ),
  // The floor of a program that imports effect's modules themselves, as `sdk-modules` does.
  "effect-modules": `${PRELUDE}
const Effect = await import("effect/Effect")
await Effect.runPromise(Effect.succeed(1))
done({ token: ${JSON.stringify(TOKEN)} })
`,
  // No signing, no encryption, no verification: the bench server does not check requests, so this is the same
  // POST and the same answer decoded with Schema, the floor of any Effect program that calls an HTTP API.
  platform: `${PRELUDE}
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Schema } from "effect"
const Answer = Schema.Struct({ token: Schema.String })
const answer = await Effect.gen(function*() {
  const client = yield* HttpClient.HttpClient
  const response = yield* client.execute(HttpClientRequest.post(baseUrl + ${JSON.stringify(PATH)}).pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyUnsafeJson({ ...fields, user_name: "x", id_card_number: "x" })
  ))
  return yield* HttpClientResponse.schemaBodyJson(Answer)(response)
}).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici), Effect.runPromise)
done(answer)
`
}

/** The programs that are also bundled (`<name>-bundled`) with {@link BUNDLE_RECIPE}. */
const BUNDLED = ["sdk", "sdk-lean", "sdk-modules", "platform"] as const

const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const exec = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  ChildProcess.execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

/**
 * A tree of the repository at `commit` (its sources, scripts and manifests, by `git archive`) in `dir`, with a
 * `node_modules` of links into the checkout's own, except the workspace packages, which link to the tree's: so
 * `scripts/build.mjs` of that commit builds that commit's packages with today's toolchain.
 */
const checkout = (commit: string, dir: string): string => {
  let sha: string
  try {
    sha = exec("git", ["rev-parse", "--verify", "--quiet", `${commit}^{commit}`], root).trim()
  } catch {
    throw new Error(`--baseline=${commit}: not a commit of this repository`)
  }
  const tree = Path.join(dir, "tree")
  Fs.mkdirSync(tree, { recursive: true })
  const tar = Path.join(dir, "tree.tar")
  exec("git", ["archive", "--format=tar", "-o", tar, sha], root)
  exec("tar", ["-xf", tar, "-C", tree], root)
  const modules = Path.join(tree, "node_modules")
  Fs.mkdirSync(modules)
  for (const name of Fs.readdirSync(Path.join(root, "node_modules"))) {
    if (name === "@effect-wechatpay") continue
    Fs.symlinkSync(Path.join(root, "node_modules", name), Path.join(modules, name))
  }
  Fs.mkdirSync(Path.join(modules, "@effect-wechatpay"))
  for (const pkg of Fs.readdirSync(Path.join(tree, "packages"))) {
    const manifest = Path.join(tree, "packages", pkg, "package.json")
    if (!Fs.existsSync(manifest)) continue
    const { name } = JSON.parse(Fs.readFileSync(manifest, "utf8")) as { name: string }
    Fs.symlinkSync(Path.join(tree, "packages", pkg), Path.join(modules, name))
  }
  return tree
}

/**
 * A scratch app in `dir`: the packages of `tree` built, packed and installed from the tarballs with the pinned
 * dependencies, the programs named in `programs` written, and those in {@link BUNDLED} also bundled. Gives each
 * program's file by its name (`<name>-bundled` for a bundle).
 */
const prepareApp = (tree: string, dir: string, programs: ReadonlyArray<string>): Record<string, string> => {
  exec(process.execPath, [Path.join(tree, "scripts", "build.mjs")], tree)
  const manifest = (dir: string) => JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8"))
  const dependencies: Record<string, string> = {}
  for (const workspace of manifest(tree).workspaces as Array<string>) {
    const dist = Path.join(tree, workspace, "dist")
    const [packed] = JSON.parse(exec(npm, ["pack", "--json", "--pack-destination", dir], dist))
    dependencies[packed.name] = `file:${Path.join(dir, packed.filename)}`
  }
  const pinned = manifest(root).devDependencies as Record<string, string>
  for (const name of ["effect", "@effect/platform", "@effect/platform-node", "wechatpay-axios-plugin"]) {
    dependencies[name] = pinned[name]!
  }
  const app = Path.join(dir, "app")
  Fs.mkdirSync(app)
  Fs.writeFileSync(
    Path.join(app, "package.json"),
    JSON.stringify({ name: "cold-start-app", private: true, type: "module", dependencies }, null, 2)
  )
  exec(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], app)
  const files: Record<string, string> = {}
  const [, entry, ...args] = BUNDLE_RECIPE
  for (const name of programs) {
    files[name] = Path.join(app, `${name}.mjs`)
    Fs.writeFileSync(files[name]!, PROGRAMS[name]!)
    if (!(BUNDLED as ReadonlyArray<string>).includes(name)) continue
    // The recipe as a user runs it (app.mjs → app.bundle.mjs), with the repository's esbuild in the app's directory.
    Fs.copyFileSync(files[name]!, Path.join(app, entry))
    exec(Path.join(root, "node_modules", ".bin", "esbuild"), [entry!, ...args, "--log-level=warning"], app)
    files[`${name}-bundled`] = Path.join(app, `${name}.bundle.mjs`)
    Fs.renameSync(Path.join(app, "app.bundle.mjs"), files[`${name}-bundled`]!)
  }
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
    // "close", not "exit": a process that exits right after its line may exit before the line is read.
    child.on("close", (code) =>
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
export const coldStart = async (options: {
  readonly runs: number
  readonly chunked: boolean
  /** A commit whose `sdk` and `sdk-bundled` programs (`sdk@<commit>`, …) run in the same turns. */
  readonly baseline?: string | undefined
  /** Only these programs (and their bundles), when given. */
  readonly programs?: ReadonlyArray<string> | undefined
}): Promise<void> => {
  const scratch = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-cold-"))
  const bench = await start(await build({ tsx: false }))
  try {
    const wanted = options.programs ?? Object.keys(PROGRAMS)
    for (const name of wanted) {
      if (!(name in PROGRAMS)) throw new Error(`cold start: no program ${name} (${Object.keys(PROGRAMS).join(", ")})`)
    }
    console.log("cold start: building and packing the packages, installing them in a scratch app …")
    Fs.mkdirSync(Path.join(scratch, "current"))
    const files = prepareApp(root, Path.join(scratch, "current"), wanted)
    if (options.baseline !== undefined) {
      console.log(`cold start: the same for ${options.baseline} …`)
      const dir = Path.join(scratch, "baseline")
      Fs.mkdirSync(dir)
      const tree = checkout(options.baseline, dir)
      const before = prepareApp(tree, dir, ["sdk"])
      files[`sdk@${options.baseline}`] = before["sdk"]!
      files[`sdk-bundled@${options.baseline}`] = before["sdk-bundled"]!
    }
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
    const has = (variant: string) => samples.has(variant)
    console.log()
    if (has("axios-plugin")) {
      const plugin = at("axios-plugin", "ms")
      const pluginRss = at("axios-plugin", "rss")
      // Each SDK program against the effect-only program that imports `effect` the same way.
      const floors: ReadonlyArray<readonly [string, string]> = [
        ["sdk", "effect"],
        ["sdk-lean", "effect"],
        ["sdk-modules", "effect-modules"],
        ["sdk-modules", "effect"],
        ...(options.baseline === undefined ? [] : [[`sdk@${options.baseline}`, "effect"] as const])
      ]
      for (const [sdk, floor] of floors) {
        if (has(sdk) && has(floor)) {
          console.log(
            `medians: ${sdk} − ${floor} = ${s(at(sdk, "ms") - at(floor, "ms"))} s and ${
              mb(at(sdk, "rss") - at(floor, "rss"))
            } MB (target: at most axios-plugin's ${s(plugin)} s and ${mb(pluginRss)} MB)`
          )
        }
      }
      for (const sdk of ["sdk-bundled", "sdk-lean-bundled", "sdk-modules-bundled", `sdk-bundled@${options.baseline}`]) {
        if (has(sdk)) {
          console.log(`medians: ${sdk} ÷ axios-plugin = ${(at(sdk, "ms") / plugin).toFixed(2)}× (target ≤ 1.5×)`)
        }
      }
      for (const floor of ["platform", "platform-bundled"]) {
        if (has(floor)) console.log(`medians: ${floor} ÷ axios-plugin = ${(at(floor, "ms") / plugin).toFixed(2)}×`)
      }
    }
    console.log(`bundled with: ${BUNDLE_RECIPE.map((a) => a.includes(" ") ? JSON.stringify(a) : a).join(" ")}`)
  } finally {
    bench.close()
    Fs.rmSync(scratch, { recursive: true, force: true })
  }
}

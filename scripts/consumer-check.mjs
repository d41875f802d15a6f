// The consumer check CI runs: what a user gets from npm, outside this repository.
//
// Builds every package, lints each `dist/` (publint; attw for node16 ESM, node16 CommonJS and bundler), packs
// the tarballs, installs them into a scratch directory outside the checkout together with `effect`,
// `@effect/platform` and `typescript` from the registry (no tsx), starts the installed `effect-wechatpay-sandbox`
// bin, runs a plain-node ES module app and a CommonJS app that each pre-order against it, and type-checks a
// TypeScript consumer under strict flags with NodeNext and Bundler resolution. Prints each tarball's files and size.
//
// Usage: node scripts/consumer-check.mjs [--keep]   (--keep leaves the scratch directory for inspection)
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const packages = ["core", "payroll-card", "sandbox"]
const keep = process.argv.includes("--keep")
const run = (command, args, options = {}) => {
  console.log(`$ ${[command, ...args].join(" ")}`)
  return execFileSync(command, args, { stdio: "inherit", ...options })
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const bin = (name) => Path.join(root, "node_modules", ".bin", name)

run(process.execPath, [Path.join(root, "scripts", "build.mjs")])

const scratch = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-wechatpay-consumer-"))
const tarballs = []
for (const name of packages) {
  const dist = Path.join(root, "packages", name, "dist")
  run(bin("publint"), ["--strict"], { cwd: dist })
  run(bin("attw"), ["--pack", ".", "--profile", "node16", "--format", "table-flipped"], { cwd: dist })
  const [packed] = JSON.parse(
    execFileSync(npm, ["pack", "--json", "--pack-destination", scratch], { cwd: dist, encoding: "utf8" })
  )
  // Built files only: a TypeScript source in node_modules would be type-checked under the user's flags.
  const sources = packed.files.filter((file) => /\.(ts|tsx|mts|cts)$/.test(file.path) && !/\.d\.ts$/.test(file.path))
  if (sources.length > 0) throw new Error(`${packed.name} packs sources: ${sources.map((f) => f.path).join(", ")}`)
  tarballs.push(packed)
}

for (const file of Fs.readdirSync(Path.join(root, "scripts", "consumer"))) {
  Fs.copyFileSync(Path.join(root, "scripts", "consumer", file), Path.join(scratch, file))
}
Fs.writeFileSync(
  Path.join(scratch, "package.json"),
  JSON.stringify({ name: "effect-wechatpay-consumer", private: true, type: "module" }, null, 2)
)
const devEffect = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")).devDependencies
run(npm, [
  "install",
  "--no-audit",
  "--no-fund",
  "--no-package-lock",
  ...tarballs.map((packed) => Path.join(scratch, packed.filename)),
  `effect@${devEffect.effect}`,
  `@effect/platform@${devEffect["@effect/platform"]}`,
  `typescript@${devEffect.typescript}`
], { cwd: scratch })
if (Fs.existsSync(Path.join(scratch, "node_modules", "tsx"))) {
  throw new Error("tsx was installed: the consumer must not need it")
}

// The installed bin, as a user starts it; keys go to a directory the apps read through WECHATPAY_*_FILE.
const keys = Path.join(scratch, "keys")
const mchid = "1900000001"
const serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
const keyId = "PUB_KEY_ID_0119000000012025010100000000000000"
const sandbox = spawn(
  Path.join(scratch, "node_modules", ".bin", "effect-wechatpay-sandbox"),
  [
    "--port",
    "0",
    "--mchid",
    mchid,
    "--merchant-serial-no",
    serial,
    "--platform-public-key-id",
    keyId,
    "--write-keys",
    keys
  ],
  { cwd: scratch, stdio: ["ignore", "pipe", "inherit"] }
)
const exited = new Promise((resolve) => sandbox.once("exit", resolve))
try {
  const url = await new Promise((resolve, reject) => {
    let output = ""
    const timer = setTimeout(() => reject(new Error(`the sandbox bin did not start:\n${output}`)), 30_000)
    sandbox.stdout.on("data", (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match !== null && output.includes("Ctrl+C")) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    sandbox.once("exit", (code) => reject(new Error(`the sandbox bin exited (${code}):\n${output}`)))
  })
  console.log(`sandbox bin listening on ${url}`)
  const env = {
    ...process.env,
    WECHATPAY_MCHID: mchid,
    WECHATPAY_MERCHANT_SERIAL_NO: serial,
    WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: Path.join(keys, "merchant_private_key.pem"),
    WECHATPAY_PUBLIC_KEY_ID: keyId,
    WECHATPAY_PUBLIC_KEY_FILE: Path.join(keys, "platform_public_key.pem"),
    WECHATPAY_BASE_URL: url
  }
  run(process.execPath, ["app.mjs"], { cwd: scratch, env })
  run(process.execPath, ["app.cjs"], { cwd: scratch, env })
  const tsc = Path.join(scratch, "node_modules", "typescript", "bin", "tsc")
  run(process.execPath, [tsc, "-p", "tsconfig.nodenext.json"], { cwd: scratch })
  run(process.execPath, [tsc, "-p", "tsconfig.bundler.json"], { cwd: scratch })
} finally {
  sandbox.kill("SIGTERM")
  await exited
  if (!keep) Fs.rmSync(scratch, { recursive: true, force: true })
  else console.log(`scratch directory kept: ${scratch}`)
}

for (const packed of tarballs) {
  console.log(
    `\n${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`
  )
  for (const file of packed.files) console.log(`  ${String(file.size).padStart(7)}  ${file.path}`)
}
console.log("\nconsumer check passed")

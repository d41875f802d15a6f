// The consumer check CI runs: what a user gets from npm, outside this repository.
//
// Builds every package, lints each `dist/` (publint; attw for node16 ESM, node16 CommonJS and bundler), packs
// the tarballs, installs them into a scratch directory outside the checkout together with `effect`,
// `@effect/platform` and `typescript` from the registry (no tsx), starts the installed `effect-wechatpay-sandbox`
// bin, runs a plain-node ES module app and a CommonJS app that each pre-order against it, and type-checks a
// TypeScript consumer under strict flags with NodeNext and Bundler resolution. Prints each tarball's files and size.
//
// Usage: node scripts/consumer-check.mjs [--keep]   (--keep leaves the scratch directory for inspection)
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startSandbox } from "./sandbox-process.mjs"

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
// The same TypeScript as a CommonJS module: its imports then resolve through the packages' `require` types.
Fs.copyFileSync(Path.join(root, "scripts", "consumer", "app.ts"), Path.join(scratch, "app.cts"))
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
const sandbox = await startSandbox({
  command: Path.join(scratch, "node_modules", ".bin", "effect-wechatpay-sandbox"),
  cwd: scratch,
  keys: Path.join(scratch, "keys")
})
try {
  console.log(`sandbox bin listening on ${sandbox.url}`)
  const env = sandbox.env
  run(process.execPath, ["app.mjs"], { cwd: scratch, env })
  run(process.execPath, ["app.cjs"], { cwd: scratch, env })
  const tsc = Path.join(scratch, "node_modules", "typescript", "bin", "tsc")
  run(process.execPath, [tsc, "-p", "tsconfig.nodenext.json"], { cwd: scratch })
  run(process.execPath, [tsc, "-p", "tsconfig.bundler.json"], { cwd: scratch })
} finally {
  await sandbox.stop()
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

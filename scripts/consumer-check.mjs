// The consumer check CI runs: what a user gets from npm, outside this repository, set up as the README says.
//
// Builds every package, lints each `dist/` (publint; attw for node16 ESM, node16 CommonJS and bundler) and packs
// the tarballs. Then, in a fresh app in a scratch directory outside the checkout:
//
// 1. The README's own install lines. Every `npm install` line of README.md's ```sh blocks (Install, Testing your
//    code against the sandbox), read from README.md at run time, is run in order through `sh -c`, as written,
//    with one substitution: each `@effect-wechatpay/<name>` spec becomes the path of that package's packed
//    tarball (the packages are not on the registry under test; npm installs a tarball path as it would the
//    published version, and the other packages' `@effect-wechatpay/core@^0.1.0` dependency resolves to the
//    installed tarball). Everything else — `effect@^3.22.4`, `@effect/platform-node@^0.108.2`, the test
//    dependencies — comes from the registry as a user gets it, without `--legacy-peer-deps` (refused in a line,
//    and forced off). A line fails the check on a non-zero exit, any `ERESOLVE`, or a peer warning naming one of
//    our packages. Before installing, every registry spec of those lines and of packages/*/README.md must carry
//    the range the root package.json pins (an unpinned `effect` or `@effect/*` resolves to Effect 4), and every
//    package's peerDependencies (and a dependency the root pins too) must equal those ranges. `typescript` is
//    added afterwards, to compile.
// 2. The installed `effect-wechatpay-sandbox` bin, started as a separate process; clients are configured ONLY
//    through the `export WECHATPAY_…=…` lines it printed (no variable of this process's own).
// 3. The README's Usage program (```ts program under "## Usage"), compiled with tsc and run with plain node
//    against it; the testing section's test (```ts test under "## Testing your code against the sandbox"), run
//    with the vitest and @effect/vitest the README installed.
//    Then the README's own lines for running it: its `npx effect-wechatpay-sandbox …` line, as written (the
//    installed bin, plus `--port 0`), in a directory where the env file it writes does not exist yet, as on a first
//    run; and the program, compiled, run with plain node and `--env-file=` that file, as the line after it says.
// 4. The README's notification server (```ts server under "## Platform certificates and callbacks"), compiled and
//    run with plain node, configured by the lines a second installed sandbox bin printed (`--key-mode mixed`, as the
//    README says), sent one signed notification by it: WeChat's side must hear 204 and the handler must have run;
//    started with the first sandbox's lines (no APIv3 key) it must stop at once, naming WECHATPAY_API_V3_KEY.
// 5. The installed `wechatpay` bin (packages/cli/README.md's install line): `--help`, and one call against the sandbox.
// 6. A plain-node ES module app and a CommonJS app that pre-order against the sandbox (no tsx installed), and a
//    TypeScript consumer type-checked under strict flags with NodeNext and Bundler resolution.
// 7. A one-call program (scripts/consumer/one-call.mjs) bundled by docs/performance.md's esbuild recipe
//    (scripts/bundle-recipe.mjs): the bundle runs against the sandbox, and keeps no other call's route.
// Prints each tarball's files and size.
//
// Usage: node scripts/consumer-check.mjs [--keep]   (--keep leaves the scratch directory for inspection)
import { execFileSync, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { BUNDLE_RECIPE } from "./bundle-recipe.mjs"
import { checkNotificationServer } from "./notification-server.mjs"
import { blockUnder, installLines, shLinesUnder, specs } from "./readme.mjs"
import { startSandbox } from "./sandbox-process.mjs"
import { workspacePackages } from "./workspaces.mjs"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const packages = workspacePackages().map((pkg) => pkg.dir)
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

// The pins: what the README tells a user to install must be the Effect 3 ranges this repository builds with.
const pinned = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")).devDependencies
const readme = Fs.readFileSync(Path.join(root, "README.md"), "utf8")
const lines = installLines(readme)
if (lines.length === 0) throw new Error("README.md shows no npm install line")
const ours = (name) => name.startsWith("@effect-wechatpay/")
const documented = new Map(lines.flatMap(specs).filter(({ name }) => !ours(name)).map((s) => [s.name, s.spec]))
for (const [name, spec] of documented) {
  if (pinned[name] === undefined || spec !== `${name}@${pinned[name]}`) {
    throw new Error(`README.md installs ${spec}: pin it as ${name}@${pinned[name] ?? "<the range package.json uses>"}`)
  }
}
for (const name of packages) {
  const text = Fs.readFileSync(Path.join(root, "packages", name, "README.md"), "utf8")
  for (const { name: dependency, spec } of installLines(text).flatMap(specs).filter((s) => !ours(s.name))) {
    if (documented.get(dependency) !== spec) {
      throw new Error(
        `packages/${name}/README.md installs ${spec}, README.md ${documented.get(dependency) ?? "not at all"}`
      )
    }
  }
  const manifest = JSON.parse(Fs.readFileSync(Path.join(root, "packages", name, "package.json"), "utf8"))
  // Peers must be the pins; a dependency the repository also pins (the sandbox's @effect/platform-node) too.
  for (const [field, entries] of [["peers on", manifest.peerDependencies], ["depends on", manifest.dependencies]]) {
    for (const [dependency, range] of Object.entries(entries ?? {})) {
      if (ours(dependency) || (field === "depends on" && pinned[dependency] === undefined)) continue
      if (range !== pinned[dependency]) {
        throw new Error(
          `@effect-wechatpay/${name} ${field} ${dependency}@${range}, the repository pins ${pinned[dependency]}`
        )
      }
    }
  }
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

// 1. The README's install lines, our specs replaced by the tarballs (see the header).
const tarballOf = new Map(tarballs.map((packed) => [packed.name, Path.join(scratch, packed.filename)]))
// Our packages each one depends on, directly or not: a user's npm fetches those from the registry; here they are
// not published, so their tarballs go on the same command line (a package the app already has is not added twice).
const ourDependencies = new Map(
  workspacePackages().map((pkg) => [pkg.name, Object.keys(pkg.manifest.dependencies ?? {}).filter(ours)])
)
const installed = new Set()
const closure = (names) => {
  const found = new Set()
  const visit = (name) => {
    for (const dependency of ourDependencies.get(name) ?? []) {
      if (!found.has(dependency)) {
        found.add(dependency)
        visit(dependency)
      }
    }
  }
  for (const name of names) visit(name)
  return [...found].filter((name) => !names.includes(name) && !installed.has(name))
}
const npmInstall = (line) => {
  if (/--legacy-peer-deps|--force\b/.test(line)) throw new Error(`an install line must resolve as written: ${line}`)
  const named = []
  let command = line.replace(/(^|\s)(@effect-wechatpay\/[a-z-]+)(@\S+)?(?=\s|$)/g, (match, space, name) => {
    const tarball = tarballOf.get(name)
    if (tarball === undefined) throw new Error(`${line}: ${name} is not one of this repository's packages`)
    named.push(name)
    return `${space}${tarball}`
  })
  const unpublished = closure(named)
  if (unpublished.length > 0) command = `${command} ${unpublished.map((name) => tarballOf.get(name)).join(" ")}`
  for (const name of [...named, ...unpublished]) installed.add(name)
  console.log(`$ ${line}\n  (run as: ${command})`)
  const result = spawnSync("/bin/sh", ["-c", command], {
    cwd: scratch,
    encoding: "utf8",
    env: { ...process.env, npm_config_legacy_peer_deps: "false", npm_config_audit: "false", npm_config_fund: "false" }
  })
  const output = `${result.stdout}${result.stderr}`
  process.stdout.write(output)
  // npm spreads a peer problem over several `npm warn` lines ("Could not resolve dependency: peer …", "While
  // resolving: …"): the warnings fail the line when one speaks of a peer and any names one of our packages.
  const warnings = output.split("\n").filter((l) => /^npm warn/i.test(l))
  const peerTrouble = warnings.some((l) => /peer/i.test(l)) && warnings.some((l) => /@effect-wechatpay/.test(l))
  if (result.status !== 0 || /ERESOLVE/.test(output) || peerTrouble) {
    throw new Error(
      `\`${line}\` does not install cleanly (exit ${result.status}${/ERESOLVE/.test(output) ? ", ERESOLVE" : ""}${
        peerTrouble ? ", a peer warning about our packages" : ""
      })`
    )
  }
}
for (const line of lines) npmInstall(line)
// The command line, as packages/cli/README.md installs it.
for (const line of installLines(Fs.readFileSync(Path.join(root, "packages", "cli", "README.md"), "utf8"))) {
  npmInstall(line)
}
// Not a README line: the compiler the checks below use, at the repository's version.
npmInstall(`npm install --save-dev typescript@${pinned.typescript}`)
if (Fs.existsSync(Path.join(scratch, "node_modules", "tsx"))) {
  throw new Error("tsx was installed: the consumer must not need it")
}

// 2. The installed bin, as a user starts it; everything below is configured by what it printed.
const sandbox = await startSandbox({
  command: Path.join(scratch, "node_modules", ".bin", "effect-wechatpay-sandbox"),
  cwd: scratch,
  keys: Path.join(scratch, ".sandbox-keys")
})
try {
  console.log(`sandbox bin listening on ${sandbox.url}; printed ${Object.keys(sandbox.exports).join(", ")}`)
  const env = sandbox.env
  const tsc = Path.join(scratch, "node_modules", "typescript", "bin", "tsc")

  // 3. The README's Usage program, compiled as a user's TypeScript would be, run with plain node; then the
  // testing section's test, with the test dependencies the README names.
  Fs.writeFileSync(Path.join(scratch, "usage.ts"), blockUnder(readme, "## Usage", "program"))
  run(process.execPath, [tsc, "-p", "tsconfig.usage.json"], { cwd: scratch })
  run(process.execPath, [Path.join("usage-out", "usage.js")], { cwd: scratch, env })
  Fs.writeFileSync(
    Path.join(scratch, "readme.test.ts"),
    blockUnder(readme, "## Testing your code against the sandbox", "test")
  )
  run(process.execPath, [Path.join(scratch, "node_modules", "vitest", "vitest.mjs"), "run", "readme.test.ts"], {
    cwd: scratch
  })

  // 3b. The README's run lines, as a user types them on a first run.
  const [sandboxLine] = shLinesUnder(readme, "## Usage", "npx effect-wechatpay-sandbox")
  // Either name: with the old one node itself stops on the missing file, and this step fails as a user would.
  const envFile = /--(?:write-env|env-file) (\S+)/.exec(sandboxLine)?.[1]
  if (envFile === undefined) throw new Error(`the README's sandbox line writes no env file: ${sandboxLine}`)
  const firstRun = Path.join(scratch, "first-run")
  Fs.mkdirSync(firstRun)
  console.log(`$ (in ${firstRun}) ${sandboxLine} --port 0`)
  const readmeSandbox = await startSandbox({
    command: Path.join(scratch, "node_modules", ".bin", "effect-wechatpay-sandbox"),
    cwd: firstRun,
    args: [...sandboxLine.split(/\s+/).slice(2), "--port", "0"]
  })
  try {
    const withoutOwn = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("WECHATPAY_"))
    )
    run(process.execPath, [`--env-file=${envFile}`, Path.join(scratch, "usage-out", "usage.js")], {
      cwd: firstRun,
      env: withoutOwn
    })
  } finally {
    await readmeSandbox.stop()
  }

  // 4. The README's notification server, notified by a mixed-mode sandbox (see the header).
  Fs.writeFileSync(
    Path.join(scratch, "server.ts"),
    blockUnder(readme, "## Platform certificates and callbacks", "server")
  )
  Fs.writeFileSync(
    Path.join(scratch, "tsconfig.server.json"),
    JSON.stringify({
      extends: "./tsconfig.usage.json",
      compilerOptions: { outDir: "server-out" },
      files: ["server.ts"]
    })
  )
  run(process.execPath, [tsc, "-p", "tsconfig.server.json"], { cwd: scratch })
  const mixed = await startSandbox({
    command: Path.join(scratch, "node_modules", ".bin", "effect-wechatpay-sandbox"),
    cwd: scratch,
    keys: Path.join(scratch, ".sandbox-keys-mixed"),
    extra: ["--key-mode", "mixed"]
  })
  try {
    await checkNotificationServer({
      command: process.execPath,
      args: [Path.join("server-out", "server.js")],
      cwd: scratch,
      env: mixed.env,
      envWithoutKey: env,
      sandboxUrl: mixed.url
    })
  } finally {
    await mixed.stop()
  }

  // 5. The installed `wechatpay` bin (bundled, plain node): its help, and one call against the sandbox, configured by
  // the same printed lines; stdout is the answer's JSON and nothing else.
  const wechatpay = Path.join(scratch, "node_modules", ".bin", "wechatpay")
  run(wechatpay, ["--help"], { cwd: scratch, env, stdio: "ignore" })
  const relation = JSON.parse(
    execFileSync(wechatpay, [
      "payroll-card",
      "get-relation",
      "--openid",
      "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
      "--sub-mchid",
      "1900000109",
      "--sub-appid",
      "wxa1111111111111"
    ], { cwd: scratch, env, encoding: "utf8" })
  )
  if (relation.openid !== "onqOjjmo8wmTOOtSKwXtGjg9Gb58") throw new Error(`wechatpay get-relation: ${relation}`)
  console.log(`wechatpay payroll-card get-relation: ${JSON.stringify(relation)}`)

  // 6. Plain-node apps in both module formats, and the strict type checks.
  run(process.execPath, ["app.mjs"], { cwd: scratch, env })
  run(process.execPath, ["app.cjs"], { cwd: scratch, env })
  run(process.execPath, [tsc, "-p", "tsconfig.nodenext.json"], { cwd: scratch })
  run(process.execPath, [tsc, "-p", "tsconfig.bundler.json"], { cwd: scratch })

  // 7. A one-call program bundled by the documented recipe: it runs, and keeps that call only. The build marks the
  // calls a module makes while loading pure, and each payroll-card call is derived from its own declaration, so the
  // other calls' declarations, schemas and routes are left out (docs/performance.md).
  const recipe = BUNDLE_RECIPE.slice(1).map((arg) =>
    arg === "app.mjs" ? "one-call.mjs" : arg === "--outfile=app.bundle.mjs" ? "--outfile=one-call.bundle.mjs" : arg
  )
  run(bin("esbuild"), [...recipe, "--log-level=warning"], { cwd: scratch })
  run(process.execPath, ["one-call.bundle.mjs"], { cwd: scratch, env })
  const bundle = Fs.readFileSync(Path.join(scratch, "one-call.bundle.mjs"), "utf8")
  const kept = ["/v3/payroll-card/authentications/pre-order-with-auth"]
  const dropped = ["/v3/payroll-card/transfer-batches", "/v3/partner-transfer/batches", "/v3/payroll-card/tokens"]
  for (const route of kept) if (!bundle.includes(route)) throw new Error(`the one-call bundle lacks ${route}`)
  for (const route of dropped) {
    if (bundle.includes(route)) throw new Error(`the one-call bundle keeps ${route}, a call the program never makes`)
  }
  console.log(`one-call bundle: ${bundle.length} bytes, only the call it makes`)
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

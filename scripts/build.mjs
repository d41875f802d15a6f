// Builds every package into its own `dist/`, the directory that is packed and published, the way Effect's
// own packages are built, with one difference: each format gets its own declarations.
//
//   dist/package.json   the manifest to publish: `exports` per public module, ESM and CommonJS conditions
//   dist/esm/           ES modules, `.d.ts` + declaration maps, source maps   (tsc, module NodeNext; then
//                       pure-call marks for bundlers: annotate-pure.mjs)
//   dist/cjs/           CommonJS, its own copy of the `.d.ts`                 (tsc, module CommonJS)
//   dist/README.md, dist/LICENSE
//
// Why two declaration trees: `@effect/build-utils` shares one `dts/` between formats, so TypeScript reads the
// CommonJS entry's types as ES module types ("Masquerading as CJS" in attw). A `.d.ts` is read in the format of
// the nearest package.json `type`, so `esm/` and `cjs/` each carry a type marker and their own declarations.
//
// The workspace package.json files keep pointing at `src/`: tests, examples and `tsx` run from sources with no
// build. Usage: node scripts/build.mjs [package …]   (default: every package, in dependency order)
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { annotatePure } from "./annotate-pure.mjs"
import { bundleBin } from "./bundle-bin.mjs"
import { workspacePackages } from "./workspaces.mjs"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const tsc = Path.join(root, "node_modules", "typescript", "bin", "tsc")
const order = workspacePackages().map((pkg) => pkg.dir)
const selected = process.argv.length > 2 ? process.argv.slice(2) : order

const readJson = (file) => JSON.parse(Fs.readFileSync(file, "utf8"))
const writeJson = (file, value) => Fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
const versions = Object.fromEntries(
  order.map((name) => {
    const manifest = readJson(Path.join(root, "packages", name, "package.json"))
    return [manifest.name, manifest.version]
  })
)

// The conditions of one module: each format names its own declarations first.
const entry = (module) => ({
  import: { types: `./esm/${module}.d.ts`, default: `./esm/${module}.js` },
  require: { types: `./cjs/${module}.d.ts`, default: `./cjs/${module}.js` }
})

const build = async (name) => {
  const dir = Path.join(root, "packages", name)
  const dist = Path.join(dir, "dist")
  const manifest = readJson(Path.join(dir, "package.json"))
  Fs.rmSync(dist, { recursive: true, force: true })
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: dir, stdio: "inherit" })
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.cjs.json"], { cwd: dir, stdio: "inherit" })

  const esm = Path.join(dist, "esm")
  const cjs = Path.join(dist, "cjs")
  // Pure-call marks, as Effect's build adds them, so that a bundle keeps only what its program uses.
  annotatePure(esm)
  // The CommonJS tree gets its own declarations, next to the modules it has (bins are ESM only).
  for (const file of Fs.readdirSync(esm, { recursive: true })) {
    if (!/\.d\.ts(\.map)?$/.test(file)) continue
    const module = file.replace(/\.d\.ts(\.map)?$/, "")
    if (!Fs.existsSync(Path.join(cjs, `${module}.js`))) continue
    Fs.copyFileSync(Path.join(esm, file), Path.join(cjs, file))
  }
  // Bundlers read `sideEffects` from the nearest package.json, so each tree lists its own files.
  const sideEffects = (tree) =>
    (manifest.sideEffects ?? [])
      .map((source) => source.replace(/^\.\/src\//, "").replace(/\.ts$/, ".js"))
      .filter((file) => Fs.existsSync(Path.join(dist, tree, file)))
      .map((file) => `./${tree}/${file}`)
  const local = (tree) => sideEffects(tree).map((file) => file.replace(`./${tree}/`, "./"))
  writeJson(Path.join(esm, "package.json"), { type: "module", sideEffects: local("esm") })
  writeJson(Path.join(cjs, "package.json"), { type: "commonjs", sideEffects: local("cjs") })

  // Bins: built ES modules with a node shebang, executable; or, for a package whose manifest says `bundleBin`,
  // one esbuild bundle in dist/bin/ (start-up: see bundle-bin.mjs).
  const bin = {}
  for (const [command, source] of Object.entries(manifest.bin ?? {})) {
    if (manifest.bundleBin === true) {
      await bundleBin({ entry: Path.join(dir, source), outdir: Path.join(dist, "bin"), name: command })
      bin[command] = `./bin/${command}.js`
      continue
    }
    const module = Path.basename(source, ".ts")
    const file = Path.join(esm, `${module}.js`)
    const code = Fs.readFileSync(file, "utf8")
    // A source shebang (`tsx`, for running from the repository) gives way to node's.
    Fs.writeFileSync(file, `#!/usr/bin/env node\n${code.startsWith("#!") ? code.slice(code.indexOf("\n") + 1) : code}`)
    Fs.chmodSync(file, 0o755)
    bin[command] = `./esm/${module}.js`
  }
  const bins = new Set(Object.values(manifest.bin ?? {}).map((source) => Path.basename(source, ".ts")))

  // One subpath per public module (PascalCase files of src/), as `effect` and `@effect/platform` export theirs.
  const modules = Fs.readdirSync(Path.join(dir, "src"))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts" && !bins.has(Path.basename(file, ".ts")))
    .map((file) => Path.basename(file, ".ts"))
    .sort()
  const exports = { "./package.json": "./package.json", ".": entry("index") }
  for (const module of modules) exports[`./${module}`] = entry(module)
  exports["./internal/*"] = null

  const dependencies = Object.fromEntries(
    Object.entries(manifest.dependencies ?? {}).map((
      [dep, range]
    ) => [dep, dep in versions ? `^${versions[dep]}` : range])
  )
  const published = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    ...(manifest.homepage ? { homepage: manifest.homepage } : {}),
    ...(manifest.repository ? { repository: manifest.repository } : {}),
    ...(manifest.keywords ? { keywords: manifest.keywords } : {}),
    type: "module",
    sideEffects: [...sideEffects("esm"), ...sideEffects("cjs")],
    engines: manifest.engines,
    main: "./cjs/index.js",
    module: "./esm/index.js",
    types: "./cjs/index.d.ts",
    // For TypeScript's legacy `node10` resolution, which reads no `exports`.
    typesVersions: { "*": Object.fromEntries(modules.map((module) => [module, [`./cjs/${module}.d.ts`]])) },
    exports,
    ...(Object.keys(bin).length > 0 ? { bin } : {}),
    ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
    ...(manifest.peerDependencies ? { peerDependencies: manifest.peerDependencies } : {}),
    publishConfig: { access: "public" }
  }
  writeJson(Path.join(dist, "package.json"), published)
  Fs.copyFileSync(Path.join(dir, "README.md"), Path.join(dist, "README.md"))
  Fs.copyFileSync(Path.join(root, "LICENSE"), Path.join(dist, "LICENSE"))
  console.log(`built ${manifest.name} → ${Path.relative(root, dist)} (${modules.length + 1} entry points)`)
}

for (const name of order.filter((name) => selected.includes(name))) await build(name)

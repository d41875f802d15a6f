// Bundles a package's bin into one ES module for plain node, the way an operator runs it many times a day: start-up
// is what it costs. esbuild inlines every import (no resolution of hundreds of files at start-up) and minifies (less
// to parse); what a command loads with `import()` becomes a chunk beside it, read only when that command runs.
// Used by scripts/build.mjs for packages whose manifest says `"bundleBin": true`, and by their tests.
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"

// Packages a bin reaches through barrel modules (`@effect/platform`'s index, `effect`'s Arbitrary, @effect/cli's
// config-file parsers) but never calls: each is replaced by a stub whose every export throws when used, so it is
// neither parsed nor compiled at start-up. A bin that needs one of them lists it in `keep`. Not `multipasta`: the
// sandbox (`wechatpay sandbox start`) parses uploads with it, in the lazily loaded sandbox chunk.
const UNUSED = ["msgpackr", "find-my-way-ts", "yaml", "toml", "fast-check"]
const STUB = `module.exports = new Proxy({}, { get: (_, name) => name === "__esModule" ? false : function unbundled() {
  throw new Error("not bundled into this bin: " + String(name))
} })`

const stubs = (keep) => ({
  name: "unused-packages",
  setup(build) {
    const names = UNUSED.filter((name) => !keep.includes(name))
    const filter = new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(/.*)?$`)
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "unused" }))
    build.onLoad({ filter: /.*/, namespace: "unused" }, () => ({ contents: STUB, loader: "js" }))
  }
})

/** Bundles `entry` into `outdir/<name>.js` (plus lazily loaded chunks), executable, with a node shebang. */
export const bundleBin = async ({ entry, outdir, name, keep = [] }) => {
  Fs.rmSync(outdir, { recursive: true, force: true })
  await esbuild.build({
    entryPoints: { [name]: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    legalComments: "none",
    chunkNames: "chunks/[name]-[hash]",
    // A source shebang (`tsx`) is dropped by esbuild's; a CommonJS dependency may still call `require`.
    banner: {
      js: "import{createRequire as __cr}from\"node:module\";const require=__cr(import.meta.url);"
    },
    plugins: [stubs(keep)],
    logLevel: "warning"
  })
  const file = Path.join(outdir, `${name}.js`)
  // esbuild keeps the entry's own `#!` line (`tsx`, for running from the repository): node's replaces it.
  const code = Fs.readFileSync(file, "utf8").split("\n").filter((line) => !line.startsWith("#!"))
  Fs.writeFileSync(file, ["#!/usr/bin/env node", ...code].join("\n"))
  Fs.chmodSync(file, 0o755)
  return file
}

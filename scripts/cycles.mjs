// No value-import cycle in any package: dpdm over each workspace package's sources, type-only imports skipped (a
// public module's types imported by its own internal implementation is Effect's pattern and fine). Exits non-zero,
// listing the cycles, when a package has one. Usage: node scripts/cycles.mjs
import { spawnSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { workspacePackages } from "./workspaces.mjs"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const dpdm = Path.join(root, "node_modules", ".bin", "dpdm")
let failed = false
for (const { dir, name } of workspacePackages()) {
  const context = Path.join("packages", dir)
  const result = spawnSync(
    dpdm,
    ["--no-warning", "--no-tree", "-T", "--exit-code", "circular:1", "--context", context, `${context}/src/**/*.ts`],
    { cwd: root, encoding: "utf8" }
  )
  if (result.status !== 0) {
    failed = true
    console.error(`${name}: value-import cycles\n${result.stdout}${result.stderr}`)
  } else console.log(`${name}: no value-import cycle`)
}
process.exit(failed ? 1 : 0)

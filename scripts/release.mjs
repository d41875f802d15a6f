// Publishes the built packages: `dist/` of each workspace package, never its sources (the workspace
// package.json files point at `src/` for development and refuse `npm publish` themselves), then tags the
// release with changesets. Run `npx changeset version` first.
import { execFileSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { workspacePackages } from "./workspaces.mjs"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: "inherit" })

run(process.execPath, [Path.join(root, "scripts", "build.mjs")])
for (const { dir: name } of workspacePackages()) {
  run("npm", ["publish", "--access", "public", ...process.argv.slice(2)], Path.join(root, "packages", name, "dist"))
}
run("npx", ["changeset", "tag"])

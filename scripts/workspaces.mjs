// The repository's packages, read from the root package.json's `workspaces`, in dependency order (a package after
// the workspace packages it depends on): the list every script builds, packs, checks and publishes, so a new
// package needs no script edit.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const readJson = (file) => JSON.parse(Fs.readFileSync(file, "utf8"))

/** Each workspace package as `{ dir, name, version, manifest }` (`dir` is its folder under packages/). */
export const workspacePackages = () => {
  const found = readJson(Path.join(root, "package.json")).workspaces.map((workspace) => {
    const manifest = readJson(Path.join(root, workspace, "package.json"))
    return { dir: Path.basename(workspace), name: manifest.name, version: manifest.version, manifest }
  })
  const byName = new Map(found.map((pkg) => [pkg.name, pkg]))
  const ordered = []
  const visiting = new Set()
  const visit = (pkg) => {
    if (ordered.includes(pkg)) return
    if (visiting.has(pkg)) throw new Error(`workspace dependency cycle through ${pkg.name}`)
    visiting.add(pkg)
    const { dependencies = {}, peerDependencies = {} } = pkg.manifest
    for (const dependency of Object.keys({ ...dependencies, ...peerDependencies })) {
      const local = byName.get(dependency)
      if (local !== undefined) visit(local)
    }
    visiting.delete(pkg)
    ordered.push(pkg)
  }
  for (const pkg of found) visit(pkg)
  return ordered
}

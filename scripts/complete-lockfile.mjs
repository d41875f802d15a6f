// Completes package-lock.json with the platform-specific optional packages npm left out.
//
// Why: the registry this project's machines reach answers 404 for platform packages of other systems
// (@rollup/rollup-darwin-arm64, @esbuild/win32-x64, …), so `npm install` records their parents'
// optionalDependencies but writes no entry for them, and `npm ci` then refuses the lockfile
// ("Missing: … from lock file"). An entry with just the version and `optional: true` satisfies
// `npm ci`: on this platform it skips the package, elsewhere it fetches it as usual.
//
// Run after every `npm install`: node scripts/complete-lockfile.mjs
import * as FileSystem from "node:fs"

const path = new URL("../package-lock.json", import.meta.url)
const lock = JSON.parse(FileSystem.readFileSync(path, "utf8"))
const added = []
for (const meta of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (lock.packages[key] === undefined) {
      lock.packages[key] = { version, dev: meta.dev === true ? true : undefined, optional: true }
      added.push(`${name}@${version}`)
    }
  }
}
FileSystem.writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(added.length === 0 ? "lockfile complete" : `added ${added.length} entries: ${added.join(", ")}`)

// Marks the calls a module makes while it loads (`export const Request = Schema.Struct(…)`, `class X extends
// Schema.TaggedError<X>()(…)`, `Endpoint.toCall(…)`) with `/*#__PURE__*/`, as Effect's own packages are built
// (`babel-plugin-annotate-pure-calls`, their `build-annotate` step). A bundler may then drop what a program never
// uses: a program that makes one payroll-card call does not carry, nor build at start, the schemas of the other
// calls (docs/performance.md). Statement-level calls (`Object.defineProperty(…)`) are left alone: only a call
// whose result is assigned, or extended, is marked, so nothing that runs for its effect can be dropped.
//
// Applied to the ES module tree only: bundlers tree-shake ES modules; node's `require` ignores the marks.
import { transformFileSync } from "@babel/core"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"

const require = createRequire(import.meta.url)
const plugin = require.resolve("babel-plugin-annotate-pure-calls")

/**
 * Annotates every `.js` file under `dir` in place, keeping each file's source map pointing at the TypeScript
 * source: babel reads the map tsc wrote (`//# sourceMappingURL=`) and writes the composed one back.
 */
export const annotatePure = (dir) => {
  for (const file of Fs.readdirSync(dir, { recursive: true })) {
    if (!file.endsWith(".js")) continue
    const path = Path.join(dir, file)
    const hasMap = Fs.existsSync(`${path}.map`)
    const result = transformFileSync(path, {
      babelrc: false,
      configFile: false,
      plugins: [plugin],
      // The code keeps its comments (JSDoc, licence) and its layout as far as babel's printer allows.
      comments: true,
      retainLines: true,
      inputSourceMap: hasMap,
      sourceMaps: hasMap
    })
    if (result?.code == null) throw new Error(`annotate-pure: babel gave nothing for ${path}`)
    let code = result.code.replace(/\n\/\/# sourceMappingURL=.*$/, "")
    if (hasMap) {
      Fs.writeFileSync(`${path}.map`, JSON.stringify({ ...result.map, file: Path.basename(path) }))
      code += `\n//# sourceMappingURL=${Path.basename(path)}.map`
    }
    Fs.writeFileSync(path, `${code}\n`)
  }
}

/**
 * Where each contender's main-thread time goes, per call: V8's sampling profiler (the one behind
 * `node --cpu-prof`), started in the contender's process after a warm-up and stopped after a timed run,
 * so start-up and compilation are not counted. Threadpool signing runs on other threads and is not in
 * the profile; synchronous signing shows as the native `sign` function.
 *
 *   npx tsx bench/profile.ts                                  sdk-lean, sdk-undici, bare-threadpool at c=32
 *   npx tsx bench/profile.ts --contenders=sdk-fetch --concurrency=1 --seconds=8 --top=30
 *   npx tsx bench/profile.ts --contenders=sdk-lean,sdk-lean@465586f     today's SDK and the one at a commit
 *   npx tsx bench/profile.ts --alloc --contenders=sdk-lean,axios-plugin     bytes allocated per call, by function
 *   npx tsx bench/profile.ts --child-flags="--trace-gc-nvp"                 V8 options for the contenders
 *
 * With `--alloc`, the sampling heap profiler replaces the CPU profiler: every byte allocated on the main
 * thread's heap, freed or not, by the function that allocated it. The young-generation collections a call
 * costs follow from it, and they are most of what separates contenders whose main-thread time is level.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { contenders as known } from "./contenders/index.js"
import { build, parseName, start, stopChild } from "./processes.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "..")

const flag = (name: string): string | undefined => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`))
  return arg?.slice(arg.indexOf("=") + 1)
}
const names = (flag("contenders") ?? "sdk-lean,sdk-undici,bare-threadpool").split(",")
for (const name of names) if (!(parseName(name).contender in known)) throw new Error(`unknown contender ${name}`)
const concurrency = Number(flag("concurrency") ?? 32)
const seconds = Number(flag("seconds") ?? 6)
const top = Number(flag("top") ?? 20)
const allocations = process.argv.includes("--alloc")
// Node and V8 options for the contenders' processes, e.g. `--child-flags="--trace-gc-nvp"`.
const childFlags = flag("child-flags")?.split(" ").filter((f) => f !== "") ?? []

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/**
 * esbuild marks where each bundled module starts with a `// path/to/Module.ts` comment: map the lines
 * of our bundles back to source modules, so functions read as `core/src/Signer.ts`, not `chunk-X.mjs`.
 */
const moduleLines = new Map<string, Array<readonly [number, string]>>()
const sourceModule = (file: string, line: number): string | undefined => {
  let marks = moduleLines.get(file)
  if (marks === undefined) {
    marks = []
    const lines = Fs.existsSync(file) ? Fs.readFileSync(file, "utf8").split("\n") : []
    lines.forEach((text, i) => {
      const mark = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/.exec(text)
      if (mark !== null) marks!.push([i, mark[1]!.replace(/^(\.\.\/)+/, "").replace(/^packages\//, "")])
    })
    moduleLines.set(file, marks)
  }
  let found: string | undefined
  for (const [start, name] of marks) if (start <= line) found = name
  return found
}

/** Where a function lives: a package, a node internal, one of our modules, or the engine itself. */
const locate = (url: string, line: number): { readonly place: string; readonly group: string } => {
  if (url === "") return { place: "", group: "native (V8 builtins, node:crypto bindings)" }
  if (url.startsWith("node:")) {
    const place = url.replace(/^node:(internal\/)?/, "")
    return { place, group: place.startsWith("deps/undici") ? "undici (node's bundled)" : `node ${place.split("/")[0]}` }
  }
  const path = url.startsWith("file://") ? fileURLToPath(url) : url
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path)
  if (modules !== null) {
    return { place: `${modules[1]}/${modules[2]!.replace(/^dist\/(esm|cjs)\//, "")}`, group: modules[1]! }
  }
  const source = sourceModule(path, line)
  const place = source ?? Path.relative(root, path)
  return { place, group: source === undefined ? place : `ours: ${source.split("/").slice(0, 2).join("/")}` }
}

const analyse = (profile: Profile, calls: number) => {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<number, number>()
  // timeDeltas[i] is the time since the previous sample: charge it to the function now on the stack.
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const byFunction = new Map<string, number>()
  const byGroup = new Map<string, number>()
  let busy = 0
  let idle = 0
  for (const [id, micros] of self) {
    const { callFrame } = nodes.get(id)!
    if (callFrame.functionName === "(idle)") {
      idle += micros
      continue
    }
    busy += micros
    const { group, place } = locate(callFrame.url, callFrame.lineNumber)
    const name = callFrame.functionName === "" ? "(anonymous)" : callFrame.functionName
    const key = place === "" ? name : `${name}  ${place}:${callFrame.lineNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
    const g = callFrame.functionName.startsWith("(") ? callFrame.functionName : group
    byGroup.set(g, (byGroup.get(g) ?? 0) + micros)
  }
  const perCall = (micros: number) => `${(micros / calls).toFixed(0).padStart(5)} µs`
  const share = (micros: number) => `${(micros / busy * 100).toFixed(1).padStart(5)} %`
  console.log(
    `  main thread busy ${perCall(busy)}/call (${(busy / (busy + idle) * 100).toFixed(0)} % of the run), ${calls} calls`
  )
  console.log("  by where the code lives:")
  for (const [group, micros] of [...byGroup].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`    ${perCall(micros)} ${share(micros)}  ${group}`)
  }
  console.log(`  top ${top} functions by self time:`)
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`    ${perCall(micros)} ${share(micros)}  ${name}`)
  }
}

interface HeapNode {
  readonly callFrame: ProfileNode["callFrame"]
  readonly selfSize: number
  readonly children: ReadonlyArray<HeapNode>
}

const analyseAllocations = (profile: { readonly head: HeapNode }, calls: number) => {
  const byFunction = new Map<string, number>()
  const byGroup = new Map<string, number>()
  let total = 0
  const walk = (node: HeapNode) => {
    const { callFrame } = node
    const { group, place } = locate(callFrame.url, callFrame.lineNumber)
    const name = callFrame.functionName === "" ? "(anonymous)" : callFrame.functionName
    const key = place === "" ? name : `${name}  ${place}:${callFrame.lineNumber + 1}`
    total += node.selfSize
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize)
    const g = callFrame.functionName.startsWith("(") ? callFrame.functionName : group
    byGroup.set(g, (byGroup.get(g) ?? 0) + node.selfSize)
    node.children.forEach(walk)
  }
  walk(profile.head)
  const perCall = (bytes: number) => `${(bytes / calls / 1024).toFixed(1).padStart(6)} KiB`
  console.log(`  allocated ${perCall(total)}/call, ${calls} calls`)
  console.log("  by where the code lives:")
  for (const [group, bytes] of [...byGroup].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`    ${perCall(bytes)}  ${group}`)
  }
  console.log(`  top ${top} functions by bytes allocated:`)
  for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`    ${perCall(bytes)}  ${name}`)
  }
}

const main = async () => {
  console.log(
    `profile at concurrency ${concurrency}, ${seconds} s each; ${Os.cpus().length} cpus, node ${process.version}, ` +
      `load average ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`
  )
  const baselines = [...new Set(names.map((n) => parseName(n).baseline).filter((b) => b !== undefined))]
  const bench = await start(await build({ tsx: process.argv.includes("--tsx"), baselines }))
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-profile-"))
  try {
    for (const name of names) {
      const child = await bench.startChild(name, childFlags)
      // Calls first, so the server knows this process's rate when it pre-signs for the timed runs.
      await child.run({ _tag: "Run", concurrency, calls: 400 })
      await child.run({ _tag: "Run", concurrency, durationMs: 2_000 })
      const profileTo = Path.join(dir, `${name}.${allocations ? "heapprofile" : "cpuprofile"}`)
      const result = await child.run({
        _tag: "Run",
        concurrency,
        durationMs: seconds * 1000,
        profileTo,
        profile: allocations ? "allocations" : "cpu"
      })
      await stopChild(child)
      console.log(
        `\n${name}: ${(result.completed / result.elapsedMs * 1000).toFixed(0)} calls/s while profiled, ` +
          `${result.errors} errors; profile ${profileTo}`
      )
      const profile = JSON.parse(Fs.readFileSync(profileTo, "utf8"))
      if (allocations) analyseAllocations(profile, result.completed)
      else analyse(profile, result.completed)
    }
  } finally {
    bench.close()
  }
}

await main()

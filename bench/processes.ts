/**
 * Starting the bench's processes: the compiled (or tsx-run) server and contender processes, the keys
 * they share, and the request/reply protocol with each contender.
 */
import { TestKeys } from "@effect-wechatpay/sandbox"
import { Effect } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { ServerCommand, ServerReply } from "./server.js"
import { type Command, KEYS_FILE, type Reply, type RunResult } from "./shared.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "..")

/**
 * A contender's process and a way to send it one command at a time.
 */
export interface Child {
  readonly name: string
  readonly process: ChildProcess.ChildProcess
  readonly request: <R extends Reply>(command: Command) => Promise<R>
  /**
   * Runs one slot, after asking the server to pre-sign the answers to every call the slot may make
   * (counted from the calls this process already made, bounded by its best rate so far), so that no
   * answer is signed on the measured path.
   */
  readonly run: (command: Extract<Command, { _tag: "Run" }>) => Promise<RunResult>
}

/** How the server and contender processes are started: compiled JavaScript, or TypeScript through tsx. */
export interface Programs {
  readonly child: string
  readonly server: string
  /** The contender program of each baseline commit: today's bench around that commit's SDK packages. */
  readonly baselines: ReadonlyMap<string, string>
  readonly execArgv: ReadonlyArray<string>
  readonly description: string
  /** Removes what {@link build} wrote. */
  readonly cleanup: () => void
}

/**
 * Where {@link build} writes: inside the repository so the bundles resolve node_modules, and named `dist`
 * so that git and eslint already ignore it. Removed again when the run ends.
 */
export const BUILD_DIR = Path.join(here, "dist")

const external = {
  name: "dependencies-stay-external",
  setup(build: import("esbuild").PluginBuild) {
    build.onResolve(
      { filter: /^[^./]/ },
      (args) => args.path.startsWith("@effect-wechatpay/") ? undefined : { external: true }
    )
  }
}

const bundle = async (
  esbuild: typeof import("esbuild"),
  outdir: string,
  entryPoints: Record<string, string>,
  plugins: Array<import("esbuild").Plugin>
) =>
  esbuild.build({
    entryPoints,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    plugins
  })

/**
 * The SDK as it was at `commit`: `git archive` of its `packages/` into a temporary directory outside the
 * repository, and today's contender program (`child.ts` and `contenders/`) bundled with its
 * `@effect-wechatpay/*` imports resolved into that copy. The contender code is today's, so both sides
 * do exactly the same calls; only the SDK differs.
 */
const buildBaseline = async (esbuild: typeof import("esbuild"), commit: string, tmp: string): Promise<string> => {
  const git = (...args: Array<string>) =>
    ChildProcess.execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  let sha: string
  try {
    sha = git("rev-parse", "--verify", "--quiet", `${commit}^{commit}`).trim()
  } catch {
    throw new Error(`--baseline=${commit}: not a commit of this repository`)
  }
  const tree = Path.join(tmp, commit)
  Fs.mkdirSync(tree, { recursive: true })
  const tar = Path.join(tmp, `${commit}.tar`)
  git("archive", "--format=tar", "-o", tar, sha, "packages", "tsconfig.base.json")
  ChildProcess.execFileSync("tar", ["-xf", tar, "-C", tree])
  const outdir = Path.join(BUILD_DIR, `baseline-${commit}`)
  await bundle(esbuild, outdir, { child: Path.join(here, "child.ts") }, [{
    name: "sdk-at-baseline",
    setup(build) {
      build.onResolve({ filter: /^@effect-wechatpay\// }, (args) => {
        const [, pkg, sub] = /^@effect-wechatpay\/([^/]+)(?:\/(.+))?$/.exec(args.path)!
        const file = Path.join(tree, "packages", pkg!, "src", `${sub ?? "index"}.ts`)
        if (!Fs.existsSync(file)) return { errors: [{ text: `${args.path} does not exist at ${commit}` }] }
        return { path: file }
      })
    }
  }, external])
  return Path.join(outdir, "child.mjs")
}

/**
 * Compiles the server and the contenders to plain ESM first, as an application would ship them, so the
 * measured processes carry no TypeScript loader: under tsx, merely loading `effect` costs about 75 MB
 * more RSS (the loader's per-module caches), which would be charged to the SDK. Our workspace packages
 * are bundled in (their exports are TypeScript); every other package stays an ordinary import from
 * node_modules, loaded as in production. Each contender is its own lazily imported chunk, so a process
 * loads only its own client. Falls back to tsx when esbuild (a dependency of tsx) cannot be loaded.
 * Each commit in `baselines` gets a contender program of its own (see `--baseline` in run.ts); those need
 * esbuild.
 *
 * @example
 * ```ts
 * const programs = await build({ tsx: false, baselines: ["465586f"] })
 * ```
 */
export const build = async (
  options: { readonly tsx: boolean; readonly baselines?: ReadonlyArray<string> }
): Promise<Programs> => {
  const commits = options.baselines ?? []
  if (!options.tsx || commits.length > 0) {
    let esbuild: typeof import("esbuild") | undefined
    try {
      esbuild = await import("esbuild")
    } catch (error) {
      if (commits.length > 0) throw new Error(`a baseline needs esbuild: ${String(error).slice(0, 120)}`)
      console.log(`(esbuild unavailable, running through tsx: ${String(error).slice(0, 120)})`)
    }
    if (esbuild !== undefined) {
      Fs.rmSync(BUILD_DIR, { recursive: true, force: true })
      const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-baseline-"))
      const cleanup = () => {
        Fs.rmSync(BUILD_DIR, { recursive: true, force: true })
        Fs.rmSync(tmp, { recursive: true, force: true })
      }
      try {
        await bundle(esbuild, BUILD_DIR, { child: Path.join(here, "child.ts"), server: Path.join(here, "server.ts") }, [
          external
        ])
        const baselines = new Map<string, string>()
        for (const commit of commits) baselines.set(commit, await buildBaseline(esbuild, commit, tmp))
        return {
          child: Path.join(BUILD_DIR, "child.mjs"),
          server: Path.join(BUILD_DIR, "server.mjs"),
          baselines,
          execArgv: [],
          description: "compiled with esbuild, run by plain node",
          cleanup
        }
      } catch (error) {
        cleanup()
        throw error
      }
    }
  }
  return {
    child: Path.join(here, "child.ts"),
    server: Path.join(here, "server.ts"),
    baselines: new Map(),
    execArgv: ["--import", "tsx"],
    description: "TypeScript through tsx (RSS includes the loader's caches)",
    cleanup: () => {}
  }
}

const fork = (
  programs: Programs,
  file: string,
  args: Array<string>,
  env: NodeJS.ProcessEnv,
  execArgv: ReadonlyArray<string>
) =>
  ChildProcess.fork(file, args, {
    env: { ...process.env, ...env },
    execArgv: [...programs.execArgv, ...execArgv],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })

/**
 * The environment shared by every process of one run: fresh keys in a private temporary directory,
 * and the server's address once it listens.
 */
export interface Bench {
  readonly programs: Programs
  readonly env: NodeJS.ProcessEnv
  /** `env` with `BENCH_BASE_URL` at the server's port that answers without `Content-Length`. */
  readonly chunkedEnv: NodeJS.ProcessEnv
  readonly startChild: (name: string, execArgv?: ReadonlyArray<string>) => Promise<Child>
  /** What the server did: calls answered, answers pre-signed (and the time it took), answers signed on the path. */
  readonly serverStats: () => Promise<Extract<ServerReply, { _tag: "Stats" }>>
  readonly close: () => void
}

// A slot's calls are bounded by the process's best rate so far at that concurrency, with this margin, and
// by at least MIN_RATE: a warm-up's rate (cold JIT, a short run) can be far below what the slots reach.
// Answers prepared and not used are served in the process's next slot, or to the next process.
const RATE_MARGIN = 3
const MIN_RATE = 4_000
const EXTRA_CALLS = 500
// Before a process has run at a concurrency: more than any contender reaches on these machines.
const UNKNOWN_RATE = 10_000

/**
 * Generates keys, starts the server, and returns a way to start contenders against it; `childEnv` is
 * added to the contenders' environment (not the server's).
 *
 * @example
 * ```ts
 * const bench = await start(await build({ tsx: false }))
 * const child = await bench.startChild("bare-sync")
 * ```
 */
export const start = async (programs: Programs, childEnv: NodeJS.ProcessEnv = {}): Promise<Bench> => {
  const keysDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-bench-"))
  const children: Array<Child> = []
  let server: ChildProcess.ChildProcess | undefined
  const close = () => {
    for (const child of children) child.process.kill()
    server?.kill()
    Fs.rmSync(keysDir, { recursive: true, force: true })
    programs.cleanup()
  }
  try {
    // Fresh keys every run: none is ever written outside this private temporary directory.
    const keys = await Effect.runPromise(TestKeys.generateSet())
    Fs.writeFileSync(Path.join(keysDir, KEYS_FILE), JSON.stringify(keys), { mode: 0o600 })
    const started = fork(programs, programs.server, [], { BENCH_KEYS_DIR: keysDir }, [])
    server = started
    const { chunkedPort, port } = await new Promise<{ port: number; chunkedPort: number }>((resolve, reject) => {
      started.once("message", (m: ServerReply) => m._tag === "Listening" && resolve(m))
      started.once("exit", (code) => reject(new Error(`bench server exited with code ${code}`)))
    })
    // One command to the server at a time: the runner drives one slot at a time.
    const ask = <T extends ServerReply["_tag"]>(command: ServerCommand, tag: T) =>
      new Promise<Extract<ServerReply, { _tag: T }>>((resolve) => {
        const onMessage = (reply: ServerReply) => {
          if (reply._tag !== tag) return
          started.off("message", onMessage)
          resolve(reply as Extract<ServerReply, { _tag: T }>)
        }
        started.on("message", onMessage)
        started.send(command)
      })
    const env = { ...childEnv, BENCH_KEYS_DIR: keysDir, BENCH_BASE_URL: `http://127.0.0.1:${port}` }
    const chunkedEnv = { ...env, BENCH_BASE_URL: `http://127.0.0.1:${chunkedPort}` }
    const startChild = (name: string, execArgv: ReadonlyArray<string> = []) =>
      new Promise<Child>((resolve, reject) => {
        const { baseline, chunked, contender, threadpool } = parseName(name)
        const program = baseline === undefined ? programs.child : programs.baselines.get(baseline)
        if (program === undefined) return reject(new Error(`${name}: no program was built for ${baseline}`))
        const child = fork(
          programs,
          program,
          [contender],
          threadpool === undefined ? (chunked ? chunkedEnv : env) : {
            ...(chunked ? chunkedEnv : env),
            UV_THREADPOOL_SIZE: threadpool
          },
          execArgv
        )
        let waiting: { resolve: (reply: any) => void; reject: (error: Error) => void } | undefined
        let sequence = 0
        const rates = new Map<number, number>()
        const request = <R extends Reply>(command: Command) =>
          new Promise<R>((resolve, reject) => {
            waiting = { resolve, reject }
            child.send(command)
          })
        const run = async (command: Extract<Command, { _tag: "Run" }>) => {
          const expected = Math.max((rates.get(command.concurrency) ?? UNKNOWN_RATE) * RATE_MARGIN, MIN_RATE)
          const bound = command.calls ?? Math.ceil(expected * (command.durationMs ?? 0) / 1000) + EXTRA_CALLS
          await ask({ _tag: "Prepare", from: sequence, to: sequence + bound }, "Prepared")
          const result = await request<RunResult>(command)
          sequence = result.nextSequence
          const rate = result.completed / (result.elapsedMs / 1000)
          rates.set(command.concurrency, Math.max(rates.get(command.concurrency) ?? 0, rate))
          return result
        }
        child.on("message", (reply: Reply) => {
          if (reply._tag === "Ready") {
            const ready: Child = { name, process: child, request, run }
            children.push(ready)
            return resolve(ready)
          }
          const w = waiting
          waiting = undefined
          if (reply._tag === "Failed") w?.reject(new Error(`${name}: ${reply.message}`))
          else w?.resolve(reply)
        })
        child.on("exit", (code) => {
          const error = new Error(`${name} exited with code ${code}`)
          waiting?.reject(error)
          reject(error)
        })
      })
    return { programs, env, chunkedEnv, startChild, serverStats: () => ask({ _tag: "Stats" }, "Stats"), close }
  } catch (error) {
    close()
    throw error
  }
}

/**
 * A contender's name, optionally with `+tpN` to run it with libuv's threadpool at N threads
 * (`sdk-lean+tp1`), so both sizes can take turns in one run, and with `@<commit>` to run the SDK as it
 * was at that commit (`sdk-lean@465586f`, see `--baseline` in run.ts), and with `+chunked` to call the server's
 * port that answers without `Content-Length` (see `--chunked` in run.ts).
 *
 * @example
 * ```ts
 * parseName("sdk-lean@465586f+tp1+chunked")
 * // { contender: "sdk-lean", baseline: "465586f", threadpool: "1", chunked: true }
 * ```
 */
export const parseName = (name: string): {
  readonly contender: string
  readonly baseline: string | undefined
  readonly threadpool: string | undefined
  readonly chunked: boolean
} => {
  const match = /^([^@+]*)(?:@([^+]+))?(?:\+tp(\d+))?(\+chunked)?$/.exec(name)
  return match === null
    ? { contender: name, baseline: undefined, threadpool: undefined, chunked: false }
    : { contender: match[1]!, baseline: match[2], threadpool: match[3], chunked: match[4] !== undefined }
}

/**
 * Asks a contender to close its client and exit; kills it if it has not within 5 seconds.
 *
 * @example
 * ```ts
 * await stopChild(child)
 * ```
 */
export const stopChild = (child: Child): Promise<void> =>
  new Promise<void>((resolve) => {
    if (child.process.exitCode !== null) return resolve()
    const timer = setTimeout(() => child.process.kill(), 5_000)
    child.process.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.process.send({ _tag: "Exit" } satisfies Command)
  })

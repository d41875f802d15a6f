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
import { type Command, KEYS_FILE, type Reply } from "./shared.js"

const here = Path.dirname(fileURLToPath(import.meta.url))

/**
 * A contender's process and a way to send it one command at a time.
 */
export interface Child {
  readonly name: string
  readonly process: ChildProcess.ChildProcess
  readonly request: <R extends Reply>(command: Command) => Promise<R>
}

/** How the server and contender processes are started: compiled JavaScript, or TypeScript through tsx. */
export interface Programs {
  readonly child: string
  readonly server: string
  readonly execArgv: ReadonlyArray<string>
  readonly description: string
}

/**
 * Where {@link build} writes: inside the repository so the bundles resolve node_modules, and named `dist`
 * so that git and eslint already ignore it. Removed again when the run ends.
 */
export const BUILD_DIR = Path.join(here, "dist")

/**
 * Compiles the server and the contenders to plain ESM first, as an application would ship them, so the
 * measured processes carry no TypeScript loader: under tsx, merely loading `effect` costs about 75 MB
 * more RSS (the loader's per-module caches), which would be charged to the SDK. Our workspace packages
 * are bundled in (their exports are TypeScript); every other package stays an ordinary import from
 * node_modules, loaded as in production. Each contender is its own lazily imported chunk, so a process
 * loads only its own client. Falls back to tsx when esbuild (a dependency of tsx) cannot be loaded.
 *
 * @example
 * ```ts
 * const programs = await build({ tsx: false })
 * ```
 */
export const build = async (options: { readonly tsx: boolean }): Promise<Programs> => {
  if (!options.tsx) {
    try {
      const esbuild = await import("esbuild")
      Fs.rmSync(BUILD_DIR, { recursive: true, force: true })
      await esbuild.build({
        entryPoints: { child: Path.join(here, "child.ts"), server: Path.join(here, "server.ts") },
        outdir: BUILD_DIR,
        outExtension: { ".js": ".mjs" },
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: "node20",
        logLevel: "warning",
        plugins: [{
          name: "dependencies-stay-external",
          setup(build) {
            build.onResolve(
              { filter: /^[^./]/ },
              (args) => args.path.startsWith("@effect-wechatpay/") ? undefined : { external: true }
            )
          }
        }]
      })
      return {
        child: Path.join(BUILD_DIR, "child.mjs"),
        server: Path.join(BUILD_DIR, "server.mjs"),
        execArgv: [],
        description: "compiled with esbuild, run by plain node"
      }
    } catch (error) {
      console.log(`(esbuild unavailable, running through tsx: ${String(error).slice(0, 120)})`)
    }
  }
  return {
    child: Path.join(here, "child.ts"),
    server: Path.join(here, "server.ts"),
    execArgv: ["--import", "tsx"],
    description: "TypeScript through tsx (RSS includes the loader's caches)"
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
  readonly startChild: (name: string, execArgv?: ReadonlyArray<string>) => Promise<Child>
  readonly close: () => void
}

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
    if (programs.execArgv.length === 0) Fs.rmSync(BUILD_DIR, { recursive: true, force: true })
  }
  try {
    // Fresh keys every run: none is ever written outside this private temporary directory.
    const keys = await Effect.runPromise(TestKeys.generateSet())
    Fs.writeFileSync(Path.join(keysDir, KEYS_FILE), JSON.stringify(keys), { mode: 0o600 })
    const started = fork(programs, programs.server, [], { BENCH_KEYS_DIR: keysDir }, [])
    server = started
    const port = await new Promise<number>((resolve, reject) => {
      started.once("message", (m: { readonly port: number }) => resolve(m.port))
      started.once("exit", (code) => reject(new Error(`bench server exited with code ${code}`)))
    })
    const env = { ...childEnv, BENCH_KEYS_DIR: keysDir, BENCH_BASE_URL: `http://127.0.0.1:${port}` }
    const startChild = (name: string, execArgv: ReadonlyArray<string> = []) =>
      new Promise<Child>((resolve, reject) => {
        const { contender, threadpool } = parseName(name)
        const child = fork(
          programs,
          programs.child,
          [contender],
          threadpool === undefined ? env : { ...env, UV_THREADPOOL_SIZE: threadpool },
          execArgv
        )
        let waiting: { resolve: (reply: any) => void; reject: (error: Error) => void } | undefined
        child.on("message", (reply: Reply) => {
          if (reply._tag === "Ready") {
            const ready: Child = {
              name,
              process: child,
              request: (command) =>
                new Promise((resolve, reject) => {
                  waiting = { resolve, reject }
                  child.send(command)
                })
            }
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
    return { programs, env, startChild, close }
  } catch (error) {
    close()
    throw error
  }
}

/**
 * A contender's name, optionally with `+tpN` to run it with libuv's threadpool at N threads
 * (`sdk-lean+tp1`), so both sizes can take turns in one run.
 *
 * @example
 * ```ts
 * parseName("sdk-lean+tp1") // { contender: "sdk-lean", threadpool: "1" }
 * ```
 */
export const parseName = (name: string): { readonly contender: string; readonly threadpool: string | undefined } => {
  const match = /^(.*)\+tp(\d+)$/.exec(name)
  return match === null ? { contender: name, threadpool: undefined } : { contender: match[1]!, threadpool: match[2]! }
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

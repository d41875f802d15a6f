/**
 * `npm run bench`: this SDK against wechatpay-axios-plugin and bare node:crypto + node:http clients, on
 * the pre-order-with-auth endpoint of a loopback server, in one run. `effect-floor` is the threadpool bare
 * client's call run as an Effect and decoded with Schema: the floor of any client built on them, so the
 * SDK's own cost (in time and peak RSS) is what it shows above that floor.
 *
 *   npm run bench                      full run (≈ 4–5 minutes on 2 cores)
 *   npm run bench -- --quick           smoke run (a few hundred calls): fails only if a contender errors
 *   npm run bench -- --rounds=3 --contenders=sdk-lean,bare-threadpool --rss=none
 *   npm run bench -- --baseline=465586f
 *                                      adds sdk-undici@465586f and sdk-lean@465586f: the SDK as it was at
 *                                      that commit, in the same run, so before/after ratios come from one
 *                                      run (also `--contenders=sdk-lean@<commit>,…` for any commit)
 *   npm run bench -- --child-flags="--no-allocation-site-pretenuring"
 *                                      V8 options for every contender, to study the runtime under them
 *   npm run bench -- --chunked         every contender also against the server's port that answers without
 *                                      Content-Length (`name+chunked`), in the same slots
 *   npm run bench -- --cold=7          cold start (bench/coldstart.ts): 7 fresh processes per program, after the
 *                                      warm run (5 by default; skipped under --quick unless --cold is given)
 *   npm run bench -- --cold-only       the cold-start measure alone; with --baseline=<commit> it also runs that
 *                                      commit's packages (`sdk@<commit>`, `sdk-bundled@<commit>`) in the same turns
 *   npm run bench -- --cold-only --cold-programs=sdk,sdk-lean,effect
 *                                      only these cold-start programs (and their bundles)
 *   npm run bench -- --contenders=sdk-undici,axios-plugin --rounds=1 --cold=0 --rss=sdk-undici \
 *     --rss-calls=2000,50000,100000,200000
 *                                      the RSS-growth probe over more calls (checkpoints; 2,000, 10,000 and
 *                                      20,000 by default): a leak grows with them, paging noise does not
 *   npm run bench -- --help            this text
 *
 * Each contender runs in its own process (its CPU time and peak RSS are its own) and is warmed up before
 * it is measured; the server runs in another and answers as WeChat does (each answer echoes the
 * request's identifiers, with its own nonce and signature, pre-signed before each slot so the server's
 * CPU does not decide the result: see server.ts). Contenders take turns in round-robin slots, the
 * starting one rotating each round, so drift in machine load is shared rather than landing on whoever
 * ran last. Calls/s, CPU and main-thread time are totals over all rounds; latencies are pooled; the
 * calls/s range shows the spread between rounds.
 *
 * A baseline (`@<commit>`) is the SDK's packages at that commit (`git archive` into a temporary directory
 * outside the repository) bundled with today's contender code, so both do the very same calls.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import { coldStart } from "./coldstart.js"
import { contenders as known, DEFAULT_CONTENDERS } from "./contenders/index.js"
import { build, type Child, parseName, start, stopChild } from "./processes.js"
import type { Command, MemoryResult, RunResult } from "./shared.js"

const flag = (name: string): string | undefined => {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  return arg === undefined ? undefined : arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : "true"
}

if (flag("help") !== undefined) {
  const text = Fs.readFileSync(new URL(import.meta.url), "utf8")
  console.log(text.slice(text.indexOf("/**") + 3, text.indexOf("*/")).replace(/^ \* ?/gm, "").trim())
  process.exit(0)
}

const quick = flag("quick") !== undefined
const baseline = flag("baseline")
const chunked = flag("chunked") !== undefined
const coldOnly = flag("cold-only") !== undefined
const coldFlag = flag("cold")
const coldRuns = coldFlag === undefined ? (quick ? 0 : 5) : coldFlag === "true" ? 5 : Number(coldFlag)
const framed = [
  ...(flag("contenders")?.split(",") ?? DEFAULT_CONTENDERS),
  ...(baseline === undefined ? [] : ["sdk-undici", "sdk-lean"].map((n) => `${n}@${baseline}`))
].filter((n, i, all) => n !== "" && all.indexOf(n) === i)
const names = chunked ? framed.flatMap((n) => [n, `${n}+chunked`]) : framed
for (const name of names) {
  const { baseline, contender } = parseName(name)
  if (!(contender in known)) throw new Error(`unknown contender ${name}`)
  if (baseline !== undefined && !contender.startsWith("sdk-")) throw new Error(`${name}: only sdk-* have a baseline`)
}
const baselines = [...new Set(names.map((n) => parseName(n).baseline).filter((b) => b !== undefined))]
const rounds = Number(flag("rounds") ?? (quick ? 1 : 5))
const CONCURRENCIES = [1, 32] as const
// Full runs are time-boxed per slot (so a slow contender cannot stretch the run); quick runs count calls.
const slot = (concurrency: number): Pick<Extract<Command, { _tag: "Run" }>, "durationMs" | "calls"> =>
  quick
    ? { calls: concurrency === 1 ? 10 : 48 }
    : { durationMs: concurrency === 1 ? 1_500 : 2_500 }
const rssNames = (flag("rss") ?? (quick ? "none" : "sdk-undici,sdk-lean")).split(",")
  .filter((n) => n !== "none" && n !== "" && names.includes(n))
// libuv's threadpool size for the contenders (node's default is 4), to study signing threads competing
// with the main thread for the cores.
const threadpool = flag("threadpool")
// Node and V8 options for every contender's process, to study the runtime under them (not for the targets).
const childFlags = flag("child-flags")?.split(" ").filter((f) => f !== "") ?? []
const RSS_CHECKPOINTS = (flag("rss-calls") ?? "2000,10000,20000").split(",").map(Number)
if (RSS_CHECKPOINTS.some((n, i) => !Number.isInteger(n) || n <= (RSS_CHECKPOINTS[i - 1] ?? 0))) {
  throw new Error("--rss-calls: increasing whole numbers of calls, e.g. 2000,50000,100000")
}

// ---------------------------------------------------------------------------------------------------
// statistics

interface Totals {
  completed: number
  errors: number
  firstError: string | undefined
  elapsedMs: number
  cpuMicros: number
  loopActiveMs: number
  maxRss: number
  readonly latencies: Array<Float64Array>
  readonly rates: Array<number>
}

const emptyTotals = (): Totals => ({
  completed: 0,
  errors: 0,
  firstError: undefined,
  elapsedMs: 0,
  cpuMicros: 0,
  loopActiveMs: 0,
  maxRss: 0,
  latencies: [],
  rates: []
})

const add = (totals: Totals, result: RunResult) => {
  totals.completed += result.completed
  totals.errors += result.errors
  totals.firstError ??= result.firstError
  totals.elapsedMs += result.elapsedMs
  totals.cpuMicros += result.cpuMicros
  totals.loopActiveMs += result.loopActiveMs
  totals.maxRss = Math.max(totals.maxRss, result.maxRss)
  totals.latencies.push(result.latencies)
  totals.rates.push(result.completed / (result.elapsedMs / 1000))
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

const summarize = (totals: Totals) => {
  const all = new Float64Array(totals.latencies.reduce((n, l) => n + l.length, 0))
  let offset = 0
  for (const l of totals.latencies) {
    all.set(l, offset)
    offset += l.length
  }
  all.sort()
  return {
    rate: totals.completed / (totals.elapsedMs / 1000),
    minRate: Math.min(...totals.rates),
    maxRate: Math.max(...totals.rates),
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    cpuMs: totals.cpuMicros / 1000 / totals.completed,
    loopMs: totals.loopActiveMs / totals.completed,
    maxRssMb: totals.maxRss / 1024 / 1024
  }
}

const fmt = (n: number, digits = 0) => Number.isFinite(n) ? n.toFixed(digits) : "—"
const pad = (s: string, n: number) => s.padStart(n)

// ---------------------------------------------------------------------------------------------------
// the run

const main = async () => {
  const cpus = Os.cpus()
  console.log(`effect-wechatpay bench${quick ? " (--quick)" : ""}: POST ${"/v3/payroll-card/…/pre-order-with-auth"}`)
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}, ${fmt(Os.totalmem() / 2 ** 30, 1)} GiB, ` +
      `${process.platform}/${process.arch}, node ${process.version}; load average ${
        Os.loadavg().map((l) => l.toFixed(2)).join(" ")
      }`
  )
  console.log(
    `contenders: ${names.join(", ")}; ${rounds} round(s) × concurrency ${CONCURRENCIES.join(" and ")}, ` +
      (quick ? "10 / 48 calls per slot" : "slots of 1.5 s / 2.5 s")
  )

  const programs = await build({ tsx: flag("tsx") !== undefined, baselines })
  console.log(
    `processes: one per contender and one for the server, ${programs.description}` +
      (threadpool === undefined ? "" : `; UV_THREADPOOL_SIZE=${threadpool}`) +
      (childFlags.length === 0 ? "" : `; contenders run with ${childFlags.join(" ")}`)
  )
  const bench = await start(programs, threadpool === undefined ? {} : { UV_THREADPOOL_SIZE: threadpool })
  try {
    const children: Array<Child> = []
    for (const name of names) children.push(await bench.startChild(name, childFlags))

    // Warm-up (JIT, connection pools), discarded.
    for (const child of children) {
      await child.run({ _tag: "Run", concurrency: 32, calls: quick ? 32 : 400 })
      await child.run({ _tag: "Run", concurrency: 1, calls: quick ? 4 : 50 })
    }

    const totals = new Map<string, Totals>()
    const key = (name: string, concurrency: number) => `${name}@${concurrency}`
    for (let round = 0; round < rounds; round++) {
      const order = names.map((_, i) => children[(i + round) % children.length]!)
      for (const concurrency of CONCURRENCIES) {
        for (const child of order) {
          const result = await child.run({ _tag: "Run", concurrency, ...slot(concurrency) })
          const t = totals.get(key(child.name, concurrency)) ?? emptyTotals()
          add(t, result)
          totals.set(key(child.name, concurrency), t)
        }
      }
      if (!quick) process.stdout.write(`  round ${round + 1}/${rounds} done, load ${Os.loadavg()[0]!.toFixed(2)}\n`)
    }
    for (const child of children) await stopChild(child)

    console.log()
    console.log(
      `${"contender".padEnd(20)}${pad("conc", 5)}${pad("calls/s", 9)}${pad("(min–max)", 13)}${pad("p50 ms", 8)}${
        pad("p99 ms", 8)
      }${pad("CPU ms/call", 12)}${pad("main ms/call", 13)}${pad("peak RSS MB", 12)}${pad("errors", 7)}`
    )
    const summaries = new Map<string, ReturnType<typeof summarize>>()
    let failed = false
    for (const concurrency of CONCURRENCIES) {
      for (const name of names) {
        const t = totals.get(key(name, concurrency))!
        const s = summarize(t)
        summaries.set(key(name, concurrency), s)
        console.log(
          `${name.padEnd(20)}${pad(String(concurrency), 5)}${pad(fmt(s.rate), 9)}${
            pad(`(${fmt(s.minRate)}–${fmt(s.maxRate)})`, 13)
          }${pad(fmt(s.p50, 2), 8)}${pad(fmt(s.p99, 2), 8)}${pad(fmt(s.cpuMs, 2), 12)}${pad(fmt(s.loopMs, 2), 13)}${
            pad(fmt(s.maxRssMb), 12)
          }${pad(String(t.errors), 7)}`
        )
        if (t.errors > 0 || t.completed === 0) {
          failed = true
          console.log(`  ${name} failed ${t.errors} call(s): ${t.firstError ?? "no call completed"}`)
        }
      }
    }
    console.log(
      "CPU ms/call: user+system of the client process, all threads; main ms/call: event-loop busy time per call."
    )

    const ratio = (a: string, b: string, concurrency: number, field: "rate" | "p50") => {
      const x = summaries.get(key(a, concurrency))?.[field]
      const y = summaries.get(key(b, concurrency))?.[field]
      return x === undefined || y === undefined ? "—" : `${(x / y).toFixed(2)}×`
    }
    // The same ratio round by round, as the median and range over the rounds: two contenders' slots of one round
    // are seconds apart, so a change in the machine's speed during the run (which moves whole runs by ±25 % on a
    // shared machine) mostly cancels out of each round's ratio, and the range shows how far one run can be read.
    const paired = (a: string, b: string, concurrency: number) => {
      const x = totals.get(key(a, concurrency))?.rates
      const y = totals.get(key(b, concurrency))?.rates
      if (x === undefined || y === undefined || x.length === 0 || x.length !== y.length) return "—"
      const r = x.map((v, i) => v / y[i]!).sort((p, q) => p - q)
      const mid = r.length >> 1
      const median = r.length % 2 === 1 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2
      return `${median.toFixed(2)}× (${r[0]!.toFixed(2)}–${r[r.length - 1]!.toFixed(2)})`
    }
    console.log()
    // Each contender against the others of its own framing (`+chunked` against `+chunked`).
    const same = (name: string, other: string) => name.endsWith("+chunked") ? `${other}+chunked` : other
    // The SDK's contenders, and the floor an Effect client cannot go below (effect-floor.ts).
    const measured = names.filter((n) => n.startsWith("sdk-") || n.startsWith("effect-floor"))
    for (const sdk of measured) {
      const parts = CONCURRENCIES.map((c) =>
        `c=${c}: ÷ axios-plugin ${ratio(sdk, same(sdk, "axios-plugin"), c, "rate")}, ÷ bare-threadpool ${
          ratio(sdk, same(sdk, "bare-threadpool"), c, "rate")
        }`
      )
      console.log(
        `${sdk.padEnd(20)} calls/s ${parts.join("; ")}; p50 ÷ bare-sync at c=1 ${
          ratio(sdk, same(sdk, "bare-sync"), 1, "p50")
        }`
      )
    }
    for (const sdk of measured) {
      console.log(
        `${sdk.padEnd(20)} ÷ ${same(sdk, "axios-plugin")} round by round, median (range): ${
          CONCURRENCIES.map((c) => `c=${c} ${paired(sdk, same(sdk, "axios-plugin"), c)}`).join(", ")
        }`
      )
    }
    for (const commit of baselines) {
      for (const suffix of chunked ? ["", "+chunked"] : [""]) {
        const parts = ["sdk-undici", "sdk-lean"]
          .filter((n) => names.includes(n + suffix) && names.includes(`${n}@${commit}${suffix}`))
          .map((n) => {
            const [after, before] = [n + suffix, `${n}@${commit}${suffix}`]
            return `${after} c=1 ${ratio(after, before, 1, "rate")}, c=32 ${ratio(after, before, 32, "rate")}`
          })
        if (parts.length > 0) console.log(`after ÷ before (${commit}) calls/s: ${parts.join("; ")}`)
        const rounds = ["sdk-undici", "sdk-lean"]
          .filter((n) => names.includes(n + suffix) && names.includes(`${n}@${commit}${suffix}`))
          .map((n) =>
            `${n + suffix} ${
              CONCURRENCIES.map((c) => `c=${c} ${paired(n + suffix, `${n}@${commit}${suffix}`, c)}`).join(", ")
            }`
          )
        if (rounds.length > 0) console.log(`  round by round, median (range): ${rounds.join("; ")}`)
      }
    }
    if (chunked) {
      for (const n of framed.filter((n) => names.includes(`${n}+chunked`))) {
        console.log(
          `${n.padEnd(20)} chunked ÷ Content-Length calls/s: c=1 ${ratio(`${n}+chunked`, n, 1, "rate")}, c=32 ${
            ratio(`${n}+chunked`, n, 32, "rate")
          }`
        )
      }
    }
    if (names.includes("sdk-lean") && names.includes("sdk-undici")) {
      console.log(
        `sdk-lean ÷ sdk-undici calls/s: c=1 ${ratio("sdk-lean", "sdk-undici", 1, "rate")}, c=32 ${
          ratio("sdk-lean", "sdk-undici", 32, "rate")
        }`
      )
    }
    // Peak RSS against the plugin, and against the floor that Effect and Schema set before this SDK adds a line.
    const peak = (name: string) => Math.max(...CONCURRENCIES.map((c) => summaries.get(key(name, c))?.maxRssMb ?? NaN))
    for (const sdk of ["sdk-lean", "sdk-undici"].filter((n) => names.includes(n))) {
      const floor = names.includes("effect-floor") ? peak("effect-floor") : Number.NaN
      console.log(
        `peak RSS ${sdk} ${fmt(peak(sdk))} MB ÷ axios-plugin ${fmt(peak(sdk) / peak("axios-plugin"), 2)}×; ` +
          `the floor effect-floor (Effect + Schema, no SDK) ${fmt(floor)} MB ÷ axios-plugin ${
            fmt(floor / peak("axios-plugin"), 2)
          }×; ${sdk} − effect-floor ${fmt(peak(sdk) - floor)} MB`
      )
    }
    // Issue 9's targets: the best transport the SDK ships against the axios plugin, and no ratio below the baseline's.
    console.log(
      "targets: sdk-lean ÷ axios-plugin calls/s ≥ 1.0× at c=1 and ≥ 1.2× at c=32, each at or above its baseline's"
    )

    // RSS growth: a fresh process per SDK contender, at concurrency 32, measured after a full GC at each
    // checkpoint. RSS after GC still moves by ±10 % between probes (V8 and malloc return pages lazily),
    // so the retained heap is shown next to it: a leak shows in both.
    for (const name of rssNames) {
      const child = await bench.startChild(name, ["--expose-gc"])
      const probes: Array<string> = []
      let done = 0
      let errors = 0
      let firstError: string | undefined
      const rss: Array<number> = []
      for (const checkpoint of RSS_CHECKPOINTS) {
        const result = await child.run({ _tag: "Run", concurrency: 32, calls: checkpoint - done })
        done = checkpoint
        errors += result.errors
        firstError ??= result.firstError
        const memory = await child.request<MemoryResult>({ _tag: "Memory" })
        rss.push(memory.rss)
        probes.push(`${checkpoint}: ${fmt(memory.rss / 2 ** 20)} MB (heap ${fmt(memory.heapUsed / 2 ** 20, 1)})`)
      }
      await stopChild(child)
      if (errors > 0) failed = true
      console.log(
        `RSS ${name} after N calls — ${probes.join(", ")}; last ÷ first ${
          fmt((rss[rss.length - 1]! / rss[0]! - 1) * 100, 1)
        } % (target within 10 %)${errors > 0 ? `; ${errors} errors: ${firstError}` : ""}`
      )
    }
    const server = await bench.serverStats()
    console.log(
      `server: ${server.served} answers, each echoing its request with its own nonce and signature; ` +
        `${server.preSigned} pre-signed between slots (${fmt(server.preSignMs / 1000, 1)} s), ` +
        `${server.signedOnPath} signed on the measured path`
    )
    console.log(`load average at the end: ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
    if (failed) {
      console.error("bench: a contender failed calls (see above)")
      process.exitCode = 1
    }
  } finally {
    bench.close()
  }
}

if (!coldOnly) await main()
const coldPrograms = flag("cold-programs")
if (coldRuns > 0 || coldOnly) {
  await coldStart({
    runs: coldRuns > 0 ? coldRuns : 5,
    chunked,
    baseline,
    programs: coldPrograms === undefined ? undefined : coldPrograms.split(",")
  })
}

/**
 * One contender's process. The runner forks one per contender, so each contender's CPU time and RSS
 * are its own (process.cpuUsage and maxRSS are per process) and no contender's garbage, JIT state or
 * connection pool disturbs another's. It builds the client once, then runs the slots it is sent.
 *
 *   BENCH_KEYS_DIR=… BENCH_BASE_URL=… node --import tsx bench/child.ts <contender>
 */
import * as Fs from "node:fs"
import { Session } from "node:inspector"
import { performance } from "node:perf_hooks"
import { contenders } from "./contenders/index.js"
import { type Command, describeError, loadKeys, type Reply, type RunResult, TOKEN } from "./shared.js"

const send = (reply: Reply) => process.send!(reply)

const name = process.argv[2] ?? ""
const load = contenders[name]
if (load === undefined) throw new Error(`unknown contender ${name}`)
const contender = await (await load())({ keys: loadKeys(), baseUrl: process.env.BENCH_BASE_URL! })

let sequence = 0

const run = async (command: Extract<Command, { _tag: "Run" }>): Promise<RunResult> => {
  const budget = command.calls ?? Number.POSITIVE_INFINITY
  const latencies: Array<number> = []
  let started = 0
  let errors = 0
  let firstError: string | undefined
  const cpu = process.cpuUsage()
  const loop = performance.eventLoopUtilization()
  const start = performance.now()
  const deadline = command.durationMs === undefined ? Number.POSITIVE_INFINITY : start + command.durationMs
  // `concurrency` loops, each keeping one call in flight: a closed system, like a worker pool.
  const worker = async () => {
    while (started < budget && performance.now() < deadline) {
      started++
      const n = sequence++
      const t = performance.now()
      try {
        const answer = await contender.call(n)
        if (answer.token !== TOKEN) throw new Error(`unexpected answer ${JSON.stringify(answer).slice(0, 80)}`)
        latencies.push(performance.now() - t)
      } catch (error) {
        errors++
        firstError ??= describeError(error)
      }
    }
  }
  await Promise.all(Array.from({ length: command.concurrency }, worker))
  const elapsedMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  return {
    _tag: "RunResult",
    completed: latencies.length,
    errors,
    firstError,
    elapsedMs,
    latencies: Float64Array.from(latencies),
    cpuMicros: used.user + used.system,
    loopActiveMs: performance.eventLoopUtilization(loop).active,
    rss: process.memoryUsage.rss(),
    maxRss: process.resourceUsage().maxRSS * 1024,
    nextSequence: sequence
  }
}

/**
 * V8's sampling profiler (what `node --cpu-prof` uses) or its sampling heap profiler (every object
 * allocated, those the collections freed included), on this thread, around the run only.
 */
const profiled = async (command: Extract<Command, { _tag: "Run" }>, path: string): Promise<RunResult> => {
  const session = new Session()
  session.connect()
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => error ? reject(error) : resolve(result))
    )
  const allocations = command.profile === "allocations"
  if (allocations) {
    await post("HeapProfiler.enable")
    await post("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true
    })
  } else {
    await post("Profiler.enable")
    await post("Profiler.setSamplingInterval", { interval: 200 })
    await post("Profiler.start")
  }
  const result = await run(command)
  const { profile } = await post(allocations ? "HeapProfiler.stopSampling" : "Profiler.stop")
  session.disconnect()
  Fs.writeFileSync(path, JSON.stringify(profile))
  return result
}

process.on("message", (command: Command) => {
  switch (command._tag) {
    case "Run": {
      const running = command.profileTo === undefined ? run(command) : profiled(command, command.profileTo)
      running.then(send, (error) => send({ _tag: "Failed", message: describeError(error) }))
      break
    }
    case "Memory": {
      // Collect, let the pending frees and the heap's shrinking settle, collect again, then read.
      const gc = (globalThis as { gc?: () => void }).gc
      gc?.()
      setTimeout(() => {
        gc?.()
        const memory = process.memoryUsage()
        send({ _tag: "MemoryResult", rss: memory.rss, heapUsed: memory.heapUsed, collected: gc !== undefined })
      }, 250)
      break
    }
    case "Exit":
      contender.close().finally(() => process.exit(0))
      break
  }
})
process.on("disconnect", () => process.exit(0))
send({ _tag: "Ready" })

import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import type { HttpClient } from "@effect/platform"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Scope, Supervisor } from "effect"
import { makeRequest } from "./fixtures.js"
import { activeResources, type Counts, heapUsedAfterGc, TRACKED, trackHandles, waitUntil } from "./utils/resources.js"

const CALLS = 2_000
const WARM_UP = 200
const CONCURRENCY = 64
const MiB = 1024 * 1024
/**
 * Heap growth allowed from after the warm-up to after the run, both measured after full GCs and a
 * `Simulator.reset` (the simulator keeps what it received, by design). Measured: 2.5–3.5 MiB. The bound is ten
 * times that; a leak of 16 KiB a call would exceed it.
 */
const MAX_HEAP_GROWTH = 32 * MiB

const run = (transport: Layer.Layer<HttpClient.HttpClient>, calls: number) =>
  Effect.suspend(() => {
    const baseline = activeResources()
    const handles = trackHandles()
    return measure(transport, calls, baseline, handles).pipe(Effect.ensuring(Effect.sync(handles.dispose)))
  })

const measure = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  calls: number,
  baseline: Counts,
  handles: ReturnType<typeof trackHandles>
) =>
  Effect.gen(function*() {
    const supervisor = yield* Supervisor.track
    let peakFibers = 0

    // One layer for every call, built by hand in a scope the test closes before it looks for leftovers.
    const work = Effect.acquireUseRelease(Scope.make(), (scope) =>
      Effect.gen(function*() {
        const runtime = yield* Layer.toRuntime(
          Sandbox.layerServer({ retry: false }).pipe(Layer.provide(transport))
        ).pipe(Scope.extend(scope))
        const batch = (n: number) =>
          Effect.forEach(
            Array.from({ length: n }, (_, i) => i),
            (i) =>
              Effect.flatMap(PayrollCard.preOrderWithAuth(makeRequest()), (response) =>
                i % 250 === 0
                  ? Effect.map(supervisor.value, (alive) => {
                    peakFibers = Math.max(peakFibers, alive.length)
                    return response
                  })
                  : Effect.succeed(response)),
            { concurrency: CONCURRENCY }
          ).pipe(Effect.provide(runtime))

        yield* batch(WARM_UP)
        yield* Effect.provide(Simulator.reset, runtime)
        const heapAfterWarmUp = heapUsedAfterGc()

        const started = Date.now()
        const exit = yield* Effect.exit(batch(calls))
        const millis = Date.now() - started
        // Summarised, so the 2,000 responses are not counted as retained memory.
        const outcome = Exit.map(exit, (responses) => ({
          count: responses.length,
          tokens: new Set(responses.map((response) => response.token)).size
        }))
        const received = yield* Effect.provide(Effect.map(Simulator.received, (all) => all.length), runtime)
        yield* Effect.provide(Simulator.reset, runtime)
        const heapAfterRun = heapUsedAfterGc()
        return { outcome, millis, received, heapAfterWarmUp, heapAfterRun, duringRun: activeResources() }
      }), (scope, exit) => Scope.close(scope, exit)).pipe(Effect.supervised(supervisor))

    const result = yield* Effect.ensuring(work, Effect.sync(handles.stopRecording))
    const below = (counts: Counts) => TRACKED.every((kind) => counts[kind] <= baseline[kind])
    yield* waitUntil(() => Object.keys(handles.alive()).length === 0 && below(activeResources()))
    const after = activeResources()
    const leaked = handles.alive()
    const recorded = handles.recorded()
    // Every fiber the run forked (workers, calls, the server's request handlers) has ended with the scope.
    const alive = yield* supervisor.value
    return { ...result, baseline, after, recorded, leaked, alive, peakFibers }
  })

describe("load: 2,000 calls at concurrency 64 through one layer, over loopback", () => {
  const transports = [
    ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
    ["FetchHttpClient", FetchHttpClient.layer]
  ] as const
  for (const [name, transport] of transports) {
    it.live(name, () =>
      Effect.gen(function*() {
        const r = yield* run(transport, CALLS)

        assert.isTrue(Exit.isSuccess(r.outcome), Exit.isFailure(r.outcome) ? String(r.outcome.cause) : "")
        if (Exit.isSuccess(r.outcome)) assert.deepStrictEqual(r.outcome.value, { count: CALLS, tokens: CALLS })
        assert.strictEqual(r.received, CALLS, "one request on the wire per call: none retried, none lost")

        // The probes saw the workers: tracking works, so an empty set afterwards means something.
        assert.isAtLeast(r.peakFibers, 2)
        assert.deepStrictEqual(r.alive.map((fiber) => Fiber.id(fiber)), [], "fibers still alive after the run")

        // The run itself held sockets and a listening server; once the scope closed, none are left.
        assert.isAbove(r.duringRun.TCPServerWrap, r.baseline.TCPServerWrap)
        assert.isAbove(r.duringRun.TCPSocketWrap, r.baseline.TCPSocketWrap)
        // The hook saw the run's handles (so an empty set of survivors means something), and none survived.
        assert.strictEqual(r.recorded["TCPSERVERWRAP"], 1, JSON.stringify(r.recorded))
        // Client and server sockets both (how many depends on how many requests overlap on the wire).
        assert.isAtLeast(r.recorded["TCPWRAP"] ?? 0, 2)
        assert.isAbove(r.recorded["Timeout"] ?? 0, 0)
        assert.deepStrictEqual(r.leaked, {}, "sockets, servers or timers opened by the run and still open")
        for (const kind of TRACKED) {
          assert.isAtMost(r.after[kind], r.baseline[kind], `${kind} left running after the scope closed`)
        }

        const growth = r.heapAfterRun - r.heapAfterWarmUp
        const heap = `heap ${(r.heapAfterWarmUp / MiB).toFixed(1)} → ${(r.heapAfterRun / MiB).toFixed(1)} MiB`
        assert.isBelow(growth, MAX_HEAP_GROWTH, `${heap} after ${CALLS} calls in ${r.millis} ms`)
      }), 40_000)
  }
})

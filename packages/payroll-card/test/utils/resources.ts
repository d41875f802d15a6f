import { Duration, Effect } from "effect"
import * as AsyncHooks from "node:async_hooks"
import * as V8 from "node:v8"
import * as Vm from "node:vm"

/** The kinds of handle a leak would show up as: client and server sockets, and timers. */
export const TRACKED = ["TCPSocketWrap", "TCPServerWrap", "Timeout"] as const

export type Counts = Readonly<Record<(typeof TRACKED)[number], number>>

/** How many handles of each tracked kind keep the event loop alive right now. */
export const activeResources = (): Counts => {
  const counts = { TCPSocketWrap: 0, TCPServerWrap: 0, Timeout: 0 }
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind in counts) counts[kind as keyof typeof counts]++
  }
  return counts
}

/** The async resource types of sockets, listening servers and timers. */
const HANDLE_TYPES = new Set(["TCPWRAP", "TCPSERVERWRAP", "Timeout"])

/**
 * Records every socket, listening server and timer created until `stopRecording`, and follows each until it is
 * closed, cleared or has fired. Unlike counting `process.getActiveResourcesInfo()`, this cannot be fooled by an
 * unrelated handle (the test runner's) going away while a leaked one stays.
 */
export const trackHandles = () => {
  const alive = new Map<number, string>()
  const recorded: Record<string, number> = {}
  let recording = true
  const hook = AsyncHooks.createHook({
    init: (asyncId, type) => {
      if (!recording || !HANDLE_TYPES.has(type)) return
      alive.set(asyncId, type)
      recorded[type] = (recorded[type] ?? 0) + 1
    },
    destroy: (asyncId) => {
      alive.delete(asyncId)
    }
  }).enable()
  return {
    stopRecording: () => {
      recording = false
    },
    /** How many handles were recorded, by type. */
    recorded: (): Readonly<Record<string, number>> => ({ ...recorded }),
    /** The recorded handles still open, by type. */
    alive: (): Record<string, number> => {
      const counts: Record<string, number> = {}
      for (const type of alive.values()) counts[type] = (counts[type] ?? 0) + 1
      return counts
    },
    dispose: () => {
      hook.disable()
    }
  }
}

/**
 * Polls (every 20 ms, at most `within`) until `done` holds: closing a socket or clearing a keep-alive timer takes
 * a few turns of the event loop. Returns whether it did.
 */
export const waitUntil = (done: () => boolean, within: Duration.DurationInput = "3 seconds"): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const until = Date.now() + Duration.toMillis(within)
    while (!done()) {
      if (Date.now() >= until) return false
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))
    }
    return true
  })

/**
 * A full garbage collection. Vitest's workers do not run with `--expose-gc`, so the flag is set at run time and
 * `gc` taken from a fresh context, where V8 installs it once the flag is on.
 */
export const gc: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === "function") return exposed
  V8.setFlagsFromString("--expose-gc")
  return Vm.runInNewContext("gc") as () => void
})()

/** `heapUsed` after two full collections (the second one frees what finalizers released in the first). */
export const heapUsedAfterGc = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

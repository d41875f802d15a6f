/**
 * Everything a simulator remembers: the request log, the queued faults and the stores its routes declare
 * (`store.ts`). It knows no route's records: each route module declares its own with `Store.key` and reaches them
 * with `state.store(key)`, so adding a route never edits this module.
 *
 * Plain mutable state is safe here: the engine reads, checks and writes it in one synchronous block per request,
 * so concurrent requests cannot interleave between checking a nonce or an `authenticate_number` and recording it.
 *
 * @internal
 */
import { FaultQueue } from "./faultQueue.js"
import { ReceivedLog } from "./received.js"
import type { BoundedMap, Key, Limits } from "./store.js"
import { Stores } from "./store.js"

const PRUNE_EVERY_MILLIS = 60_000

/**
 * The simulator's records.
 *
 * @example
 * ```ts
 * const state = new State(limits)
 * state.store(Nonces).set("nonce", 1700000000)
 * ```
 * @internal
 */
export class State {
  /** The request log, bounded by count and bytes. */
  readonly received: ReceivedLog
  readonly faults = new FaultQueue()
  private readonly stores: Stores
  private lastPrune = Number.NEGATIVE_INFINITY

  constructor(readonly limits: Limits) {
    this.stores = new Stores(limits)
    this.received = new ReceivedLog(limits.received, limits.receivedBytes)
  }

  /** The store `key` declares, made on first use. */
  store<K, V>(key: Key<K, V>): BoundedMap<K, V> {
    return this.stores.get(key)
  }

  /** Forgets stale records (spent nonces outside the window, expired tokens…), at most once a minute. */
  prune(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MILLIS) return
    this.lastPrune = now
    this.stores.prune(now)
  }

  /** Forgets everything. */
  reset(): void {
    this.received.clear()
    this.faults.clear()
    this.stores.clear()
    this.lastPrune = Number.NEGATIVE_INFINITY
  }
}

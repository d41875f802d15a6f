/**
 * Bounded records, declared by the module that owns them. A route module declares its store once with `key` and
 * reaches it through `context.state.store(key)`: the simulator's state keeps one `BoundedMap` per key without
 * knowing any route's record type, so a new route adds its records without touching `state.ts`. Every map holds at
 * most the limit its key picks from `Limits` (the oldest entry is forgotten first), so a long-running sandbox stays
 * small.
 *
 * @internal
 */

/**
 * How many records of each kind a simulator keeps (`Simulator.Options`); the oldest is forgotten first.
 *
 * @internal
 */
export interface Limits {
  readonly received: number
  readonly receivedBytes: number
  readonly checks: number
  readonly relations: number
  readonly nonces: number
  readonly idempotency: number
  readonly batches: number
}

const checkLimit = (limit: number): void => {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`)
}

/**
 * Throws a `RangeError` when a limit is not a positive integer: a simulator checks its limits when it is built,
 * before any store exists (stores are made on first use).
 *
 * @example
 * ```ts
 * validate(limits)
 * ```
 * @internal
 */
export const validate = (limits: Limits): void => {
  for (const limit of Object.values(limits)) checkLimit(limit)
}

/**
 * A size-bounded, insertion-ordered map: inserting a new key into a full map forgets the oldest entry first
 * (updating a key keeps its place).
 *
 * @example
 * ```ts
 * const seen = new BoundedMap<string, number>(2)
 * seen.set("a", 1).set("b", 2).set("c", 3) // "a" is forgotten
 * ```
 * @internal
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(readonly limit: number) {
    checkLimit(limit)
  }

  get size(): number {
    return this.entries.size
  }

  get(key: K): V | undefined {
    return this.entries.get(key)
  }

  has(key: K): boolean {
    return this.entries.has(key)
  }

  set(key: K, value: V): this {
    if (!this.entries.has(key)) {
      // Map iterates in insertion order, so its first key is the oldest.
      while (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as K)
    }
    this.entries.set(key, value)
    return this
  }

  delete(key: K): boolean {
    return this.entries.delete(key)
  }

  /** The values, oldest first. */
  values(): IterableIterator<V> {
    return this.entries.values()
  }

  /** The first key whose value satisfies `predicate`, oldest first. */
  findKey(predicate: (value: V) => boolean): K | undefined {
    for (const [key, value] of this.entries) if (predicate(value)) return key
    return undefined
  }

  /** Deletes every entry for which `stale` holds. */
  prune(stale: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.entries) if (stale(value, key)) this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }
}

/**
 * The declaration of one store: its name (for reading), the map it starts as, and which entries are stale at a
 * `Clock` time (milliseconds), if any ever are: the state prunes those at most once a minute.
 *
 * @internal
 */
export interface Key<K, V> {
  readonly name: string
  readonly make: (limits: Limits) => BoundedMap<K, V>
  readonly stale?: ((value: V, key: K, now: number) => boolean) | undefined
}

/**
 * Declares a store. The key's identity is the store: declare it once, at module level, beside the route that owns
 * the records.
 *
 * @example
 * ```ts
 * interface Relation { readonly authorizedAt: number }
 * export const Relations = key("relations", (limits) => new BoundedMap<string, Relation>(limits.relations))
 * // in a handler: context.state.store(Relations).get(id)
 * ```
 * @internal
 */
export const key = <K, V>(
  name: string,
  make: (limits: Limits) => BoundedMap<K, V>,
  stale?: (value: V, key: K, now: number) => boolean
): Key<K, V> => ({ name, make, stale })

/**
 * The stores of one simulator, each made on first use.
 *
 * @example
 * ```ts
 * const stores = new Stores(limits)
 * stores.get(Relations).set(id, { authorizedAt: now })
 * ```
 * @internal
 */
export class Stores {
  // Keyed by declaration: two modules can never share a map by picking the same name.
  private readonly maps = new Map<Key<any, any>, BoundedMap<any, any>>()

  constructor(readonly limits: Limits) {
    validate(limits)
  }

  get<K, V>(key: Key<K, V>): BoundedMap<K, V> {
    let map = this.maps.get(key)
    if (map === undefined) {
      map = key.make(this.limits)
      this.maps.set(key, map)
    }
    return map
  }

  /** Forgets the stale entries of every store whose key says what stale is. */
  prune(now: number): void {
    for (const [key, map] of this.maps) {
      const stale = key.stale
      if (stale !== undefined) map.prune((value, k) => stale(value, k, now))
    }
  }

  clear(): void {
    for (const map of this.maps.values()) map.clear()
  }
}

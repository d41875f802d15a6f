/**
 * A map that holds at most `limit` entries: inserting a new key into a full map forgets the oldest entry first
 * (insertion order; updating a key keeps its place). It bounds every record a long-running sandbox keeps.
 *
 * @internal
 */

/**
 * A size-bounded, insertion-ordered map.
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
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`)
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

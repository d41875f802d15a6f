/**
 * The simulator's request log (`Simulator.received`), bounded by count and by bytes.
 *
 * A request whose `Authorization` did not verify is kept as metadata only (method, path, status, code, body size):
 * anyone who can reach the port can send one, so its body and headers must not cost memory. What is kept of it is
 * copied, because a `slice` of a string can be a view that keeps the whole original (a 1 MiB URL) alive.
 *
 * @internal
 */
import type { Option } from "effect"
import type { Fault } from "../Fault.js"
import type { ReceivedRequest } from "../SimulatorModel.js"

/**
 * What one entry is counted as, beyond its strings: the object, its `Option` and numbers, roughly.
 *
 * @internal
 */
export const ENTRY_OVERHEAD_BYTES = 256

/**
 * The longest path (and method) an unauthenticated entry keeps, in characters.
 *
 * @internal
 */
export const MAX_METADATA_CHARS = 256

// A flat copy: V8 may represent `slice` as a view of its parent (a sliced string), which would keep the parent —
// here possibly a 1 MiB request line — alive for as long as the entry lives. A UTF-8 round trip always allocates.
const copy = (text: string, max: number): string => Buffer.from(text.slice(0, max), "utf8").toString("utf8")

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

/**
 * How a request was answered, for its log entry.
 *
 * @internal
 */
export interface Answered {
  /** Whether its `Authorization` verified (signature, merchant, serial, time window, fresh nonce). */
  readonly authenticated: boolean
  /** The answer's HTTP status; `undefined` when a fault dropped the connection. */
  readonly status: number | undefined
  /** WeChat's code of an error answer. */
  readonly code: string | undefined
}

/**
 * The log entry of a request and its size in the byte bound: an authenticated request whole, any other as
 * metadata (its path, at most `MAX_METADATA_CHARS`, copied; no query, headers or body).
 *
 * @example
 * ```ts
 * const answered = { authenticated: false, status: 401, code: "SIGN_ERROR" }
 * const { bytes } = entry(request, headers, path, now, Option.none(), answered)
 * ```
 * @internal
 */
export const entry = (
  request: { readonly method: string; readonly url: string; readonly body: string },
  headers: Readonly<Record<string, string>>,
  path: string,
  receivedAt: number,
  fault: Option.Option<Fault>,
  answered: Answered
): { readonly entry: ReceivedRequest; readonly bytes: number } => {
  const bodyBytes = Buffer.byteLength(request.body, "utf8")
  const common = { receivedAt, fault, bodyBytes, ...answered }
  if (!answered.authenticated) {
    const kept = {
      ...common,
      method: copy(request.method, MAX_METADATA_CHARS),
      url: copy(path, MAX_METADATA_CHARS),
      headers: NO_HEADERS,
      body: ""
    }
    return { entry: kept, bytes: ENTRY_OVERHEAD_BYTES + kept.method.length + kept.url.length }
  }
  let headerBytes = 0
  for (const name in headers) headerBytes += name.length + headers[name].length
  return {
    entry: { ...common, method: request.method, url: request.url, headers, body: request.body },
    bytes: ENTRY_OVERHEAD_BYTES + request.method.length + request.url.length + headerBytes + bodyBytes
  }
}

/**
 * The log: oldest first, at most `maxEntries` entries and `maxBytes` bytes (as `entry` counts them); past either,
 * the oldest go first. An entry larger than `maxBytes` on its own is kept as the only one.
 *
 * @example
 * ```ts
 * const log = new ReceivedLog(10_000, 64 * 1024 * 1024)
 * log.add(entry(request, headers, path, now, Option.none(), answered))
 * ```
 * @internal
 */
export class ReceivedLog {
  // Entries before `head` are forgotten (cleared at once, so they can be collected); the arrays are compacted
  // once that dead prefix is large, which keeps eviction O(1) instead of a `splice` per request.
  private entries: Array<ReceivedRequest | undefined> = []
  private sizes: Array<number> = []
  private head = 0
  private total = 0

  constructor(readonly maxEntries: number, readonly maxBytes: number) {
    for (const [name, limit] of [["maxReceived", maxEntries], ["maxReceivedBytes", maxBytes]] as const) {
      if (!Number.isInteger(limit) || limit < 1) {
        throw new RangeError(`${name} must be a positive integer, got ${limit}`)
      }
    }
  }

  /** The bytes the kept entries count for. */
  get bytes(): number {
    return this.total
  }

  add(item: { readonly entry: ReceivedRequest; readonly bytes: number }): void {
    this.entries.push(item.entry)
    this.sizes.push(item.bytes)
    this.total += item.bytes
    while (
      this.entries.length - this.head > 1 &&
      (this.entries.length - this.head > this.maxEntries || this.total > this.maxBytes)
    ) {
      this.total -= this.sizes[this.head]
      this.entries[this.head] = undefined
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.sizes = this.sizes.slice(this.head)
      this.head = 0
    }
  }

  /** The kept entries, oldest first (a copy). */
  all(): Array<ReceivedRequest> {
    return this.entries.slice(this.head) as Array<ReceivedRequest>
  }

  clear(): void {
    this.entries = []
    this.sizes = []
    this.head = 0
    this.total = 0
  }
}

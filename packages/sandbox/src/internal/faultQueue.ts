/**
 * The queue of injected faults waiting for their requests.
 *
 * @internal
 */
import type { Fault } from "../Fault.js"

interface PendingFault {
  readonly fault: Fault
  readonly path: string | undefined
  remaining: number
}

/**
 * Faults waiting for their requests, first queued first used. A fault with a `path` waits for a request to that
 * path (with or without its query); one without waits for any request.
 *
 * @internal
 */
export class FaultQueue {
  private pending: Array<PendingFault> = []

  /** Queues `fault` for the next `times` matching requests. */
  push(fault: Fault, times: number, path: string | undefined): void {
    this.pending.push({ fault, path, remaining: times })
  }

  /** Uses up one fault for a request to `url` (path `path`), if one is waiting for it. */
  take(url: string, path: string): Fault | undefined {
    const index = this.pending.findIndex((pending) =>
      pending.path === undefined || pending.path === path || pending.path === url
    )
    if (index === -1) return undefined
    const pending = this.pending[index]
    pending.remaining -= 1
    if (pending.remaining <= 0) this.pending.splice(index, 1)
    return pending.fault
  }

  /** Forgets every waiting fault. */
  clear(): void {
    this.pending = []
  }
}

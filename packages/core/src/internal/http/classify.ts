/** Small facts about HTTP answers and transport failures that the pipeline decides on. */

// Codes node, undici and fetch use for a connection that was never established: the request cannot have
// reached the server, so sending it elsewhere cannot execute it twice.
const CONNECT_FAILURES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_SOCKET_CONNECTION_TIMEOUT"
])

/** Whether a transport failure happened before any byte of the request could reach the server. */
export const isConnectFailure = (cause: unknown): boolean => {
  let current = cause
  // fetch wraps the socket error (TypeError "fetch failed" → cause); a few levels are enough.
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string" && CONNECT_FAILURES.has(code)) return true
    const errors = (current as { readonly errors?: unknown }).errors
    // Happy-eyeballs connects fail with an AggregateError of one error per address.
    if (Array.isArray(errors) && errors.length > 0 && errors.every(isConnectFailure)) return true
    current = (current as { readonly cause?: unknown }).cause
  }
  return false
}

/** The first error code (`ECONNREFUSED`, …) found along a transport failure's causes. */
export const causeCode = (cause: unknown): string | undefined => {
  let current = cause
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string") return code
    const errors = (current as { readonly errors?: unknown }).errors
    if (Array.isArray(errors) && errors.length > 0) return causeCode(errors[0])
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), bounded to `max`; undefined when absent or unusable. */
export const retryAfterSeconds = (header: string | undefined, nowMillis: number, max: number): number | undefined => {
  if (header === undefined) return undefined
  const trimmed = header.trim()
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - nowMillis) / 1000
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(Math.ceil(seconds), max) : undefined
}

/** Seconds this host's clock is ahead of the server's `Date` header (negative: behind). */
export const clockSkewSeconds = (dateHeader: string | undefined, nowMillis: number): number | undefined => {
  if (dateHeader === undefined) return undefined
  const serverMillis = Date.parse(dateHeader)
  return Number.isFinite(serverMillis) ? Math.round((nowMillis - serverMillis) / 1000) : undefined
}

const EXCERPT_LENGTH = 160

/** A single-line, bounded start of a body, safe for logs and error messages. */
export const excerpt = (text: string): string =>
  text.slice(0, EXCERPT_LENGTH * 2).replace(/[\u0000-\u001f\u007f\s]+/g, " ").trim().slice(0, EXCERPT_LENGTH)

/**
 * Reads an answer's body, never more than a limit, on any `HttpClient`: a hostile or broken server cannot make
 * the SDK buffer (or inflate) more than `maxBytes` before it has verified a single signature.
 *
 * - A declared `Content-Length` over the limit fails before a byte is read.
 * - The lean transport's and undici's bodies are read by plain accumulation, whatever their framing: the lean
 *   response through its own bounded read, undici's node `Readable` by its events. Past the limit the body is
 *   destroyed, so the transport closes the connection and reads nothing more.
 * - Otherwise a plain body whose `Content-Length` is within the limit is read whole (`arrayBuffer`): HTTP framing
 *   stops the transport at that length, so it is bounded without counting.
 * - Anything else (chunked, or content-encoded: fetch inflates gzip whatever `Accept-Encoding` asked for) on fetch
 *   is read from its `ReadableStream` by its reader, counted, and cancelled at the limit.
 * - A `Stream` over the body cost about 1 ms of CPU a call more than a `Content-Length` answer (issue 23): it is
 *   only the fallback for a transport whose body this module cannot reach (the sandbox's, a test's).
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** The body went past the limit (`declared`: the `Content-Length` that announced it, if any). */
export class TooLarge {
  readonly _tag = "TooLarge"
  constructor(readonly limit: number, readonly declared: number | undefined) {}
}

/** The default limit of the SDK's answers (calls and the certificate download): 4 MiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024

const IDENTITY = /^\s*(identity)?\s*$/i

/** The transport failed while the body was being read directly (a reset connection, a premature end). */
export class Unreadable {
  readonly _tag = "Unreadable"
  constructor(readonly cause: unknown) {}
}

/**
 * The key of a response's own bounded read, `(maxBytes) => Effect<Uint8Array, ResponseError>`: a response that keeps
 * its body (the lean transport's) reads it once, within the lower of its limit and `maxBytes`. A global symbol, so
 * that a transport offers it without importing this module.
 */
export const readWithin: unique symbol = Symbol.for("@effect-wechatpay/core/BoundedBody/readWithin") as never

interface OwnRead {
  readonly [readWithin]: (maxBytes: number) => Effect.Effect<Uint8Array, HttpClientError.ResponseError>
}

const hasOwnRead = (response: object): response is OwnRead =>
  typeof (response as Partial<OwnRead>)[readWithin] === "function"

/** What a node `Readable` (undici's body) offers for reading it by events. */
interface NodeBody {
  on(event: string, listener: (...args: Array<any>) => void): unknown
  off(event: string, listener: (...args: Array<any>) => void): unknown
  destroy(error?: Error): unknown
}

/** What a WHATWG `ReadableStream` (fetch's body) offers. */
interface WebBody {
  getReader(): {
    read(): Promise<{ readonly done: boolean; readonly value?: Uint8Array | undefined }>
    cancel(reason?: unknown): Promise<void>
  }
}

const isNodeBody = (body: unknown): body is NodeBody =>
  typeof body === "object" && body !== null && typeof (body as NodeBody).on === "function" &&
  typeof (body as NodeBody).off === "function" && typeof (body as NodeBody).destroy === "function"

const isWebBody = (body: unknown): body is WebBody =>
  typeof body === "object" && body !== null && typeof (body as WebBody).getReader === "function"

/** The response `@effect/platform`'s client wraps to abort the request when a body read is interrupted. */
const unwrap = (response: object): object => {
  const original = (response as { readonly original?: unknown }).original
  return typeof original === "object" && original !== null ? original : response
}

const concat = (chunks: ReadonlyArray<Uint8Array>, total: number): Uint8Array => {
  if (chunks.length === 1 && chunks[0]!.length === total) return chunks[0]!
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}

const noop = () => {}

/** A node body, by its `data` events; destroyed when over the limit or let go of. */
const readNode = (body: NodeBody, maxBytes: number, declared: number | undefined) =>
  Effect.async<Uint8Array, TooLarge | Unreadable>((resume) => {
    const chunks: Array<Uint8Array> = []
    let total = 0
    const stop = () => {
      body.off("data", onData)
      body.off("end", onEnd)
      body.off("error", onError)
      body.off("close", onClose)
    }
    const onData = (chunk: Uint8Array) => {
      total += chunk.length
      if (total <= maxBytes) return void chunks.push(chunk)
      stop()
      body.destroy()
      resume(Effect.fail(new TooLarge(maxBytes, declared)))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(concat(chunks, total)))
    }
    const onError = (cause: unknown) => {
      stop()
      resume(Effect.fail(new Unreadable(cause)))
    }
    const onClose = () => onError(new Error("the connection closed before the body ended"))
    body.on("data", onData)
    body.on("end", onEnd)
    body.on("error", onError)
    body.on("close", onClose)
    return Effect.sync(() => {
      stop()
      // A late error from the destroyed body has nobody to go to.
      body.on("error", noop)
      body.destroy()
    })
  })

/** A WHATWG body, read by its reader; cancelled when over the limit or let go of. */
const readWeb = (body: WebBody, maxBytes: number, declared: number | undefined) =>
  Effect.async<Uint8Array, TooLarge | Unreadable>((resume) => {
    const reader = body.getReader()
    const chunks: Array<Uint8Array> = []
    let total = 0
    let settled = false
    const settle = (effect: Effect.Effect<Uint8Array, TooLarge | Unreadable>) => {
      settled = true
      resume(effect)
    }
    const next = (): void => {
      reader.read().then(({ done, value }) => {
        if (settled) return
        if (done) return settle(Effect.succeed(concat(chunks, total)))
        if (value === undefined) return next()
        total += value.length
        if (total > maxBytes) {
          reader.cancel().catch(noop)
          return settle(Effect.fail(new TooLarge(maxBytes, declared)))
        }
        chunks.push(value)
        next()
      }, (cause: unknown) => {
        if (!settled) settle(Effect.fail(new Unreadable(cause)))
      })
    }
    next()
    return Effect.sync(() => {
      if (settled) return
      settled = true
      reader.cancel().catch(noop)
    })
  })

/** The whole body, at most `maxBytes` of it. */
export const read = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<Uint8Array, TooLarge | Unreadable | HttpClientError.ResponseError> => {
  const length = response.headers["content-length"]
  const declared = length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : undefined
  if (declared !== undefined && declared > maxBytes) {
    // Open the body and let go of it at once: the transport cancels it and closes the connection, rather than
    // keep a socket that still has that much to send.
    return Effect.zipRight(
      Effect.ignore(Stream.runDrain(Stream.take(response.stream, 1))),
      Effect.fail(new TooLarge(maxBytes, declared))
    )
  }
  if (hasOwnRead(response)) return response[readWithin](maxBytes)
  // `@effect/platform`'s undici and fetch responses keep what the transport gave as `source` (wrapped, when the
  // client made the request abortable, in a response holding it as `original`): its `body` is read directly. Read
  // once: the pipeline replaces the response by one over these bytes. Any other shape takes the `Stream` below.
  const inner = unwrap(response)
  const source = (inner as { readonly source?: unknown }).source
  const body = typeof source === "object" && source !== null ? (source as { readonly body?: unknown }).body : undefined
  // undici's body by its events costs less than its own `arrayBuffer()`, with or without a `Content-Length`: 0.7 to
  // 1.9 ms of CPU a call less for `sdk-undici` in two runs of `npm run bench -- --chunked` (docs/performance.md).
  if (isNodeBody(body)) return readNode(body, maxBytes, declared)
  const encoding = response.headers["content-encoding"]
  if (declared !== undefined && (encoding === undefined || IDENTITY.test(encoding))) {
    return Effect.map(response.arrayBuffer, (buffer) => new Uint8Array(buffer))
  }
  if (isWebBody(body)) return readWeb(body, maxBytes, declared)
  // fetch's answer without a body (a 204): empty, as `arrayBuffer` reads it.
  if (body === null && typeof Response === "function" && source instanceof Response) {
    return Effect.succeed(new Uint8Array(0))
  }
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let total = 0
    return response.stream.pipe(
      Stream.runForEach((chunk) => {
        total += chunk.length
        if (total > maxBytes) return Effect.fail(new TooLarge(maxBytes, declared))
        chunks.push(chunk)
        return Effect.void
      }),
      Effect.map(() => {
        if (chunks.length === 1) return chunks[0]!
        const body = new Uint8Array(total)
        let offset = 0
        for (const chunk of chunks) {
          body.set(chunk, offset)
          offset += chunk.length
        }
        return body
      }),
      // No body at all (a 204, or a transport that gives none) reads as an empty one, as `arrayBuffer` does.
      Effect.catchIf(
        (error): error is HttpClientError.ResponseError =>
          error._tag === "ResponseError" && error.reason === "EmptyBody",
        () => Effect.succeed(new Uint8Array(0))
      )
    )
  })
}

/** Why a body was not read whole: it passed the limit, on the SDK's count or the transport's. */
export const describe = (cause: unknown): string | undefined => {
  if (cause instanceof TooLarge) {
    return `the answer exceeds the ${cause.limit}-byte limit${
      cause.declared !== undefined ? ` (Content-Length ${cause.declared})` : ""
    }; nothing more was read`
  }
  // LeanHttpClient's own limit (`ResponseBodyTooLarge`), which may be lower than the client's.
  if (typeof cause === "object" && cause !== null && (cause as { _tag?: unknown })._tag === "ResponseBodyTooLarge") {
    const { declared, limit } = cause as { readonly limit?: unknown; readonly declared?: unknown }
    return `the answer exceeds the ${typeof limit === "number" ? limit : "transport's"}-byte limit${
      typeof declared === "number" ? ` (Content-Length ${declared})` : ""
    }; nothing more was read`
  }
  return undefined
}

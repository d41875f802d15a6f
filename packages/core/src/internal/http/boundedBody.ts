/**
 * Reads an answer's body, never more than a limit, on any `HttpClient`: a hostile or broken server cannot make
 * the SDK buffer (or inflate) more than `maxBytes` before it has verified a single signature.
 *
 * - A declared `Content-Length` over the limit fails before a byte is read.
 * - A plain body whose `Content-Length` is within the limit is read whole: HTTP framing stops the transport at
 *   that length, so this fast path (the usual WeChat answer) is bounded without streaming.
 * - Anything else (chunked, or content-encoded: fetch inflates gzip whatever `Accept-Encoding` asked for) is read
 *   as a stream and stopped at the limit; ending the stream early cancels the body, so the transport closes the
 *   connection and reads nothing more.
 */
import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect, Stream } from "effect"

/** The body went past the limit (`declared`: the `Content-Length` that announced it, if any). */
export class TooLarge {
  readonly _tag = "TooLarge"
  constructor(readonly limit: number, readonly declared: number | undefined) {}
}

/** The default limit of the SDK's answers (calls and the certificate download): 4 MiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024

const IDENTITY = /^\s*(identity)?\s*$/i

/** The whole body, at most `maxBytes` of it. */
export const read = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<Uint8Array, TooLarge | HttpClientError.ResponseError> => {
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
  const encoding = response.headers["content-encoding"]
  if (declared !== undefined && (encoding === undefined || IDENTITY.test(encoding))) {
    return Effect.map(response.arrayBuffer, (buffer) => new Uint8Array(buffer))
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

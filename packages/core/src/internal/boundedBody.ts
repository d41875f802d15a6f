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

const IDENTITY = /^\s*(identity)?\s*$/i

/** The whole body, at most `maxBytes` of it. */
export const read = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<Uint8Array, TooLarge | HttpClientError.ResponseError> => {
  const length = response.headers["content-length"]
  const declared = length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : undefined
  if (declared !== undefined && declared > maxBytes) return Effect.fail(new TooLarge(maxBytes, declared))
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
      })
    )
  })
}

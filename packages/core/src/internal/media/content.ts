/**
 * Reading an upload's content once: bytes, a file path or a stream, hashed (SHA-256) chunk by chunk as it streams,
 * stopped as soon as it passes the kind's limit (a file on disk is refused by its size before it is read), and
 * gathered into the bytes the multipart body will carry (at most a few MiB, which the body needs whole anyway:
 * every transport sends a bytes body, and a retry resends it).
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import { HEAD_BYTES } from "./format.js"

/** What an upload's content may be: its bytes, a file's path, or a stream of its bytes. */
export type Content<E = never, R = never> = Uint8Array | string | Stream.Stream<Uint8Array, E, R>

/** The content read: its bytes, their SHA-256 (lower-case hex) and their first bytes. */
export interface Read {
  readonly bytes: Uint8Array
  readonly sha256: string
}

/** Why content was refused before anything was sent: a class, so that a stream's own errors are never taken for it. */
export class Refusal extends Data.TaggedError("MediaContentRefusal")<{
  readonly reason: "TooLarge" | "Unreadable"
  readonly description: string
}> {}

const tooLarge = (bytes: number, maxBytes: number) =>
  new Refusal({
    reason: "TooLarge",
    description: `${bytes} bytes or more, past the ${maxBytes} bytes this API accepts`
  })
const unreadable = (description: string) => new Refusal({ reason: "Unreadable", description })

const fsCode = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "unknown"

// A file is a stream of its chunks: the read stops, and the file is closed, when the stream is.
const fileStream = (path: string, maxBytes: number): Stream.Stream<Uint8Array, Refusal> =>
  Stream.unwrap(
    Effect.tryPromise({
      try: () => Fs.promises.stat(path),
      catch: (cause) => unreadable(`cannot read the file (${fsCode(cause)})`)
    }).pipe(
      Effect.flatMap((stat) =>
        !stat.isFile()
          ? Effect.fail(unreadable("not a regular file"))
          : stat.size > maxBytes
          // Refused by its size: not a byte of it is read.
          ? Effect.fail(tooLarge(stat.size, maxBytes))
          : Effect.succeed(
            Stream.fromAsyncIterable(
              Fs.createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Uint8Array>,
              (cause) => unreadable(`cannot read the file (${fsCode(cause)})`)
            )
          )
      )
    )
  )

/**
 * Reads `content` whole, hashing as it goes; fails with a `Refusal` past `maxBytes` (at the first chunk past it:
 * the rest is never read), or with the stream's own error.
 */
export const read = <E, R>(
  content: Content<E, R>,
  maxBytes: number
): Effect.Effect<Read, Refusal | E, R> => {
  const stream: Stream.Stream<Uint8Array, Refusal | E, R> = content instanceof Uint8Array
    ? Stream.make(content)
    : typeof content === "string"
    ? fileStream(content, maxBytes)
    : content
  return Effect.suspend(() => {
    const hash = Crypto.createHash("sha256")
    const chunks: Array<Uint8Array> = []
    let size = 0
    return Stream.runForEach(stream, (chunk) => {
      size += chunk.length
      if (size > maxBytes) return Effect.fail(tooLarge(size, maxBytes))
      hash.update(chunk)
      chunks.push(chunk)
      return Effect.void
    }).pipe(
      Effect.map(() => ({ bytes: concat(chunks, size), sha256: hash.digest("hex") }))
    )
  })
}

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/** The first bytes, enough for a format's signature. */
export const head = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, HEAD_BYTES)

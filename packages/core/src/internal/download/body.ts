/**
 * The body of a file download, as a stream: bounded, inflated when it was asked for gzip, digested as it flows,
 * and failed at its end when the digest is not the one the signed metadata named. Nothing is buffered beyond a
 * chunk or two: the inflater is written to only once it has room (`drain`), and inflates only as fast as it is
 * read, so a gzip bomb costs at most the limit in CPU and never more than a few chunks in memory.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as Zlib from "node:zlib"
import * as Interruptible from "../runtime/interruptible.js"

/** Why a download failed, before it becomes a `DownloadError`. */
export interface Failure {
  readonly reason:
    | "DigestMismatch"
    | "TooLarge"
    | "UnsupportedHash"
    | "Expired"
    | "ForeignHost"
    | "Status"
    | "Transport"
    | "Timeout"
    | "Malformed"
  readonly description: string
  readonly status?: number
  readonly code?: string
  readonly requestId?: string
}

export const failure = (reason: Failure["reason"], description: string, extra?: Partial<Failure>): Failure => ({
  reason,
  description,
  ...extra
})

/** Fails the stream once more than `max` bytes have passed; `what` names them in the message. */
export const bounded = <E>(
  self: Stream.Stream<Uint8Array, E>,
  max: number,
  what: string
): Stream.Stream<Uint8Array, E | Failure> =>
  Stream.suspend(() => {
    let total = 0
    return Stream.mapChunksEffect(self, (chunk) => {
      for (const bytes of chunk) total += bytes.length
      return total > max
        ? Effect.fail(failure("TooLarge", `the file exceeds the ${max}-byte limit (${what}); nothing more was read`))
        : Effect.succeed(chunk)
    })
  })

/**
 * The stream, digested as it flows: once it has ended, it fails with `DigestMismatch` unless the digest is
 * `expected` (lower-case hex). Every byte has then been emitted: a consumer must not trust them before the end.
 */
export const digested = <E>(
  self: Stream.Stream<Uint8Array, E>,
  algorithm: string,
  expected: string,
  hashType: string
): Stream.Stream<Uint8Array, E | Failure> =>
  Stream.suspend(() => {
    const hash = Crypto.createHash(algorithm)
    return Stream.concat(
      Stream.mapChunks(self, (chunk) => {
        for (const bytes of chunk) hash.update(bytes)
        return chunk
      }),
      Stream.suspend(() => {
        const actual = hash.digest("hex")
        return actual === expected
          ? Stream.empty
          : Stream.fail(
            failure(
              "DigestMismatch",
              `the file's ${hashType} digest is ${actual}, not the ${expected} its metadata names: do not use it`
            )
          )
      })
    )
  })

/**
 * Inflates a gzip stream with node:zlib, respecting back-pressure both ways: a chunk is written only once the
 * inflater has taken the previous ones (`write` said so, or `drain` came), and the inflater inflates only as
 * fast as its output is read. Stopping early (the limit, an error, interruption) destroys the inflater, and the
 * wire stream is interrupted, which closes the connection.
 */
export const gunzip = (wire: Stream.Stream<Uint8Array, Failure>): Stream.Stream<Uint8Array, Failure> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const inflater = yield* Effect.acquireRelease(
      // 256 KiB output chunks rather than 16: each chunk costs the stream the same, so 16 times fewer of them for
      // the same bytes took the download from ≈ 0.6 to ≈ 1 × a bare node pipeline (bench/download.ts).
      Effect.sync(() => Zlib.createGunzip({ chunkSize: 256 * 1024 })),
      (inflater) => Effect.sync(() => inflater.destroy())
    )
    const write = (chunk: Uint8Array) =>
      Effect.async<void>((resume) => {
        if (inflater.write(chunk)) return resume(Effect.void)
        const done = () => {
          inflater.off("drain", done)
          inflater.off("close", done)
          resume(Effect.void)
        }
        inflater.on("drain", done)
        // Destroyed (the reader failed or stopped): the merge below ends the stream, this writer need not wait.
        inflater.on("close", done)
        return Effect.sync(() => {
          inflater.off("drain", done)
          inflater.off("close", done)
        })
      })
    const writer = Effect.zipRight(Stream.runForEach(wire, write), Effect.sync(() => inflater.end()))
    const reader = Stream.fromAsyncIterable(
      Interruptible.iterable(inflater, inflater[Symbol.asyncIterator]()),
      (cause) =>
        failure(
          "Malformed",
          `the file does not inflate as gzip (${
            typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "unreadable"
          }): was it asked for gzip?`
        )
    )
    // The reader decides the end (the gzip stream's own end); a failure of the writer (the wire) fails the whole.
    return Stream.merge(reader, Stream.drain(Stream.fromEffect(writer)), { haltStrategy: "left" })
  }))

/** The file's bytes from the wire: bounded, inflated if asked, digested. */
export const file = (
  wire: Stream.Stream<Uint8Array, Failure>,
  options: {
    readonly gzip: boolean
    readonly maxBytes: number
    readonly algorithm: string
    readonly expected: string
    readonly hashType: string
  }
): Stream.Stream<Uint8Array, Failure> => {
  const { algorithm, expected, gzip: inflate, hashType, maxBytes } = options
  const bytes = inflate
    ? bounded(gunzip(bounded(wire, wireLimit(maxBytes, true), "compressed bytes")), maxBytes, "inflated bytes")
    : bounded(wire, maxBytes, "bytes")
  return digested(bytes, algorithm, expected, hashType)
}

/**
 * The most bytes the wire may carry: the limit itself, or for gzip the limit plus what deflate may add to
 * incompressible data (5 bytes a 16 KiB stored block, and the header), with room to spare.
 */
export const wireLimit = (maxBytes: number, gzip: boolean): number =>
  gzip ? maxBytes + Math.ceil(maxBytes / 1024) + 65_536 : maxBytes

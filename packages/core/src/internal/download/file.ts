/**
 * Writes a verified stream to a path: into a temporary file beside it (same directory, so the rename is atomic
 * and never crosses a file system; a random name; created exclusively, so nothing already there is followed or
 * overwritten), renamed onto the path only once the stream has ended without failing (its digest matched), and
 * removed on any failure or interruption. node:fs rather than `@effect/platform`'s `FileSystem`: core is
 * node-only already (node:crypto, node:zlib), and `FileSystem`'s node implementation lives in
 * `@effect/platform-node`, which core must not depend on; the caller need provide no extra service.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { type Failure, failure } from "./body.js"

const fsFailure = (what: string, cause: unknown): Failure =>
  failure(
    "Transport",
    `${what} failed${typeof cause === "object" && cause !== null && "code" in cause ? ` (${String(cause.code)})` : ""}`
  )

/** The temporary file's path: beside the target, hidden, unique. */
export const temporaryPath = (path: string): string =>
  Path.join(Path.dirname(path), `.${Path.basename(path)}.${Crypto.randomBytes(8).toString("hex")}.download`)

/** Writes `stream` to `path` through a temporary file; the bytes written, once renamed into place. */
export const write = <E, R>(
  stream: Stream.Stream<Uint8Array, E, R>,
  path: string,
  onProgress?: (bytes: number) => Effect.Effect<void>
): Effect.Effect<number, E | Failure, R> =>
  Effect.acquireUseRelease(
    Effect.suspend(() => {
      const temporary = temporaryPath(path)
      return Effect.map(
        Effect.tryPromise({
          try: () => Fs.open(temporary, "wx", 0o600),
          catch: (e) => fsFailure("creating the file", e)
        }),
        (handle) => ({ handle, temporary, renamed: false })
      )
    }),
    (file) =>
      Effect.gen(function*() {
        let bytes = 0
        yield* Stream.runForEach(stream, (chunk) => {
          bytes += chunk.length
          const written = Effect.tryPromise({
            try: () => file.handle.write(chunk),
            catch: (e) => fsFailure("writing the file", e)
          })
          return onProgress === undefined ? written : Effect.zipRight(written, onProgress(bytes))
        })
        // Durable before it is given the name: a crash after the rename must not leave a short file there.
        yield* Effect.tryPromise({ try: () => file.handle.sync(), catch: (e) => fsFailure("writing the file", e) })
        yield* Effect.tryPromise({ try: () => file.handle.close(), catch: (e) => fsFailure("closing the file", e) })
        yield* Effect.uninterruptible(Effect.tryPromise({
          try: () => Fs.rename(file.temporary, path),
          catch: (e) => fsFailure("renaming the file into place", e)
        }))
        file.renamed = true
        return bytes
      }),
    // On failure or interruption: the temporary file goes, and nothing was ever at the path.
    (file) =>
      Effect.promise(async () => {
        await file.handle.close().catch(() => undefined)
        if (!file.renamed) await Fs.rm(file.temporary, { force: true }).catch(() => undefined)
      })
  )

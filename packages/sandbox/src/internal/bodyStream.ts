/**
 * A streamed answer body (`SimulatedResponse.stream`) as a Node `Readable`, for both transports: pulled chunk by
 * chunk as the peer reads (back-pressure all the way to the generator), gzip-compressed when asked, and cut short
 * with an error after `truncateAfterBytes` wire bytes (a fault), as a broken connection would.
 *
 * @internal
 */
import { pipeline, Readable, Transform } from "node:stream"
import * as Zlib from "node:zlib"
import type { BodyStream } from "./model.js"

// Passes `limit` bytes, then fails: what a reader sees when the server breaks the connection mid-body.
const cutAfter = (limit: number): Transform => {
  let passed = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const room = limit - passed
      if (chunk.length < room) {
        passed += chunk.length
        return callback(null, chunk)
      }
      if (room > 0) this.push(chunk.subarray(0, room))
      passed = limit
      callback(new Error(`sandbox: connection closed after ${limit} body bytes`))
    }
  })
}

/**
 * The body's bytes as they go on the wire.
 *
 * @example
 * ```ts
 * readable({ chunks: () => [Buffer.from("a")], gzip: true }, undefined).pipe(process.stdout)
 * ```
 * @internal
 */
export const readable = (body: BodyStream, truncateAfterBytes: number | undefined): Readable => {
  const source = Readable.from(body.chunks(), { objectMode: false })
  // `pipeline` destroys every stage when one fails or the reader goes away, so nothing keeps generating; its
  // callback only swallows what the reader already sees as the stream's error.
  const ignore = () => {}
  if (body.gzip && truncateAfterBytes !== undefined) {
    return pipeline(source, Zlib.createGzip(), cutAfter(truncateAfterBytes), ignore)
  }
  if (body.gzip) return pipeline(source, Zlib.createGzip(), ignore)
  if (truncateAfterBytes !== undefined) return pipeline(source, cutAfter(truncateAfterBytes), ignore)
  return source
}

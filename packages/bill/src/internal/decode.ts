/**
 * The parser as a `Stream` combinator.
 *
 * @internal
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type Column, Parser } from "./parser.js"

/**
 * A bill that does not read as its layout says: the 1-based line and why. Never carries the line's values.
 *
 * @internal
 */
export class BillFormatError extends Schema.TaggedError<BillFormatError>("@effect-wechatpay/bill/BillFormatError")(
  "BillFormatError",
  {
    /** The 1-based line of the bill (blank lines counted) where it went wrong. */
    line: Schema.Number,
    /** Why, in words. */
    reason: Schema.String
  }
) {
  override get message(): string {
    return `line ${this.line}: ${this.reason}`
  }
}

/**
 * Decodes `bytes` with a fresh parser per run. With `drain`, a format failure is held while the rest of the bytes
 * are read (and not parsed): a download then fails with its own error (a digest that does not match) when it has
 * one, rather than with the format error its corruption caused.
 *
 * @internal
 */
export const decode = (columns: ReadonlyArray<Column>, summaryColumns: ReadonlyArray<Column>, drain: boolean) =>
<E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>
): Stream.Stream<Record<string, unknown>, E | BillFormatError, R> =>
  Stream.suspend(() => {
    const parser = new Parser(columns, summaryColumns)
    const emit = (out: Array<Record<string, unknown>>) =>
      out.length === 0 ? Channel.void : Channel.write(Chunk.unsafeFromArray(out))
    const failed = () => Channel.fail(new BillFormatError(parser.failure!))
    // A channel rather than `Stream.mapChunksEffect`, which cost three times the parsing itself here: each chunk of
    // bytes gives one chunk of records, and the records before a bad line still go out before the failure.
    const loop = (): Channel.Channel<
      Chunk.Chunk<Record<string, unknown>>,
      Chunk.Chunk<Uint8Array>,
      E | BillFormatError,
      E,
      unknown,
      unknown
    > =>
      Channel.readWithCause({
        onInput: (chunk: Chunk.Chunk<Uint8Array>) => {
          // One array for the whole chunk: the parser appends to it (concatenating per piece is quadratic).
          const out: Array<Record<string, unknown>> = []
          for (const piece of chunk) parser.push(piece, out)
          return Channel.zipRight(
            emit(out),
            parser.failure !== undefined && !drain ? failed() : Channel.suspend(loop)
          )
        },
        onFailure: (cause) => Channel.failCause(cause),
        onDone: () => {
          const out = parser.end([])
          return Channel.zipRight(emit(out), parser.failure !== undefined ? failed() : Channel.void)
        }
      })
    return Stream.pipeThroughChannel(bytes, loop())
  })

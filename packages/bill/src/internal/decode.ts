/**
 * The parser as a `Stream` combinator.
 *
 * @internal
 */
import { Chunk, Effect, Schema, Stream } from "effect"
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
    const failed = () => Effect.fail(new BillFormatError(parser.failure!))
    const body = Stream.mapChunksEffect(bytes, (chunk) => {
      let out: Array<Record<string, unknown>> | undefined
      for (const piece of chunk) {
        const records = parser.push(piece)
        if (records.length > 0) out = out === undefined ? records : out.concat(records)
      }
      if (parser.failure !== undefined && !drain) return failed()
      return Effect.succeed(out === undefined ? Chunk.empty() : Chunk.unsafeFromArray(out))
    })
    const end = Stream.fromIterableEffect(Effect.suspend(() => {
      const records = parser.end()
      return parser.failure !== undefined ? failed() : Effect.succeed(records)
    }))
    return Stream.concat(body, end)
  })

/**
 * The answer as JSON on stdout: indented on a terminal, one line when piped. A decrypted field is `Redacted` in
 * the answer and printed as `<redacted>` unless `--reveal` asks for it.
 *
 * @internal
 */
import { Console, Effect, Redacted } from "effect"

/** The JSON text of an answer. */
export const toJson = (value: unknown, options: { readonly reveal: boolean; readonly pretty: boolean }): string =>
  JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (Redacted.isRedacted(v)) return options.reveal ? Redacted.value(v) : "<redacted>"
      if (typeof v === "bigint") return v.toString()
      return v
    },
    options.pretty ? 2 : undefined
  ) ?? "null"

/** Prints an answer on stdout. */
export const print = (value: unknown, reveal = false): Effect.Effect<void> =>
  Effect.suspend(() => Console.log(toJson(value, { reveal, pretty: process.stdout.isTTY === true })))

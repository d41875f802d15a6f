/**
 * The answer as JSON on stdout: indented on a terminal, one line when piped; a stream's records as NDJSON (one
 * compact line each, terminal or not). A decrypted field is `Redacted` in the answer and printed as `<redacted>`
 * unless `--reveal` asks for it.
 *
 * @internal
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

// `Redacted` has its own `toJSON` (`<redacted>`), which JSON.stringify calls before any replacer: unwrap first.
const unwrap = (value: unknown, reveal: boolean, depth = 0): unknown => {
  if (Redacted.isRedacted(value)) return reveal ? Redacted.value(value) : "<redacted>"
  if (depth > 64 || value === null || typeof value !== "object") return value
  if (Array.isArray(value)) return value.map((item) => unwrap(item, reveal, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrap(item, reveal, depth + 1)]))
}

/** The JSON text of an answer. */
export const toJson = (value: unknown, options: { readonly reveal: boolean; readonly pretty: boolean }): string =>
  JSON.stringify(
    unwrap(value, options.reveal),
    (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
    options.pretty ? 2 : undefined
  ) ?? "null"

/** Prints an answer on stdout. */
export const print = (value: unknown, reveal = false): Effect.Effect<void> =>
  Effect.suspend(() => Console.log(toJson(value, { reveal, pretty: process.stdout.isTTY === true })))

/** Prints one record of a stream on stdout: one compact line (NDJSON), even on a terminal, so a line is a record. */
export const printLine = (value: unknown, reveal = false): Effect.Effect<void> =>
  Effect.suspend(() => Console.log(toJson(value, { reveal, pretty: false })))

/**
 * What the command line hands over as values: files (`-` is stdin), JSON (`@FILE` reads it from a file), and the
 * sensitive strings inside them made `Redacted` before anything else sees them.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"

/**
 * Input the command line could not use: nothing was sent. Its message names the flag and the file, never a value.
 *
 * @internal
 */
export class InputError extends Schema.TaggedError<InputError>("@effect-wechatpay/cli/InputError")("InputError", {
  message: Schema.String
}) {}

/** A file's text, or stdin's for `-`. */
export const readText = (flag: string, file: string): Effect.Effect<string, InputError> =>
  Effect.try({
    try: () => Fs.readFileSync(file === "-" ? 0 : file, "utf8"),
    catch: (cause) =>
      new InputError({
        message: `--${flag}: cannot read ${file === "-" ? "stdin" : file} (${
          (cause as NodeJS.ErrnoException).code ?? "unreadable"
        })`
      })
  })

/** A secret from its file: one trailing line break is the file's, not the secret's. */
export const readSecret = (flag: string, file: string): Effect.Effect<Redacted.Redacted<string>, InputError> =>
  Effect.map(readText(flag, file), (text) => Redacted.make(text.replace(/\r?\n$/, "")))

/** JSON given inline, or `@FILE` (`@-` for stdin). */
export const readJson = (flag: string, value: string): Effect.Effect<unknown, InputError> =>
  Effect.flatMap(value.startsWith("@") ? readText(flag, value.slice(1)) : Effect.succeed(value), (text) =>
    Effect.try({
      try: () => JSON.parse(text) as unknown,
      // The parser's message quotes the text: it could hold a secret, so only the flag is named.
      catch: () => new InputError({ message: `--${flag}: not valid JSON` })
    }))

/** Wraps the strings at `paths` (`*` for every element of a list) in `Redacted`, leaving the rest as given. */
export const redactPaths = (value: unknown, paths: ReadonlyArray<ReadonlyArray<string>>): unknown => {
  const at = (node: unknown, path: ReadonlyArray<string>): unknown => {
    if (path.length === 0) return typeof node === "string" ? Redacted.make(node) : node
    const [head, ...rest] = path
    if (head === "*") return Array.isArray(node) ? node.map((item) => at(item, rest)) : node
    if (node === null || typeof node !== "object" || Array.isArray(node) || !(head! in node)) return node
    return { ...node, [head!]: at((node as Record<string, unknown>)[head!], rest) }
  }
  return paths.reduce(at, value)
}

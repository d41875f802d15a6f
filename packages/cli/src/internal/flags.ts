/**
 * Flags from fields, and a request from parsed flags: what a declared call's command and a helper's share. Each
 * field is one flag (`Options`) as `fields.ts` reads it; a sensitive one is read from its file, a nested one
 * parsed as JSON, and an absent optional one left out of the request.
 *
 * @internal
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Field } from "./fields.js"
import * as Input from "./input.js"

/** One field as a flag. */
export const optionOf = (field: Field): Options.Options<unknown> => {
  const kind = field.kind
  let option: Options.Options<unknown>
  switch (kind._tag) {
    case "Integer":
      option = Options.integer(field.flag)
      break
    case "Number":
      option = Options.float(field.flag)
      break
    case "Boolean":
      option = Options.boolean(field.flag)
      break
    case "Choice":
      option = Options.choice(field.flag, kind.choices)
      break
    case "Secret":
      option = Options.text(field.flag).pipe(Options.withDescription("a file holding the value (- for stdin)"))
      break
    case "Json":
      option = Options.text(field.flag).pipe(
        Options.withDescription(kind.sensitive.length > 0 ? "a JSON file (- for stdin)" : "JSON, or @FILE")
      )
      break
    default:
      option = Options.text(field.flag)
  }
  if (field.description !== undefined) option = Options.withDescription(option, field.description)
  // A required boolean is false when its flag is absent; an optional one is then left out.
  return field.optional ? Options.optional(option) : option
}

/** A flag's value as the request field's value (files read, JSON parsed, secrets `Redacted`). */
const valueOf = (field: Field, raw: unknown): Effect.Effect<unknown, Input.InputError> => {
  switch (field.kind._tag) {
    case "Secret":
      return Input.readSecret(field.flag, raw as string)
    case "Json": {
      const sensitive = field.kind.sensitive
      return sensitive.length > 0
        ? Effect.flatMap(
          Input.readJson(field.flag, `@${raw as string}`),
          (json) => Effect.succeed(Input.redactPaths(json, sensitive))
        )
        : Input.readJson(field.flag, raw as string)
    }
    default:
      return Effect.succeed(raw)
  }
}

/** The request from the parsed flags: absent optional flags leave their field out. */
export const requestOf = (
  fieldList: ReadonlyArray<Field>,
  parsed: Record<string, unknown>
): Effect.Effect<Record<string, unknown>, Input.InputError> =>
  Effect.reduce(fieldList, {} as Record<string, unknown>, (request, field) => {
    const raw = parsed[field.name]
    const present = Option.isOption(raw) ? Option.getOrUndefined(raw) : raw
    if (present === undefined) return Effect.succeed(request)
    return Effect.map(valueOf(field, present), (value) => ({ ...request, [field.name]: value }))
  })

/** The flags of a list of fields, by field name. */
export const optionsOf = (fields: ReadonlyArray<Field>): Record<string, Options.Options<unknown>> => {
  const flags: Record<string, Options.Options<unknown>> = {}
  for (const field of fields) flags[field.name] = optionOf(field)
  return flags
}

/** The flags of a list of fields as one option of their values by field name (none at all: `{}`). */
export const allOf = (fields: ReadonlyArray<Field>): Options.Options<Record<string, unknown>> =>
  // `Options.all({})` throws: a schema without fields (`Helper.NoOptions`) has no flags to combine.
  fields.length === 0
    ? Options.map(Options.none, () => ({}))
    : Options.all(optionsOf(fields)) as Options.Options<Record<string, unknown>>

/**
 * A family of declared calls as a command: one subcommand per declaration (`PayrollCard.endpoints`), named after
 * it in kebab-case (`pre-order-with-auth`), its flags derived from the request schema (`--sub-mchid`, required or
 * optional as the schema says, enums as choices). A sensitive field is read from a file, never from its value on
 * the command line: `--user-name-file FILE` (`-` for stdin). A new declaration is a new subcommand with no CLI code.
 *
 * The request is validated by the derived call before anything is sent (`RequestValidationError`), its sensitive
 * fields encrypted, the answer verified and printed as JSON (decrypted fields as `<redacted>` unless `--reveal`).
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import { Command, Options } from "@effect/cli"
import { Effect, Option, type Schema } from "effect"
import * as Connection from "./internal/connection.js"
import * as Fields from "./internal/fields.js"
import * as Input from "./internal/input.js"
import * as Output from "./internal/output.js"

/**
 * One request field as a flag: the field's name, the flag's (without dashes), whether it may be left out, how it
 * is given (`Text`, `Integer`, `Number`, `Boolean`, `Choice`, `Secret` from a file, `Json`) and its description.
 *
 * @example
 * ```ts
 * import type { FamilyCommand } from "@effect-wechatpay/cli"
 *
 * const usage = (field: FamilyCommand.Field) => `--${field.flag}${field.optional ? " (optional)" : ""}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Field = Fields.Field

/**
 * Any declared call, whatever its schemas.
 *
 * @example
 * ```ts
 * import type { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const endpoints: Record<string, FamilyCommand.AnyEndpoint> = PayrollCard.endpoints
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AnyEndpoint = Endpoint.Endpoint<Schema.Schema<any, any, any>, Schema.Schema<any, any, any>, string, any>

/**
 * The flags a declaration's request takes, in the schema's order.
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * FamilyCommand.fields(PayrollCard.endpoints.createToken).map((field) => field.flag)
 * // ["openid", "appid", "sub-mchid", "sub-appid", "user-name-file", "id-card-number-file", "employment-type"]
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const fields = (endpoint: AnyEndpoint): ReadonlyArray<Field> => Fields.fieldsOf(endpoint.request.ast)

/**
 * A declaration's key as a command name: `preOrderWithAuth` → `pre-order-with-auth`.
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 *
 * FamilyCommand.commandName("getTransferBatchByOutNo") // "get-transfer-batch-by-out-no"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const commandName = (key: string): string => Fields.kebab(key)

const optionOf = (field: Field): Options.Options<unknown> => {
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
const requestOf = (
  fieldList: ReadonlyArray<Field>,
  parsed: Record<string, unknown>
): Effect.Effect<Record<string, unknown>, Input.InputError> =>
  Effect.reduce(fieldList, {} as Record<string, unknown>, (request, field) => {
    const raw = parsed[field.name]
    const present = Option.isOption(raw) ? Option.getOrUndefined(raw) : raw
    if (present === undefined) return Effect.succeed(request)
    return Effect.map(valueOf(field, present), (value) => ({ ...request, [field.name]: value }))
  })

/**
 * One declared call as a command: its flags from the request schema, plus `--env-file`, `--base-url` and
 * `--reveal` (print decrypted answer fields).
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const getRelation = FamilyCommand.fromEndpoint("get-relation", PayrollCard.endpoints.getRelation)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEndpoint = (name: string, endpoint: AnyEndpoint) => {
  const fieldList = fields(endpoint)
  const flags: Record<string, Options.Options<unknown>> = {}
  for (const field of fieldList) flags[field.name] = optionOf(field)
  // Derived when the command runs, not when the tree is built: `--help` and the other commands do not pay for it.
  let call: ((request: unknown) => Effect.Effect<unknown, Endpoint.Error, unknown>) | undefined
  return Command.make(
    name,
    {
      request: Options.all(flags),
      ...Connection.options,
      reveal: Options.boolean("reveal").pipe(
        Options.withDescription("print decrypted answer fields (default: <redacted>)")
      )
    },
    (parsed) =>
      Effect.gen(function*() {
        const request = yield* requestOf(fieldList, parsed.request as Record<string, unknown>)
        call ??= Endpoint.toCall(endpoint) as (request: unknown) => Effect.Effect<unknown, Endpoint.Error, unknown>
        const answer = yield* (call(request) as Effect.Effect<unknown, Endpoint.Error>).pipe(
          Effect.provide(Connection.layer(parsed))
        )
        // A call answered 204 has no body: nothing to print.
        if (answer !== undefined) yield* Output.print(answer, parsed.reveal)
      })
  ).pipe(Command.withDescription(`${endpoint.method} ${endpoint.path}`))
}

/**
 * A family of declared calls as a command with one subcommand per declaration (kebab-case names).
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const payrollCard = FamilyCommand.make("payroll-card", PayrollCard.endpoints)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: string, endpoints: Readonly<Record<string, AnyEndpoint>>) => {
  const subcommands = Object.entries(endpoints).map(([key, endpoint]) => fromEndpoint(commandName(key), endpoint))
  const [first, ...rest] = subcommands
  // A family without a declaration is a mistake in the program that builds it, not in a command line.
  if (first === undefined) throw new globalThis.Error(`FamilyCommand.make(${name}): no declaration`)
  return Command.make(name).pipe(
    Command.withDescription(`the ${name} calls, one subcommand each`),
    Command.withSubcommands([first, ...rest])
  )
}

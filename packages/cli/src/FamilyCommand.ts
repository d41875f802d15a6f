/**
 * A family of declared calls as a command: one subcommand per declaration (`PayrollCard.endpoints`), named after
 * it in kebab-case (`pre-order-with-auth`), its flags derived from the request schema (`--sub-mchid`, required or
 * optional as the schema says, enums as choices). A sensitive field is read from a file, never from its value on
 * the command line: `--user-name-file FILE` (`-` for stdin). A new declaration is a new subcommand with no CLI code.
 *
 * The request is validated by the derived call before anything is sent (`RequestValidationError`), its sensitive
 * fields encrypted, the answer verified and printed as JSON (decrypted fields as `<redacted>` unless `--reveal`).
 *
 * The family's declared helpers (`PayrollCard.helpers`) are subcommands too, named likewise (`await-authentication`,
 * `stream-transfer-details`): flags from the helper's request and tuning schemas; `await-*` prints the final answer,
 * `stream-*` one JSON record a line (NDJSON). A new helper is a new subcommand with no CLI code.
 *
 * @since 0.1.0
 */
import { Endpoint, type Helper } from "@effect-wechatpay/core"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type { Schema } from "effect"
import * as Effect from "effect/Effect"
import * as Connection from "./internal/connection.js"
import * as Fields from "./internal/fields.js"
import * as Flags from "./internal/flags.js"
import * as HelperCommands from "./internal/helperCommands.js"
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
  const flags = Flags.optionsOf(fieldList)
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
        const request = yield* Flags.requestOf(fieldList, parsed.request as Record<string, unknown>)
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
 * The flags a declared helper takes: `request` from its request schema (a union's members merged, a field required
 * only if every member requires it), `options` from its tuning schema.
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * FamilyCommand.helperFields(PayrollCard.helpers.awaitTransferBatch).options.map((field) => field.flag)
 * // ["interval", "max-interval", "timeout"]
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const helperFields = (
  helper: Helper.Any
): { readonly request: ReadonlyArray<Field>; readonly options: ReadonlyArray<Field> } => HelperCommands.fieldsOf(helper)

/**
 * One declared helper as a command: its flags from the request schema (as a call's) and from its tuning schema
 * (`--interval`, `--timeout`, …), plus `--env-file`, `--base-url` and `--reveal`. Both are checked before anything
 * is sent. An `Await` helper prints its final answer as a call does, and exits 6 when it gave up waiting; a
 * `Stream` helper prints one compact JSON record a line (NDJSON), nothing else.
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const awaitBatch = FamilyCommand.fromHelper("await-transfer-batch", PayrollCard.helpers.awaitTransferBatch)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHelper = (name: string, helper: Helper.Any) => HelperCommands.make(name, helper)

/**
 * A family of declared calls as a command with one subcommand per declaration, and one per declared helper
 * (`await-authentication`, `stream-transfer-details`, …): kebab-case names of their keys.
 *
 * @example
 * ```ts
 * import { FamilyCommand } from "@effect-wechatpay/cli"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const payrollCard = FamilyCommand.make("payroll-card", PayrollCard.endpoints, PayrollCard.helpers)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  name: string,
  endpoints: Readonly<Record<string, AnyEndpoint>>,
  helpers: Readonly<Record<string, Helper.Any>> = {}
) => {
  const subcommands = [
    ...Object.entries(endpoints).map(([key, endpoint]) => fromEndpoint(commandName(key), endpoint)),
    ...Object.entries(helpers).map(([key, helper]) => fromHelper(commandName(key), helper))
  ]
  const [first, ...rest] = subcommands
  // A family without a declaration is a mistake in the program that builds it, not in a command line.
  if (first === undefined) throw new globalThis.Error(`FamilyCommand.make(${name}): no declaration`)
  return Command.make(name).pipe(
    Command.withDescription(`the ${name} calls and helpers, one subcommand each`),
    Command.withSubcommands([first, ...rest])
  )
}

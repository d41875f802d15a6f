/**
 * A declared helper (`Helper.Awaiting`, `Helper.Streaming`) as a command: its flags from the request schema, as a
 * call's are (a union's members merged), plus its tuning from the options schema (`--interval`, `--timeout`,
 * `--max-interval`), `--env-file`, `--base-url` and `--reveal`. Both are checked by `Helper.decodeInput` before
 * anything is sent. An `await-*` command prints the final answer as a call does; a `stream-*` command prints one
 * compact JSON record a line (NDJSON) and nothing else, so a failure mid-stream leaves the lines already printed
 * and exits with the failure's code.
 *
 * @internal
 */
import { Helper } from "@effect-wechatpay/core"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "./connection.js"
import * as Fields from "./fields.js"
import * as Flags from "./flags.js"
import * as Output from "./output.js"

/**
 * An `await-*` command gave up: what it waited for was still not final when its time ran out. Its message is the
 * helper's own error's (which names the number asked about and the last state seen, never personal data).
 *
 * @internal
 */
export class GaveUpWaiting extends Schema.TaggedError<GaveUpWaiting>("@effect-wechatpay/cli/GaveUpWaiting")(
  "GaveUpWaiting",
  { message: Schema.String }
) {}

const tagOf = (error: unknown): string | undefined =>
  error !== null && typeof error === "object" && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : undefined

// A helper's run needs the client's services, which the connection's layer gives; its other failures are the SDK's.
type Run<A> = Effect.Effect<A, unknown, unknown>

/** The flags a helper's request and tuning take. */
export const fieldsOf = (helper: Helper.Any) => ({
  request: Fields.fieldsOf(helper.request.ast),
  options: Fields.fieldsOf(helper.options.ast)
})

/** One helper as a command. */
export const make = (name: string, helper: Helper.Any) => {
  const fields = fieldsOf(helper)
  // Made when the command runs, not when the tree is built: `--help` and the other commands do not pay for it.
  let decode: ReturnType<typeof Helper.decodeInput<Schema.Schema.Any, Schema.Schema.Any>> | undefined
  return Command.make(
    name,
    {
      request: Flags.allOf(fields.request),
      options: Flags.allOf(fields.options),
      ...Connection.options,
      reveal: Options.boolean("reveal").pipe(
        Options.withDescription("print decrypted answer fields (default: <redacted>)")
      )
    },
    (parsed) =>
      Effect.gen(function*() {
        const request = yield* Flags.requestOf(fields.request, parsed.request)
        const options = yield* Flags.requestOf(fields.options, parsed.options)
        // Both checked before the connection is even configured: a bad --interval sends nothing.
        decode ??= Helper.decodeInput(helper)
        const input = yield* (decode({ request, options }) as Run<{ request: unknown; options: unknown }>)
        const layer = Connection.layer(parsed)
        if (helper._tag === "Await") {
          const answer = yield* (helper.run(input.request, input.options) as Run<unknown>).pipe(
            Effect.catchIf(
              (error) => {
                const tag = tagOf(error)
                return tag !== undefined && helper.gaveUp.includes(tag)
              },
              (error) => Effect.fail(new GaveUpWaiting({ message: String((error as Error).message) }))
            ),
            Effect.provide(layer)
          )
          return yield* Output.print(answer, parsed.reveal)
        }
        return yield* helper.run(input.request, input.options).pipe(
          Stream.runForEach((record) => Output.printLine(record, parsed.reveal)),
          (run) => run as Run<void>,
          Effect.provide(layer)
        )
      }) as Effect.Effect<void, unknown>
  ).pipe(Command.withDescription(helper.description))
}

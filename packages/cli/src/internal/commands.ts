/**
 * The commands that are not derived from declarations: `call`, `certificates download`, `notify decode`. Their
 * flags are defined here; their work lives in modules loaded only when they run, so `--help` and the derived
 * calls do not pay for them at start-up.
 *
 * @internal
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Connection from "./connection.js"

/** `wechatpay call <METHOD> <PATH> [--query k=v]… [--data JSON|@file] [--encrypt field.path]…` */
export const call = Command.make(
  "call",
  {
    method: Args.choice(
      [["GET", "GET"], ["POST", "POST"], ["PUT", "PUT"], ["PATCH", "PATCH"], ["DELETE", "DELETE"]] as const,
      { name: "METHOD" }
    ),
    path: Args.text({ name: "PATH" }).pipe(Args.withDescription("the API path, /v3/…")),
    query: Options.keyValueMap("query").pipe(
      Options.withDescription("a query parameter, k=v (repeatable)"),
      Options.optional
    ),
    data: Options.text("data").pipe(
      Options.withDescription("the JSON body, or @FILE (@- for stdin)"),
      Options.optional
    ),
    encrypt: Options.text("encrypt").pipe(
      Options.withDescription("a body field to encrypt, by dotted path (transfer_detail_list.0.user_name)"),
      Options.repeated
    ),
    ...Connection.options
  },
  (parsed) => Effect.flatMap(Effect.promise(() => import("./call.js")), (module) => module.run(parsed))
).pipe(Command.withDescription("any APIv3 call: signed, the answer verified and printed as JSON"))

/** `wechatpay certificates download [--output DIR]` */
export const certificates = Command.make("certificates").pipe(
  Command.withDescription("the platform certificates (certificate mode)"),
  Command.withSubcommands([
    Command.make(
      "download",
      {
        output: Options.directory("output").pipe(
          Options.withDescription("write each certificate as DIR/<serial>.pem"),
          Options.optional
        ),
        ...Connection.options
      },
      (parsed) => Effect.flatMap(Effect.promise(() => import("./certificates.js")), (module) => module.run(parsed))
    ).pipe(
      Command.withDescription(
        "download, decrypt (APIv3 key) and verify the platform certificates; print serials and validity"
      )
    )
  ])
)

/** `wechatpay notify decode --headers FILE --body FILE` */
export const notify = Command.make("notify").pipe(
  Command.withDescription("WeChat's callbacks"),
  Command.withSubcommands([
    Command.make(
      "decode",
      {
        headers: Options.text("headers").pipe(
          Options.withDescription("the callback's headers: a JSON object, or `Name: value` lines (- for stdin)")
        ),
        body: Options.text("body").pipe(Options.withDescription("the callback's raw body (- for stdin)")),
        reveal: Options.boolean("reveal").pipe(
          Options.withDescription("print the decrypted resource (default: only the envelope's fields)")
        ),
        ...Connection.options
      },
      (parsed) => Effect.flatMap(Effect.promise(() => import("./notify.js")), (module) => module.run(parsed))
    ).pipe(Command.withDescription("verify and decrypt a captured callback"))
  ])
)

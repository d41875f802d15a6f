/**
 * `wechatpay sandbox`: the sandbox's own command (`effect-wechatpay-sandbox`) as `sandbox start`, its flags typed
 * here so `--help` and `--completions` know them, and `sandbox notify`, which asks a running sandbox to send a
 * signed, encrypted notification to a local endpoint. Their work lives in `sandboxRun.ts`, loaded only when they
 * run: the simulator is not parsed for `--help` or a payroll-card call.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Connection from "./connection.js"

const text = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

/** `wechatpay sandbox start [--port P] … [--write-keys DIR] [--write-env FILE] [--print-env]` */
const start = Command.make(
  "start",
  {
    port: Options.integer("port").pipe(
      Options.withDescription("port to listen on (default 0: any free port)"),
      Options.optional
    ),
    host: text("host", "address to listen on (default 127.0.0.1)"),
    mchid: text("mchid", "merchant id (default 1900000001)"),
    merchantSerialNo: text("merchant-serial-no", "merchant API certificate serial (default: random)"),
    merchantPublicKey: text(
      "merchant-public-key",
      "PEM file that verifies the merchant's signatures (default: generate)"
    ),
    platformPrivateKey: text("platform-private-key", "PEM file that signs answers (default: generate)"),
    platformPublicKeyId: text("platform-public-key-id", "platform key id sent as Wechatpay-Serial (default: random)"),
    tokenExpiresIn: Options.integer("token-expires-in").pipe(
      Options.withDescription("lifetime of issued tokens, seconds (default 1800)"),
      Options.optional
    ),
    keyMode: Options.choice("key-mode", ["public-key", "certificate", "mixed"]).pipe(
      Options.withDescription("how answers are signed; certificate and mixed serve /v3/certificates"),
      Options.optional
    ),
    // A file, never the value: the APIv3 key stays out of shell history and `ps`.
    apiV3KeyFile: text("api-v3-key-file", "a file holding the APIv3 key (32 characters), which encrypts notifications"),
    writeKeys: text("write-keys", "write the keys a client needs into DIR (mode 0600)"),
    // Not `--env-file`: node takes an argument of that name as its own, even after the script, and stops when FILE
    // does not exist yet (nodejs/node#54232). The old name stays an alias, for a FILE that exists.
    writeEnv: Options.text("write-env").pipe(
      Options.withAlias("env-file"),
      Options.withDescription("also write the export WECHATPAY_… lines to FILE (node --env-file=FILE, . FILE)"),
      Options.optional
    ),
    printEnv: Options.boolean("print-env").pipe(
      Options.withDescription("stdout holds only the export WECHATPAY_… lines; the banner and request log go to stderr")
    )
  },
  // Typed as any failure: the chunk's own types stay out of the tree's (and of the declarations the build emits).
  (parsed): Effect.Effect<void, unknown> =>
    Effect.flatMap(Effect.promise(() => import("./sandboxRun.js")), (module) => module.start(parsed))
).pipe(Command.withDescription("serve the WeChat Pay simulator on loopback until interrupted"))

/** `wechatpay sandbox notify --url URL [--resource JSON|@FILE] …` */
const notify = Command.make(
  "notify",
  {
    url: Options.text("url").pipe(Options.withDescription("the endpoint to notify: http://127.0.0.1:PORT/…")),
    resource: Options.text("resource").pipe(
      Options.withDescription("the resource to encrypt, JSON or @FILE (default {})"),
      Options.optional
    ),
    eventType: text("event-type", "the notification's event_type (default TRANSACTION.SUCCESS)"),
    id: text("id", "the notification's id (default: random)"),
    summary: text("summary", "the notification's summary"),
    originalType: text("original-type", "the resource's original_type, also its associated data"),
    maxAttempts: Options.integer("max-attempts").pipe(
      Options.withDescription("attempts on WeChat's retry cadence, 1 to 16 (default 1)"),
      Options.optional
    ),
    ...Connection.options
  },
  (parsed): Effect.Effect<void, unknown> =>
    Effect.flatMap(Effect.promise(() => import("./sandboxRun.js")), (module) => module.notify(parsed))
).pipe(
  Command.withDescription(
    "ask a running sandbox (--base-url or WECHATPAY_BASE_URL) to send a signed, encrypted notification to URL"
  )
)

/** `wechatpay sandbox start|notify` */
export const sandbox = Command.make("sandbox").pipe(
  Command.withDescription("the loopback WeChat Pay simulator"),
  Command.withSubcommands([start, notify])
)

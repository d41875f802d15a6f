/**
 * The work of `wechatpay sandbox start` and `sandbox notify`, in a chunk of its own (the simulator, its key
 * generation and its HTTP server are loaded only when a sandbox command runs).
 *
 * @internal
 */
import * as SandboxCli from "@effect-wechatpay/sandbox/Cli"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Connection from "./connection.js"
import * as Input from "./input.js"
import * as Output from "./output.js"

/** The parsed flags of `sandbox start`. */
export interface StartFlags {
  readonly port: Option.Option<number>
  readonly host: Option.Option<string>
  readonly mchid: Option.Option<string>
  readonly merchantSerialNo: Option.Option<string>
  readonly merchantPublicKey: Option.Option<string>
  readonly platformPrivateKey: Option.Option<string>
  readonly platformPublicKeyId: Option.Option<string>
  readonly tokenExpiresIn: Option.Option<number>
  readonly keyMode: Option.Option<string>
  readonly apiV3KeyFile: Option.Option<string>
  readonly writeKeys: Option.Option<string>
  readonly writeEnv: Option.Option<string>
  readonly printEnv: boolean
}

/** Runs the sandbox's own program with the flags as its command line; the APIv3 key read from its file here. */
export const start = (flags: StartFlags) =>
  Effect.gen(function*() {
    const argv: Array<string> = []
    const pass = (flag: string, value: Option.Option<string | number>) => {
      if (Option.isSome(value)) argv.push(`--${flag}`, String(value.value))
    }
    pass("port", flags.port)
    pass("host", flags.host)
    pass("mchid", flags.mchid)
    pass("merchant-serial-no", flags.merchantSerialNo)
    pass("merchant-public-key", flags.merchantPublicKey)
    pass("platform-private-key", flags.platformPrivateKey)
    pass("platform-public-key-id", flags.platformPublicKeyId)
    pass("token-expires-in", flags.tokenExpiresIn)
    pass("key-mode", flags.keyMode)
    pass("write-keys", flags.writeKeys)
    pass("write-env", flags.writeEnv)
    if (Option.isSome(flags.apiV3KeyFile)) {
      // In this process's argument list only, never in a child's or the shell's.
      const key = yield* Input.readSecret("api-v3-key-file", flags.apiV3KeyFile.value)
      const value = Redacted.value(key)
      if (Buffer.byteLength(value, "utf8") !== 32) {
        return yield* new Input.InputError({ message: "--api-v3-key-file: the key must be 32 bytes" })
      }
      argv.push("--api-v3-key", value)
    }
    if (flags.printEnv) argv.push("--print-env")
    // The request log is the operator's to see (on stderr, as every log of this bin): one line per request.
    yield* SandboxCli.program(argv).pipe(Logger.withMinimumLogLevel(LogLevel.Info))
  })

/** The parsed flags of `sandbox notify`. */
export interface NotifyFlags extends Connection.Connection {
  readonly url: string
  readonly resource: Option.Option<string>
  readonly eventType: Option.Option<string>
  readonly id: Option.Option<string>
  readonly summary: Option.Option<string>
  readonly originalType: Option.Option<string>
  readonly maxAttempts: Option.Option<number>
}

/**
 * The sandbox's refusal of an admin request, in WeChat's error shape (`PARAM_ERROR`, `INVALID_REQUEST`): a
 * business error, exit 3, as WeChat's own codes are.
 */
class SandboxAdminError extends Schema.TaggedError<SandboxAdminError>()("SandboxAdminError", {
  message: Schema.String,
  wechatMessage: Schema.String
}) {}

/** The endpoint never acknowledged the notification within its attempts: the network class, exit 5. */
class NotDelivered extends Schema.TaggedError<NotDelivered>()("RequestTimeout", {
  message: Schema.String
}) {}

const Delivery = Schema.Struct({
  id: Schema.String,
  delivered: Schema.Boolean,
  attempts: Schema.Number,
  last_status: Schema.NullOr(Schema.Number).pipe(Schema.optional),
  statuses: Schema.Array(Schema.Unknown).pipe(Schema.optional)
})
const Problem = Schema.Struct({ code: Schema.String, message: Schema.String })

/** Posts to the sandbox's `/sandbox/notifications` and prints its answer (`{id, delivered, attempts, …}`). */
export const notify = (flags: NotifyFlags) =>
  Effect.gen(function*() {
    const variables = yield* Connection.variables(flags)
    const base = variables.get("WECHATPAY_BASE_URL")
    if (base === undefined || base.length === 0) {
      return yield* new Input.InputError({
        message: "sandbox notify needs the sandbox's URL: --base-url URL or WECHATPAY_BASE_URL"
      })
    }
    const resource = Option.isSome(flags.resource) ? yield* Input.readJson("resource", flags.resource.value) : {}
    if (resource === null || typeof resource !== "object" || Array.isArray(resource)) {
      return yield* new Input.InputError({ message: "--resource: must be a JSON object" })
    }
    const body: Record<string, unknown> = { url: flags.url, resource }
    const optional = { event_type: flags.eventType, id: flags.id, summary: flags.summary }
    for (const [key, value] of Object.entries(optional)) if (Option.isSome(value)) body[key] = value.value
    if (Option.isSome(flags.originalType)) body.original_type = flags.originalType.value
    if (Option.isSome(flags.maxAttempts)) body.max_attempts = flags.maxAttempts.value
    const client = yield* HttpClient.HttpClient
    const path = "/sandbox/notifications"
    const response = yield* client.execute(
      HttpClientRequest.post(new URL(path, base).toString()).pipe(HttpClientRequest.bodyUnsafeJson(body))
    )
    const json = yield* response.json
    if (response.status !== 200) {
      const problem = Schema.decodeUnknownOption(Problem)(json)
      const code = Option.match(problem, { onNone: () => "UNKNOWN", onSome: (p) => p.code })
      const message = Option.match(problem, { onNone: () => "not the sandbox's answer", onSome: (p) => p.message })
      return yield* new SandboxAdminError({
        message: `${code} (HTTP ${response.status}) on POST ${path}: ${message}`,
        wechatMessage: message
      })
    }
    const delivery = yield* Schema.decodeUnknown(Delivery)(json)
    if (!delivery.delivered) {
      return yield* new NotDelivered({
        message: `notification ${delivery.id} not acknowledged by ${flags.url} after ${delivery.attempts} attempt(s)` +
          (delivery.last_status === undefined || delivery.last_status === null
            ? " (no answer)"
            : ` (last status ${delivery.last_status})`)
      })
    }
    yield* Output.print(json)
  }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer))

/**
 * Where the client's settings come from: the `WECHATPAY_*` variables `WeChatPay.layerConfig` reads (and their
 * `_FILE` forms), `--env-file FILE` (lines `NAME=value` or `export NAME=value`; the environment wins), and
 * `--base-url` (the sandbox's, say). The options every command that talks to WeChat takes.
 *
 * @internal
 */
import { WeChatPay } from "@effect-wechatpay/core"
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Fs from "node:fs"
import { InputError } from "./input.js"

/** The connection flags. */
export const options = {
  envFile: Options.file("env-file").pipe(
    Options.withDescription("read WECHATPAY_* variables from this file (the environment wins)"),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withDescription("the API host (default WECHATPAY_BASE_URL, else WeChat's): a sandbox's URL"),
    Options.optional
  )
}

/** The parsed connection flags. */
export interface Connection {
  readonly envFile: Option.Option<string>
  readonly baseUrl: Option.Option<string>
}

/** `NAME=value` lines, as a shell or `node --env-file` reads them (`export`, quotes, comments). */
export const parseEnvFile = (text: string): Map<string, string> => {
  const out = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (match === null) continue
    let value = match[2]!
    if (/^'.*'$/.test(value)) value = value.slice(1, -1).replaceAll(`'\\''`, "'")
    else if (/^".*"$/.test(value)) value = value.slice(1, -1)
    out.set(match[1]!, value)
  }
  return out
}

/** The variables the client reads: the env file's, then the environment's, then `--base-url`. */
export const variables = (connection: Connection): Effect.Effect<Map<string, string>, InputError> =>
  Effect.gen(function*() {
    const merged = new Map<string, string>()
    if (Option.isSome(connection.envFile)) {
      const file = connection.envFile.value
      const text = yield* Effect.try({
        try: () => Fs.readFileSync(file, "utf8"),
        catch: (cause) =>
          new InputError({
            message: `--env-file: cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? "unreadable"})`
          })
      })
      for (const [name, value] of parseEnvFile(text)) merged.set(name, value)
    }
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined) merged.set(name, value)
    if (Option.isSome(connection.baseUrl)) merged.set("WECHATPAY_BASE_URL", connection.baseUrl.value)
    return merged
  })

/**
 * The SDK's services from those variables, over `fetch`. One attempt a call: an operator sees a failure at once
 * and decides (a script that wants retries runs the command again).
 */
export const layer = (connection: Connection) =>
  Layer.unwrapEffect(
    Effect.map(variables(connection), (vars) =>
      WeChatPay.layerConfig({ retry: false }).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(vars)))
      ))
  )

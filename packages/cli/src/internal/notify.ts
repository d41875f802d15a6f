/**
 * `wechatpay notify decode`: a captured callback, verified (its `Wechatpay-*` signature) and decrypted (the
 * APIv3 key) by core's `Notification`, for debugging one WeChat sent. The decrypted resource is personal data:
 * it is printed only with `--reveal`.
 *
 * @internal
 */
import { Notification } from "@effect-wechatpay/core"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Connection from "./connection.js"
import { InputError, readText } from "./input.js"
import * as Output from "./output.js"

/** The parsed flags of `notify decode`. */
export interface Parsed extends Connection.Connection {
  readonly headers: string
  readonly body: string
  readonly reveal: boolean
}

/** A JSON object of headers, or `Name: value` lines (a status line or blank lines are skipped). */
export const parseHeaders = (text: string): Effect.Effect<Record<string, string>, InputError> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("{")) {
    return Effect.try({
      try: () => {
        const json = JSON.parse(trimmed) as Record<string, unknown>
        return Object.fromEntries(Object.entries(json).map(([k, v]) => [k.toLowerCase(), String(v)]))
      },
      catch: () => new InputError({ message: "--headers: not a JSON object" })
    })
  }
  const headers: Record<string, string> = {}
  for (const line of trimmed.split(/\r?\n/)) {
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line)
    if (match !== null) headers[match[1]!.toLowerCase()] = match[2]!
  }
  return Effect.succeed(headers)
}

/** Verifies, decrypts and prints the notification. */
export const run = (parsed: Parsed) =>
  Effect.gen(function*() {
    const headers = yield* Effect.flatMap(readText("headers", parsed.headers), parseHeaders)
    const body = yield* readText("body", parsed.body)
    const decoded = yield* Notification.decode({ headers, body }, Schema.Unknown).pipe(
      Effect.provide(Connection.layer(parsed))
    )
    yield* Output.print(parsed.reveal ? decoded : { ...decoded, resource: "<redacted>" })
  })

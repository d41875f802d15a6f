/**
 * `wechatpay call`: any APIv3 request through `WeChatPayClient.httpClient` (signed, the answer verified), with
 * the body fields named by `--encrypt` encrypted with the `Encryptor` and its key named in `Wechatpay-Serial`.
 *
 * @internal
 */
import { Encryptor, WeChatPayClient } from "@effect-wechatpay/core"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Connection from "./connection.js"
import { InputError, readJson } from "./input.js"
import * as Output from "./output.js"

/** The parsed flags of `call`. */
export interface Parsed extends Connection.Connection {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: string
  readonly query: Option.Option<HashMap.HashMap<string, string>>
  readonly data: Option.Option<string>
  readonly encrypt: ReadonlyArray<string>
}

/** Replaces the string at a dotted path with its ciphertext. */
const encryptAt = (
  body: unknown,
  path: string,
  encrypt: (plaintext: Redacted.Redacted<string>) => Effect.Effect<string, unknown>
): Effect.Effect<unknown, unknown> => {
  const walk = (node: unknown, keys: ReadonlyArray<string>): Effect.Effect<unknown, unknown> => {
    if (keys.length === 0) {
      return typeof node === "string"
        ? encrypt(Redacted.make(node))
        : Effect.fail(new InputError({ message: `--encrypt ${path}: not a string in the body` }))
    }
    const [head, ...rest] = keys
    if (Array.isArray(node) && /^\d+$/.test(head!) && Number(head) < node.length) {
      return Effect.map(
        walk(node[Number(head)], rest),
        (value) => node.map((item, i) => (i === Number(head) ? value : item))
      )
    }
    if (node !== null && typeof node === "object" && !Array.isArray(node) && head! in node) {
      return Effect.map(walk((node as Record<string, unknown>)[head!], rest), (value) => ({ ...node, [head!]: value }))
    }
    return Effect.fail(new InputError({ message: `--encrypt ${path}: no such field in the body` }))
  }
  return walk(body, path.split("."))
}

/** Sends the request and prints the verified answer. */
export const run = (parsed: Parsed) =>
  Effect.gen(function*() {
    if (!parsed.path.startsWith("/v3/")) {
      return yield* new InputError({ message: `PATH must start with /v3/ (got a path of ${parsed.path.length} chars)` })
    }
    let body = Option.isSome(parsed.data) ? yield* readJson("data", parsed.data.value) : undefined
    if (parsed.encrypt.length > 0 && body === undefined) {
      return yield* new InputError({ message: "--encrypt needs a body (--data)" })
    }
    const program = Effect.gen(function*() {
      const client = yield* WeChatPayClient.WeChatPayClient
      let serial: string | undefined
      if (parsed.encrypt.length > 0) {
        const encryptor = yield* Encryptor.Encryptor
        serial = encryptor.serialNo
        for (const path of parsed.encrypt) body = yield* encryptAt(body, path, encryptor.encrypt)
      }
      let request = HttpClientRequest.make(parsed.method)(parsed.path).pipe(HttpClientRequest.acceptJson)
      if (Option.isSome(parsed.query)) {
        request = HttpClientRequest.setUrlParams(request, [...HashMap.toEntries(parsed.query.value)])
      }
      if (body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, body)
      if (serial !== undefined) request = HttpClientRequest.setHeader(request, "Wechatpay-Serial", serial)
      const response = yield* client.httpClient.execute(request)
      const text = yield* response.text
      return text.length === 0 ? undefined : (JSON.parse(text) as unknown)
    }).pipe(Effect.scoped)
    const answer = yield* Effect.provide(program, Connection.layer(parsed))
    if (answer !== undefined) yield* Output.print(answer)
  })

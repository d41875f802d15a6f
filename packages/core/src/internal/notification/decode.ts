/**
 * Decoding one verified notification: its envelope, the AEAD decryption of its resource and the resource's schema.
 * `Notification.decode` loads this module with a dynamic `import()` the first time a program decodes a
 * notification, so a program that only calls WeChat pays nothing for it at start.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Aead from "../../Aead.js"
import type { Decoded, Input } from "../../Notification.js"
import * as Validation from "../pipeline/requestValidation.js"

/** Why a verified notification could not be decoded, before it becomes a `NotificationError`. */
export interface Failure {
  readonly reason: "Malformed" | "Decryption" | "Schema"
  readonly description: string
  readonly id?: string
}

const Envelope = Schema.parseJson(Schema.Struct({
  id: Schema.String,
  create_time: Schema.String,
  event_type: Schema.String,
  resource_type: Schema.String,
  summary: Schema.optionalWith(Schema.String, { default: () => "" }),
  resource: Schema.Struct({
    algorithm: Schema.String,
    ciphertext: Schema.String,
    nonce: Schema.String,
    associated_data: Schema.optional(Schema.String),
    original_type: Schema.optional(Schema.String)
  })
}))
const decodeEnvelope = Schema.decodeUnknownOption(Envelope)

const utf8 = new TextDecoder("utf-8", { fatal: false })

// The plaintext is personal data: it stays Redacted until parsed, and a failure reports only field paths.
const decodeResource = <A, I, R, E>(
  plaintext: Redacted.Redacted<string>,
  schema: Schema.Schema<A, I, R>,
  fail: (description: string) => E
) =>
  Effect.gen(function*() {
    let json: unknown
    try {
      json = JSON.parse(Redacted.value(plaintext))
    } catch {
      return yield* Effect.fail(fail("the decrypted resource is not JSON"))
    }
    return yield* Schema.decodeUnknown(schema, { onExcessProperty: "ignore" })(json).pipe(
      Effect.mapError((error) =>
        fail(`the decrypted resource does not match the schema at ${Validation.failingPaths(error)}`)
      )
    )
  })

/** Decodes a notification whose signature was verified: every failure goes through `toError`. */
export const open = <A, I, R, E>(
  input: Input,
  apiV3Key: Redacted.Redacted<string>,
  resource: Schema.Schema<A, I, R>,
  toError: (failure: Failure) => E
): Effect.Effect<Decoded<A>, E, R> =>
  Effect.gen(function*() {
    const text = typeof input.body === "string" ? input.body : utf8.decode(input.body)
    const envelope = decodeEnvelope(text)
    if (Option.isNone(envelope)) {
      return yield* Effect.fail(toError({ reason: "Malformed", description: "not a WeChat Pay notification" }))
    }
    const { id, resource: encrypted, ...rest } = envelope.value
    yield* Effect.annotateCurrentSpan({
      "wechatpay.notification.id": id,
      "wechatpay.event_type": rest.event_type
    })
    const plaintext = yield* Aead.decrypt(apiV3Key, encrypted).pipe(
      Effect.mapError((e) => toError({ reason: "Decryption", description: e.description, id }))
    )
    const fields = yield* decodeResource(
      plaintext,
      resource,
      (description) => toError({ reason: "Schema", description, id })
    )
    return { id, ...rest, resource: fields }
  })

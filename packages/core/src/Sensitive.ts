/**
 * Schemas for sensitive fields: `Redacted<string>` in the type, RSA-OAEP ciphertext on the wire.
 * Encoding needs an {@link Encryptor.Encryptor}, and the compiler tracks it in the schema's context.
 *
 * @since 0.1.0
 */
import { Effect, Either, ParseResult, Redacted, Schema } from "effect"
import * as Encryptor from "./Encryptor.js"
import * as SyncEncryption from "./internal/syncEncryption.js"

/**
 * A sensitive string: `Redacted<string>` to the program, base64 RSA-OAEP ciphertext to WeChat.
 * Encoding encrypts through the `Encryptor` service; an empty or over-long plaintext fails the encoding
 * with a `ParseError` whose message never shows the plaintext. Decoding ciphertext is refused: only
 * WeChat (or the sandbox) holds the private key.
 *
 * @example
 * ```ts
 * import { Effect, Redacted, Schema } from "effect"
 * import { Sensitive } from "@effect-wechatpay/core"
 *
 * const Body = Schema.Struct({ user_name: Sensitive.EncryptedString })
 * // Effect<{ readonly user_name: string }, ParseError, Encryptor>
 * const wire = Schema.encode(Body)({ user_name: Redacted.make("张三") })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const EncryptedString: Schema.transformOrFail<
  typeof Schema.String,
  Schema.declare<Redacted.Redacted<string>>,
  Encryptor.Encryptor
> = Schema.transformOrFail(
  Schema.String,
  // Checked in place: `Schema.RedactedFromSelf` would wrap the plaintext in a new Redacted on every encoding.
  // Whatever is there instead (a plain string, a Redacted of a number) is not echoed in the error.
  Schema.declare(
    (u: unknown): u is Redacted.Redacted<string> => Redacted.isRedacted(u) && typeof Redacted.value(u) === "string",
    { identifier: "RedactedFromSelf<string>", message: () => "expected a Redacted<string>" }
  ),
  {
    strict: true,
    decode: (_ciphertext, _options, ast) =>
      ParseResult.fail(
        new ParseResult.Forbidden(
          ast,
          "<ciphertext>",
          "an encrypted field can only be decrypted with the platform private key"
        )
      ),
    encode: (plaintext, _, ast) => {
      // `plaintext` is the Redacted wrapper: the formatter prints it as `<redacted>`.
      const issue = (error: Encryptor.EncryptError) => new ParseResult.Type(ast, plaintext, error.message)
      // Inside `Endpoint.toCall`'s encoding with one of the SDK's encryptors: on the spot, see `syncEncryption`.
      const sync = SyncEncryption.inScope()
      if (sync !== undefined) return Either.mapLeft(sync(plaintext), issue)
      return Effect.flatMap(Encryptor.Encryptor, (encryptor) => encryptor.encrypt(plaintext)).pipe(
        Effect.mapError(issue)
      )
    }
  }
).annotations({ identifier: "EncryptedString", description: "a sensitive string, RSA-OAEP encrypted on the wire" })

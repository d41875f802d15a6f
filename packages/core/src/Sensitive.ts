/**
 * Schemas for sensitive fields: `Redacted<string>` in the type, RSA-OAEP ciphertext on the wire.
 * Encoding needs an {@link Encryptor.Encryptor}, and the compiler tracks it in the schema's context.
 *
 * @since 0.1.0
 */
import { Effect, Either, ParseResult, Schema } from "effect"
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
  Schema.RedactedFromSelf<typeof Schema.String>,
  Encryptor.Encryptor
> = Schema.transformOrFail(
  Schema.String,
  // A plain string where a Redacted is expected must not be echoed in the error: it is the plaintext.
  Schema.RedactedFromSelf(Schema.String).annotations({ message: () => "expected a Redacted<string>" }),
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

/**
 * Schemas for sensitive fields: `Redacted<string>` in the type, RSA-OAEP ciphertext on the wire. A request's
 * field is encrypted to WeChat's key (encoding needs an {@link Encryptor.Encryptor}); an answer's field encrypted to
 * the merchant's key is decrypted (decoding needs a {@link Decryptor.Decryptor}). The compiler tracks each in the
 * schema's context.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as Decryptor from "./Decryptor.js"
import * as Encryptor from "./Encryptor.js"
import * as SyncEncryption from "./internal/crypto/syncEncryption.js"
import * as SchemaPaths from "./internal/schemaPaths.js"

// Checked in place: `Schema.RedactedFromSelf` would wrap the plaintext in a new Redacted on every encoding.
// Whatever is there instead (a plain string, a Redacted of a number) is not echoed in the error.
const RedactedString = Schema.declare(
  (u: unknown): u is Redacted.Redacted<string> => Redacted.isRedacted(u) && typeof Redacted.value(u) === "string",
  { identifier: "RedactedFromSelf<string>", message: () => "expected a Redacted<string>" }
)

/**
 * The annotation that marks {@link EncryptedString} (`"encrypted"`) and {@link DecryptedString} (`"decrypted"`), kept
 * by `.annotations(…)` on them; read it with {@link sensitivity}.
 *
 * @example
 * ```ts
 * import { SchemaAST } from "effect"
 * import { Sensitive } from "@effect-wechatpay/core"
 *
 * const marked = SchemaAST.getAnnotation(Sensitive.EncryptedString.ast, Sensitive.SensitiveAnnotationId)
 * ```
 *
 * @since 0.1.0
 * @category annotations
 */
export const SensitiveAnnotationId: unique symbol = Symbol.for("@effect-wechatpay/core/Sensitive")

/**
 * Which way a sensitive field's ciphertext goes: `"encrypted"` to WeChat's key (a request's field), `"decrypted"`
 * with the merchant's key (an answer's field).
 *
 * @example
 * ```ts
 * import type { Sensitive } from "@effect-wechatpay/core"
 *
 * const direction: Sensitive.Sensitivity = "encrypted"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Sensitivity = "encrypted" | "decrypted"

/**
 * Whether a schema (or its AST) is a sensitive field — {@link EncryptedString} or {@link DecryptedString}, annotated,
 * refined or made optional — and which way: what a tool that derives something from a request or answer schema
 * (a form, a command line, a log filter) needs to keep such a field out of plain sight. `Option.none()` for any
 * other schema; a struct holding one is not itself sensitive (walk its fields).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Sensitive } from "@effect-wechatpay/core"
 *
 * const Request = Schema.Struct({ openid: Schema.String, user_name: Sensitive.EncryptedString })
 * Sensitive.sensitivity(Request.fields.user_name) // Option.some("encrypted")
 * Sensitive.sensitivity(Request.fields.openid) // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const sensitivity = (schema: Schema.Schema.All | SchemaAST.AST): Option.Option<Sensitivity> => {
  let node = Schema.isSchema(schema) ? (schema as Schema.Schema.All).ast : schema as SchemaAST.AST
  // Refinements and `Schema.optional`'s `T | undefined` wrap the field; its own transformation carries the mark.
  for (let depth = 0; depth < 8; depth++) {
    const mark = SchemaAST.getAnnotation<Sensitivity>(node, SensitiveAnnotationId)
    if (Option.isSome(mark)) return mark
    if (node._tag === "Refinement") node = node.from
    else if (node._tag === "Union") {
      const defined = node.types.filter((member) => member._tag !== "UndefinedKeyword")
      if (defined.length !== 1) return Option.none()
      node = defined[0]!
    } else return Option.none()
  }
  return Option.none()
}

/**
 * Whether a schema (or its AST) is a sensitive field: {@link sensitivity} is some.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Sensitive } from "@effect-wechatpay/core"
 *
 * Sensitive.isSensitive(Schema.optional(Sensitive.EncryptedString)) // true
 * Sensitive.isSensitive(Schema.String) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isSensitive = (schema: Schema.Schema.All | SchemaAST.AST | Schema.PropertySignature.All): boolean =>
  Option.isSome(sensitivity(Schema.isPropertySignature(schema) ? propertyType(schema) : schema))

/**
 * The paths of the sensitive fields ({@link isSensitive}) in a request or answer schema, each a list of property
 * names with `"*"` for every element of a list: `[["user_name"], ["transfer_detail_list", "*", "user_name"]]`. What
 * a tool needs to keep those fields out of plain sight in a JSON document of that shape (read them from a file, print
 * them as `<redacted>`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Sensitive } from "@effect-wechatpay/core"
 *
 * const Batch = Schema.Struct({
 *   out_batch_no: Schema.String,
 *   transfer_detail_list: Schema.Array(Schema.Struct({ openid: Schema.String, user_name: Sensitive.EncryptedString }))
 * })
 * Sensitive.paths(Batch) // [["transfer_detail_list", "*", "user_name"]]
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const paths = (schema: Schema.Schema.All | SchemaAST.AST): ReadonlyArray<ReadonlyArray<string>> =>
  SchemaPaths.pathsWhere(
    Schema.isSchema(schema) ? (schema as Schema.Schema.All).ast : schema as SchemaAST.AST,
    (node) => Option.isSome(sensitivity(node)),
    "*"
  )

// A property signature's type: `Schema.optional(x)` is a property signature, not a schema.
const propertyType = (signature: Schema.PropertySignature.All): SchemaAST.AST => {
  const ast = signature.ast
  return ast._tag === "PropertySignatureDeclaration" ? ast.type : ast.to.type
}

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
  RedactedString,
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
).annotations({
  identifier: "EncryptedString",
  description: "a sensitive string, RSA-OAEP encrypted on the wire",
  [SensitiveAnnotationId]: "encrypted" satisfies Sensitivity
})

/**
 * A sensitive string in an answer: base64 RSA-OAEP ciphertext under the merchant's public key on the wire (as
 * WeChat encrypts a worker's name in a transfer detail: wechatpay-go `TransferDetailEntity.Username`,
 * `encryption:"EM_APIV3"`), `Redacted<string>` to the program. Decoding decrypts through the
 * {@link Decryptor.Decryptor} (the merchant private key); a ciphertext that does not decrypt fails the decoding
 * at its field, never showing the ciphertext. Encoding is refused: only WeChat encrypts to the merchant.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Sensitive } from "@effect-wechatpay/core"
 *
 * const Detail = Schema.Struct({ out_detail_no: Schema.String, username: Schema.optional(Sensitive.DecryptedString) })
 * declare const answer: unknown
 * // Effect<{ readonly out_detail_no: string; readonly username?: Redacted<string> }, ParseError, Decryptor>
 * const detail = Schema.decodeUnknown(Detail)(answer)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DecryptedString: Schema.transformOrFail<
  typeof Schema.String,
  Schema.declare<Redacted.Redacted<string>>,
  Decryptor.Decryptor
> = Schema.transformOrFail(Schema.String, RedactedString, {
  strict: true,
  decode: (ciphertext, _options, ast) =>
    Effect.flatMap(Decryptor.Decryptor, (decryptor) => decryptor.decrypt(ciphertext)).pipe(
      Effect.mapError((error) => new ParseResult.Type(ast, "<ciphertext>", error.message))
    ),
  encode: (_plaintext, _options, ast) =>
    ParseResult.fail(
      new ParseResult.Forbidden(ast, "<redacted>", "only WeChat Pay encrypts an answer's field to the merchant's key")
    )
}).annotations({
  identifier: "DecryptedString",
  description: "a sensitive string in an answer, RSA-OAEP encrypted to the merchant's key on the wire",
  [SensitiveAnnotationId]: "decrypted" satisfies Sensitivity
})

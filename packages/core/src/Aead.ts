/**
 * AEAD_AES_256_GCM, as APIv3 uses it for the `encrypt_certificate` of `GET /v3/certificates` and for the
 * `resource` of callbacks: key = the 32-byte APIv3 key, IV = the UTF-8 `nonce`, AAD = `associated_data`,
 * ciphertext = base64(data ‖ 16-byte tag).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Primitives from "./internal/crypto/primitives.js"

/**
 * The ciphertext did not authenticate (wrong APIv3 key, nonce or associated data, or tampered data).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Aead } from "@effect-wechatpay/core"
 *
 * declare const apiV3Key: Redacted.Redacted<string>
 * declare const resource: Aead.EncryptedResource
 * const plaintext = Aead.decrypt(apiV3Key, resource).pipe(
 *   Effect.catchTag("DecryptError", (e) => Effect.dieMessage(`not from WeChat: ${e.description}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class DecryptError extends Schema.TaggedError<DecryptError>("@effect-wechatpay/core/DecryptError")(
  "DecryptError",
  { description: Schema.String }
) {}

/**
 * An encrypted resource as WeChat sends it.
 *
 * @example
 * ```ts
 * import type { Aead } from "@effect-wechatpay/core"
 *
 * const resource: Aead.EncryptedResource = {
 *   algorithm: "AEAD_AES_256_GCM",
 *   nonce: "uluk4a9R25RW",
 *   associated_data: "transaction",
 *   ciphertext: "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EncryptedResource {
  readonly algorithm?: string | undefined
  readonly nonce: string
  readonly associated_data?: string | undefined
  readonly ciphertext: string
}

/**
 * Decrypts an `AEAD_AES_256_GCM` resource with the APIv3 key; the plaintext comes back `Redacted`,
 * since callbacks carry personal data.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Aead } from "@effect-wechatpay/core"
 *
 * const plaintext = Aead.decrypt(Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"), {
 *   nonce: "uluk4a9R25RW",
 *   associated_data: "associatedData",
 *   ciphertext: "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="
 * }) // Effect<Redacted<"message">, DecryptError>
 * ```
 *
 * @since 0.1.0
 * @category decryption
 */
export const decrypt = (
  apiV3Key: Redacted.Redacted<string>,
  resource: EncryptedResource
): Effect.Effect<Redacted.Redacted<string>, DecryptError> =>
  Effect.try({
    try: () => {
      if (resource.algorithm !== undefined && resource.algorithm !== "AEAD_AES_256_GCM") {
        throw new Error(`unsupported algorithm ${resource.algorithm}`)
      }
      const key = Buffer.from(Redacted.value(apiV3Key), "utf8")
      if (key.length !== 32) throw new Error("the APIv3 key must be 32 bytes")
      return Redacted.make(
        Primitives.aesGcmDecrypt({
          key,
          nonce: resource.nonce,
          associatedData: resource.associated_data ?? "",
          ciphertext: resource.ciphertext
        })
      )
    },
    catch: (cause) =>
      new DecryptError({
        description: cause instanceof Error && /unsupported|must be|shorter/.test(cause.message)
          ? cause.message
          : "the ciphertext does not authenticate with this key, nonce and associated data"
      })
  })

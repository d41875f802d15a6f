/**
 * Decryption of the answer fields WeChat encrypts to the merchant: some answers carry personal data (a worker's
 * name in a transfer detail: wechatpay-go `TransferDetailEntity.Username`, `encryption:"EM_APIV3"`) as RSA-OAEP
 * ciphertext under the merchant's own public key. The service holds the merchant private key (the key the
 * `Signer` signs with), parsed once; `Sensitive.DecryptedString` decodes such a field through it, to a
 * `Redacted<string>`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Validate from "./internal/config/credentials.js"
import * as Primitives from "./internal/crypto/primitives.js"
import type { InvalidOptionError } from "./WeChatPayError.js"

/**
 * A ciphertext that does not decrypt with the merchant private key: not base64, not RSA-OAEP under this key, or
 * not UTF-8 text. It never carries the ciphertext or anything decrypted.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { Decryptor } from "@effect-wechatpay/core"
 *
 * declare const name: Effect.Effect<string, Decryptor.DecryptError>
 * const orUnknown = name.pipe(Effect.catchTag("DecryptError", () => Effect.succeed("(unknown)")))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class DecryptError extends Schema.TaggedError<DecryptError>("@effect-wechatpay/core/DecryptError")(
  "DecryptError",
  {}
) {
  override get message(): string {
    return "the ciphertext does not decrypt with the merchant private key"
  }
}

/**
 * The decryptor's interface.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { Decryptor } from "@effect-wechatpay/core"
 *
 * const lengthOf = (decryptor: Decryptor.Service, ciphertext: string) =>
 *   Effect.map(decryptor.decrypt(ciphertext), (name) => Redacted.value(name).length)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Decrypts one base64 field; the plaintext is wrapped at once. */
  readonly decrypt: (ciphertext: string) => Effect.Effect<Redacted.Redacted<string>, DecryptError>
}

/**
 * The decryptor of answer fields, provided by `WeChatPay.layer` from the merchant private key.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Decryptor } from "@effect-wechatpay/core"
 *
 * declare const ciphertext: string
 * const name = Effect.flatMap(Decryptor.Decryptor, (decryptor) => decryptor.decrypt(ciphertext))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Decryptor extends Context.Tag("@effect-wechatpay/core/Decryptor")<Decryptor, Service>() {}

/**
 * What {@link make} needs.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { Decryptor } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const options: Decryptor.Options = { privateKey: Redacted.make(pem) }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The merchant API private key, PEM (the `Signer`'s). */
  readonly privateKey: Redacted.Redacted<string>
}

/**
 * Builds the decryptor from the merchant private key, parsed once; a key that does not parse fails with
 * `InvalidOptionError` naming `merchantPrivateKey`, never showing it.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Decryptor } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const decryptor = Decryptor.make({ privateKey: Redacted.make(pem) })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, InvalidOptionError> =>
  Effect.map(
    Validate.privateKey("merchantPrivateKey", Redacted.value(options.privateKey)),
    (key) =>
      Decryptor.of({
        decrypt: (ciphertext) =>
          Effect.suspend(() => {
            const plaintext = Primitives.oaepDecrypt(key, ciphertext)
            return plaintext === undefined ? Effect.fail(new DecryptError()) : Effect.succeed(Redacted.make(plaintext))
          })
      })
  )

/**
 * Provides the {@link Decryptor} built by {@link make}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Decryptor } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const DecryptorLive = Decryptor.layer({ privateKey: Redacted.make(pem) })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Decryptor, InvalidOptionError> =>
  Layer.effect(Decryptor, make(options))

/**
 * Encrypts sensitive request fields (names, ID numbers) for WeChat Pay: RSAES-OAEP with SHA-1 and
 * MGF1-SHA-1 under the platform public key, base64 on the wire. The request that carries them must
 * name that key in its `Wechatpay-Serial` header, which is why the encryptor also holds the serial.
 *
 * @since 0.1.0
 */
import type { ConfigError } from "effect"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Crypto from "node:crypto"
import * as Validate from "./internal/config/credentials.js"
import * as Primitives from "./internal/crypto/primitives.js"
import * as SyncEncryption from "./internal/crypto/syncEncryption.js"
import * as PlatformCertificates from "./PlatformCertificates.js"
import type { InvalidOptionError } from "./WeChatPayError.js"

/**
 * A plaintext that cannot be encrypted: empty, or longer than RSA-OAEP can carry (214 UTF-8 bytes for
 * RSA-2048). The plaintext itself is never included.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Encryptor } from "@effect-wechatpay/core"
 *
 * const ciphertext = Effect.flatMap(Encryptor.Encryptor, (e) => e.encrypt(Redacted.make(""))).pipe(
 *   Effect.catchTag("EncryptError", (e) => Effect.fail(e.message)) // "a sensitive field must not be empty"
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class EncryptError extends Schema.TaggedError<EncryptError>("@effect-wechatpay/core/EncryptError")(
  "EncryptError",
  { reason: Schema.Literal("Empty", "TooLong"), maxBytes: Schema.Number }
) {
  override get message(): string {
    return this.reason === "Empty"
      ? "a sensitive field must not be empty"
      : `a sensitive field must be at most ${this.maxBytes} bytes of UTF-8`
  }
}

/**
 * The encryptor's interface: the platform key id, its plaintext limit, and `encrypt`.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { Encryptor } from "@effect-wechatpay/core"
 *
 * const encryptName = (encryptor: Encryptor.Service, name: Redacted.Redacted<string>) =>
 *   Effect.map(encryptor.encrypt(name), (ciphertext) => ({ ciphertext, serial: encryptor.serialNo }))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The id of the platform key that encrypts: a `PUB_KEY_ID_…` or a 40-hex certificate serial. */
  readonly serialNo: string
  /** The largest plaintext, in UTF-8 bytes, this key can encrypt. */
  readonly maxPlaintextBytes: number
  /** Encrypts one field; the plaintext is unwrapped only here. */
  readonly encrypt: (plaintext: Redacted.Redacted<string>) => Effect.Effect<string, EncryptError>
}

/**
 * The sensitive-field encryptor.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Encryptor } from "@effect-wechatpay/core"
 *
 * const ciphertext = Effect.flatMap(Encryptor.Encryptor, (e) => e.encrypt(Redacted.make("张三")))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Encryptor extends Context.Tag("@effect-wechatpay/core/Encryptor")<Encryptor, Service>() {}

/**
 * What {@link make} needs: the platform public key and its id.
 *
 * @example
 * ```ts
 * import type { Encryptor } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const options: Encryptor.Options = { serialNo: "PUB_KEY_ID_0114232134912410000000000000000000", publicKey: pem }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `PUB_KEY_ID_…` (public-key mode) or the platform certificate's 40-hex serial. */
  readonly serialNo: string
  /** The WeChat Pay public key or platform certificate, PEM. */
  readonly publicKey: string
}

const encryptWith = (
  key: Crypto.KeyObject,
  maxPlaintextBytes: number,
  plaintext: Redacted.Redacted<string>
): Either.Either<string, EncryptError> => {
  const value = Redacted.value(plaintext)
  if (value.length === 0) return Either.left(new EncryptError({ reason: "Empty", maxBytes: maxPlaintextBytes }))
  if (Buffer.byteLength(value, "utf8") > maxPlaintextBytes) {
    return Either.left(new EncryptError({ reason: "TooLong", maxBytes: maxPlaintextBytes }))
  }
  return Either.right(Primitives.oaepEncrypt(key, value))
}

const fromKey = (serialNo: string, key: Crypto.KeyObject): Service => {
  const maxPlaintextBytes = Primitives.oaepMaxPlaintextBytes(key)
  const encrypt = (plaintext: Redacted.Redacted<string>) => encryptWith(key, maxPlaintextBytes, plaintext)
  // Its synchronous form is registered for `Endpoint.toCall`'s encoding: see `syncEncryption`.
  return SyncEncryption.register(
    Encryptor.of({ serialNo, maxPlaintextBytes, encrypt: (plaintext) => Effect.suspend(() => encrypt(plaintext)) }),
    encrypt
  )
}

/**
 * An encryptor over the downloaded platform certificates (certificate mode without a WeChat Pay public key).
 * `serialNo` and `encrypt` read the same certificate, `PlatformCertificates`' `newest`, which changes only when it
 * nears expiry: a rotation does not switch it between encrypting a request's fields and naming their serial.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Encryptor, PlatformCertificates } from "@effect-wechatpay/core"
 *
 * declare const CertificatesLive: Layer.Layer<PlatformCertificates.PlatformCertificates>
 * const serial = Effect.map(Encryptor.makeWithCertificates, (e) => e.serialNo).pipe(Effect.provide(CertificatesLive))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWithCertificates: Effect.Effect<Service, never, PlatformCertificates.PlatformCertificates> = Effect
  .map(
    PlatformCertificates.PlatformCertificates,
    (certificates) => {
      const current = () => {
        const newest = certificates.newest ?? certificates.certificates[0]
        // The service is built only after a successful download, so this is a bug if it happens.
        if (newest === undefined) throw new Error("Encryptor: no platform certificate to encrypt with")
        return newest
      }
      const encrypt = (plaintext: Redacted.Redacted<string>) => {
        const certificate = current()
        return encryptWith(certificate.publicKey, Primitives.oaepMaxPlaintextBytes(certificate.publicKey), plaintext)
      }
      return SyncEncryption.register(
        Encryptor.of({
          get serialNo() {
            return current().serialNo
          },
          get maxPlaintextBytes() {
            return Primitives.oaepMaxPlaintextBytes(current().publicKey)
          },
          encrypt: (plaintext) => Effect.suspend(() => encrypt(plaintext))
        }),
        encrypt
      )
    }
  )

/**
 * Provides the {@link Encryptor} built by {@link makeWithCertificates}.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { Encryptor, PlatformCertificates } from "@effect-wechatpay/core"
 *
 * declare const CertificatesLive: Layer.Layer<PlatformCertificates.PlatformCertificates>
 * const EncryptorLive = Encryptor.layerWithCertificates.pipe(Layer.provide(CertificatesLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithCertificates: Layer.Layer<Encryptor, never, PlatformCertificates.PlatformCertificates> = Layer
  .effect(Encryptor, makeWithCertificates)

/**
 * Builds an encryptor, parsing the public key once.
 *
 * @example
 * ```ts
 * import { Encryptor } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const encryptor = Encryptor.make({ serialNo: "PUB_KEY_ID_0114232134912410000000000000000000", publicKey: pem })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, InvalidOptionError> =>
  Effect.gen(function*() {
    const serialNo = yield* Validate.identifier("platformPublicKeyId", options.serialNo)
    const key = yield* Validate.publicKey("platformPublicKey", options.publicKey)
    // Serials are shown as WeChat shows them: upper-case (a `PUB_KEY_ID_…` already is).
    return fromKey(serialNo.toUpperCase(), key)
  })

/**
 * Provides the {@link Encryptor} built by {@link make}.
 *
 * @example
 * ```ts
 * import { Encryptor } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const EncryptorLive = Encryptor.layer({
 *   serialNo: "PUB_KEY_ID_0114232134912410000000000000000000",
 *   publicKey: pem
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Encryptor, InvalidOptionError> =>
  Layer.effect(Encryptor, make(options))

/**
 * Provides the {@link Encryptor} from `Config`, e.g. environment variables.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import { Encryptor } from "@effect-wechatpay/core"
 *
 * const EncryptorLive = Encryptor.layerConfig({
 *   serialNo: Config.string("WECHATPAY_PUBLIC_KEY_ID"),
 *   publicKey: Config.string("WECHATPAY_PUBLIC_KEY")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<Encryptor, ConfigError.ConfigError | InvalidOptionError> =>
  Layer.effect(Encryptor, Effect.flatMap(Config.unwrap(config), make))

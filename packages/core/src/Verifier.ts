/**
 * Verifies the `Wechatpay-*` signatures of APIv3 responses and callbacks.
 *
 * The message is `TIMESTAMP\nNONCE\nBODY\n` over the raw body; the key is chosen by `Wechatpay-Serial`,
 * so public-key mode (`PUB_KEY_ID_…`), certificate mode (40-hex serials) and a migration between them
 * (both at once) are the same code. Time comes from `Clock`, so `TestClock` drives the skew check.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { ConfigError } from "effect"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Crypto from "node:crypto"
import * as Validate from "./internal/config/credentials.js"
import * as Signature from "./internal/crypto/signature.js"
import * as Buffered from "./internal/pipeline/bufferedAnswer.js"
import * as PlatformCertificates from "./PlatformCertificates.js"
import { InvalidOptionError, type ResponseVerificationError } from "./WeChatPayError.js"

/**
 * WeChat's deliberate bad signatures start with this: merchants that accept them do not verify.
 *
 * @example
 * ```ts
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * const isProbe = (signature: string) => signature.startsWith(Verifier.SIGNATURE_PROBE_PREFIX)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const SIGNATURE_PROBE_PREFIX = Signature.SIGNATURE_PROBE_PREFIX

/**
 * Responses whose timestamp is this far (or further) from now are refused.
 *
 * @example
 * ```ts
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * const isFresh = (timestamp: number, nowSeconds: number) =>
 *   Math.abs(nowSeconds - timestamp) < Verifier.MAX_SKEW_SECONDS
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_SKEW_SECONDS = Signature.MAX_SKEW_SECONDS

/**
 * A signed message from WeChat: a response, or a callback's request.
 *
 * @example
 * ```ts
 * import type { Verifier } from "@effect-wechatpay/core"
 *
 * declare const rawBody: string, signature: string
 * const callback: Verifier.Signed = {
 *   headers: {
 *     "Wechatpay-Timestamp": "1554208460",
 *     "Wechatpay-Nonce": "c5ac7061fccab6bf3e254dcf98995b8c",
 *     "Wechatpay-Signature": signature,
 *     "Wechatpay-Serial": "PUB_KEY_ID_0114232134912410000000000000000000"
 *   },
 *   body: rawBody
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Signed extends Signature.Signed {
  /** Header names in any case (`Wechatpay-Serial` or `wechatpay-serial`). */
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  /** The raw body, exactly as received. */
  readonly body: string | Uint8Array
  /** The HTTP status, reported on failure. */
  readonly status?: number | undefined
}

/**
 * The verifier's interface: the serials it knows and `verify`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { Verifier } from "@effect-wechatpay/core"
 *
 * // The body is data only once its signature verifies
 * const verifiedBody = (verifier: Verifier.Service, headers: Record<string, string>, body: string) =>
 *   Effect.as(verifier.verify({ headers, body }), body)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The serials (key ids) this verifier holds keys for. */
  readonly serials: ReadonlyArray<string>
  /** Succeeds only when the message is signed by a known platform key, within the skew window. */
  readonly verify: (signed: Signed) => Effect.Effect<void, ResponseVerificationError>
}

/**
 * The response verifier.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * declare const headers: Record<string, string>
 * declare const rawBody: string
 * const checked = Effect.flatMap(Verifier.Verifier, (v) => v.verify({ headers, body: rawBody }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Verifier extends Context.Tag("@effect-wechatpay/core/Verifier")<Verifier, Service>() {}

/**
 * What {@link make} needs: the platform public keys, by serial.
 *
 * @example
 * ```ts
 * import type { Verifier } from "@effect-wechatpay/core"
 *
 * declare const publicKeyPem: string, certificatePem: string
 * const options: Verifier.Options = {
 *   publicKeys: {
 *     PUB_KEY_ID_0114232134912410000000000000000000: publicKeyPem,
 *     "5157F09EFDC096DE15EBE81A47057A7232F1B8E1": certificatePem
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Platform public keys (PEM public keys or certificates) by serial: `{ "PUB_KEY_ID_…": pem }`, or
   * certificate serials, or both during a migration. Serials are compared case-insensitively.
   */
  readonly publicKeys: Readonly<Record<string, string>>
  /** Fixed platform certificates (PEM), known by the serial they carry; nothing is downloaded for them. */
  readonly platformCertificates?: ReadonlyArray<string> | undefined
}

const fromKeys = (keys: Signature.Keys): Service =>
  Verifier.of({
    get serials() {
      return keys.known()
    },
    verify: (signed) => Signature.verifyWith(signed, keys)
  })

const staticKeys = (options: Partial<Options>): Effect.Effect<Map<string, Crypto.KeyObject>, InvalidOptionError> =>
  Effect.gen(function*() {
    const keys = new Map<string, Crypto.KeyObject>()
    for (const [serial, pem] of Object.entries(options.publicKeys ?? {})) {
      yield* Validate.identifier("platformPublicKeyId", serial)
      keys.set(Signature.normalizeSerial(serial), yield* Validate.publicKey(`platformPublicKey (${serial})`, pem))
    }
    for (const [index, pem] of (options.platformCertificates ?? []).entries()) {
      const certificate = yield* PlatformCertificates.parse(pem).pipe(
        Effect.mapError(() =>
          new InvalidOptionError({
            option: `platformCertificates (${index})`,
            description: "not a PEM RSA certificate"
          })
        )
      )
      keys.set(certificate.serialNo, certificate.publicKey)
    }
    return keys
  })

/**
 * Builds a verifier, parsing every key once.
 *
 * @example
 * ```ts
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const verifier = Verifier.make({ publicKeys: { PUB_KEY_ID_0114232134912410000000000000000000: pem } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, InvalidOptionError> =>
  Effect.map(staticKeys(options), (keys) => {
    const serials = Array.from(keys.keys())
    return fromKeys({ get: (serial) => keys.get(serial), known: () => serials })
  })

/**
 * Builds a verifier over the given keys and the downloaded {@link PlatformCertificates.PlatformCertificates}
 * (certificate or mixed mode): a serial neither knows makes the certificates re-download, at most once a minute,
 * before the answer fails with `UnknownSerial`.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { PlatformCertificates, Verifier } from "@effect-wechatpay/core"
 *
 * declare const CertificatesLive: Layer.Layer<PlatformCertificates.PlatformCertificates>
 * const verifier = Verifier.makeWithCertificates({}).pipe(Effect.provide(CertificatesLive))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWithCertificates = (
  options: Partial<Options>
): Effect.Effect<Service, InvalidOptionError, PlatformCertificates.PlatformCertificates> =>
  Effect.gen(function*() {
    const certificates = yield* PlatformCertificates.PlatformCertificates
    const keys = yield* staticKeys(options)
    return fromKeys({
      get: (serial) => keys.get(serial) ?? certificates.get(serial)?.publicKey,
      refetch: (serial) => Effect.map(certificates.lookup(serial), (c) => c?.publicKey),
      known: () => [...keys.keys(), ...certificates.certificates.map((c) => c.serialNo).filter((s) => !keys.has(s))]
    })
  })

/**
 * Provides the {@link Verifier} built by {@link makeWithCertificates}.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { PlatformCertificates, Verifier } from "@effect-wechatpay/core"
 *
 * declare const CertificatesLive: Layer.Layer<PlatformCertificates.PlatformCertificates>
 * const VerifierLive = Verifier.layerWithCertificates({}).pipe(Layer.provide(CertificatesLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithCertificates = (
  options: Partial<Options>
): Layer.Layer<Verifier, InvalidOptionError, PlatformCertificates.PlatformCertificates> =>
  Layer.effect(Verifier, makeWithCertificates(options))

/**
 * Provides the {@link Verifier} built by {@link make}.
 *
 * @example
 * ```ts
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const VerifierLive = Verifier.layer({ publicKeys: { PUB_KEY_ID_0114232134912410000000000000000000: pem } })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Verifier, InvalidOptionError> =>
  Layer.effect(Verifier, make(options))

/**
 * Provides the {@link Verifier} from `Config`, e.g. environment variables.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * const VerifierLive = Verifier.layerConfig(
 *   Config.all([Config.string("WECHATPAY_PUBLIC_KEY_ID"), Config.string("WECHATPAY_PUBLIC_KEY")]).pipe(
 *     Config.map(([id, pem]) => ({ publicKeys: { [id]: pem } }))
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<Verifier, ConfigError.ConfigError | InvalidOptionError> =>
  Layer.effect(Verifier, Effect.flatMap(Config.unwrap(config), make))

/**
 * Verifies a 2xx `HttpClientResponse` (official SDKs verify only 2xx answers; an error body is read as
 * WeChat's JSON, unverified) and returns it still readable: the body is read once, verified, and offered
 * again to `json`, `text`, `arrayBuffer` and `stream`. Other statuses pass through untouched.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * const certificates = Effect.gen(function*() {
 *   const verifier = yield* Verifier.Verifier
 *   const response = yield* HttpClient.get("https://api.mch.weixin.qq.com/v3/certificates")
 *   return yield* Effect.flatMap(Verifier.verifyResponse(verifier, response), (verified) => verified.json)
 * })
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyResponse = (
  verifier: Service,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<HttpClientResponse.HttpClientResponse, ResponseVerificationError | HttpClientError.ResponseError> =>
  response.status < 200 || response.status >= 300
    ? Effect.succeed(response)
    : Effect.flatMap(Buffered.bytes(response), (body) =>
      Effect.as(
        verifier.verify({ headers: response.headers, body, status: response.status }),
        Buffered.replay(response, body)
      ))

/**
 * An `HttpClient` transform that verifies every 2xx answer before it is returned (see {@link verifyResponse}).
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Verifier } from "@effect-wechatpay/core"
 *
 * const verifying = Effect.gen(function*() {
 *   const verifier = yield* Verifier.Verifier
 *   return (yield* HttpClient.HttpClient).pipe(Verifier.verifyResponses(verifier))
 * })
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyResponses = (verifier: Service) =>
<E, R>(
  client: HttpClient.HttpClient.With<E, R>
): HttpClient.HttpClient.With<E | ResponseVerificationError | HttpClientError.ResponseError, R> =>
  HttpClient.transformResponse(client, Effect.flatMap((response) => verifyResponse(verifier, response)))

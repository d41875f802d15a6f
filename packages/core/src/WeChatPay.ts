/**
 * Every service of the SDK from one options object, or from `WECHATPAY_*` environment variables.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type { Duration } from "effect"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as FileSystem from "node:fs"
import * as Decryptor from "./Decryptor.js"
import * as Encryptor from "./Encryptor.js"
import * as Check from "./internal/config/clientOptions.js"
import * as Validate from "./internal/config/credentials.js"
import { normalizeSerial } from "./internal/crypto/signature.js"
import * as Notification from "./Notification.js"
import * as PlatformCertificates from "./PlatformCertificates.js"
import * as Signer from "./Signer.js"
import * as Verifier from "./Verifier.js"
import * as WeChatPayClient from "./WeChatPayClient.js"
import { InvalidOptionError } from "./WeChatPayError.js"

/**
 * What {@link layer} needs: the merchant's identifiers and keys, WeChat's public key, and client options.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { WeChatPay } from "@effect-wechatpay/core"
 *
 * declare const merchantKeyPem: string, platformKeyPem: string
 * const options: WeChatPay.Options = {
 *   mchid: "1900000001",
 *   merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
 *   merchantPrivateKey: Redacted.make(merchantKeyPem),
 *   platformPublicKeyId: "PUB_KEY_ID_0119000000012025010100000000000000",
 *   platformPublicKey: platformKeyPem,
 *   timeout: "5 seconds"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends WeChatPayClient.Options {
  /** The service provider's merchant id (服务商商户号). */
  readonly mchid: string
  /** The merchant API certificate's serial number. */
  readonly merchantSerialNo: string
  /** The merchant API private key (`apiclient_key.pem`), PEM. */
  readonly merchantPrivateKey: Redacted.Redacted<string>
  /** The WeChat Pay public key id, `PUB_KEY_ID_…` (or a platform certificate serial). Optional with `apiV3Key`. */
  readonly platformPublicKeyId?: string | undefined
  /** The WeChat Pay public key (or platform certificate), PEM. Optional with `apiV3Key`. */
  readonly platformPublicKey?: string | undefined
  /**
   * The APIv3 key: decrypts callbacks (`Notification`) and, without `platformCertificates`, downloaded platform
   * certificates. Without a public key this is certificate mode; with one, mixed mode (encryption uses the public
   * key, answers signed by either verify, and a failed certificate download never breaks the public key).
   */
  readonly apiV3Key?: Redacted.Redacted<string> | undefined
  /** Fixed platform certificates (PEM): verified against, never downloaded. */
  readonly platformCertificates?: ReadonlyArray<string> | undefined
  /**
   * Whether `apiV3Key` also downloads platform certificates (default: yes, unless `platformCertificates` are
   * given). `false` suits a merchant with only a WeChat Pay public key: the APIv3 key then only decrypts callbacks.
   */
  readonly downloadCertificates?: boolean | undefined
  /**
   * How often downloaded certificates are refreshed (default 1 hour). The download itself is bounded by `timeout`
   * (request and body) and `maxBodySize`, as a call's attempt is.
   */
  readonly certificateRefreshInterval?: Duration.DurationInput | undefined
}

/**
 * The services {@link layer} provides.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import type { WeChatPay, WeChatPayError } from "@effect-wechatpay/core"
 *
 * declare const program: Effect.Effect<void, WeChatPayError.ApiError, WeChatPay.Services>
 * declare const WeChatPayLive: Layer.Layer<WeChatPay.Services>
 * const runnable = Effect.provide(program, WeChatPayLive)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | Signer.Signer
  | Decryptor.Decryptor
  | Encryptor.Encryptor
  | Verifier.Verifier
  | WeChatPayClient.WeChatPayClient
  | Notification.Notification

/**
 * All services at once; only the transport, `HttpClient.HttpClient`, is left to the user.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { WeChatPay } from "@effect-wechatpay/core"
 *
 * declare const merchantKeyPem: string
 * declare const platformKeyPem: string
 * const WeChatPayLive = WeChatPay.layer({
 *   mchid: "1900000001",
 *   merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
 *   merchantPrivateKey: Redacted.make(merchantKeyPem),
 *   platformPublicKeyId: "PUB_KEY_ID_0119000000012025010100000000000000",
 *   platformPublicKey: platformKeyPem
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<Services, InvalidOptionError | PlatformCertificates.CertificateError, HttpClient.HttpClient> =>
  // One construction rather than a graph of the services' own layers: the result is the same, and a program's
  // start does not pay Layer's per-node machinery (scopes, memo map) a dozen times (docs/performance.md).
  Layer.scopedContext(Effect.gen(function*() {
    const keys = yield* platformKeys(options)
    // The merchant key signs requests and decrypts the answer fields WeChat encrypts to the merchant.
    const signer = yield* Signer.make({
      mchid: options.mchid,
      serialNo: options.merchantSerialNo,
      privateKey: options.merchantPrivateKey
    })
    const decryptor = yield* Decryptor.make({ privateKey: options.merchantPrivateKey })
    const { encryptor, verifier } = yield* Effect.provideService(keys, Signer.Signer, signer)
    const notification = yield* Effect.provideService(
      Notification.make({ apiV3Key: options.apiV3Key }),
      Verifier.Verifier,
      verifier
    )
    const client = yield* WeChatPayClient.make(options).pipe(
      Effect.provideService(Signer.Signer, signer),
      Effect.provideService(Verifier.Verifier, verifier)
    )
    return Context.make(Signer.Signer, signer).pipe(
      Context.add(Decryptor.Decryptor, decryptor),
      Context.add(Encryptor.Encryptor, encryptor),
      Context.add(Verifier.Verifier, verifier),
      Context.add(Notification.Notification, notification),
      Context.add(WeChatPayClient.WeChatPayClient, client)
    )
  }))

/**
 * Checks the options that choose a key mode, then gives the construction of the encryptor and verifier for that
 * mode: public key, downloaded or fixed certificates, or mixed.
 */
const platformKeys = (options: Options) =>
  Effect.gen(function*() {
    const { apiV3Key, platformPublicKey: publicKey, platformPublicKeyId: publicKeyId } = options
    if ((publicKeyId === undefined) !== (publicKey === undefined)) {
      return yield* new InvalidOptionError({
        option: publicKeyId === undefined ? "platformPublicKeyId" : "platformPublicKey",
        description: "platformPublicKeyId and platformPublicKey go together"
      })
    }
    if (apiV3Key !== undefined && Buffer.byteLength(Redacted.value(apiV3Key), "utf8") !== 32) {
      return yield* new InvalidOptionError({ option: "apiV3Key", description: "must be 32 bytes (the APIv3 key)" })
    }
    const fixed = options.platformCertificates ?? []
    const download = apiV3Key !== undefined && fixed.length === 0 && options.downloadCertificates !== false
    if (publicKey === undefined && fixed.length === 0 && !download) {
      return yield* new InvalidOptionError({
        option: "platformPublicKey",
        description: "configure the WeChat Pay public key (platformPublicKeyId and platformPublicKey), " +
          "or apiV3Key to download platform certificates"
      })
    }
    const publicKeys = publicKeyId !== undefined && publicKey !== undefined ? { [publicKeyId]: publicKey } : {}
    const staticOptions = { publicKeys, platformCertificates: fixed }
    if (!download) {
      // No download: the encryptor uses the public key, or else the fixed certificate that expires last.
      return Effect.all({
        encryptor: publicKeyId !== undefined && publicKey !== undefined
          ? Encryptor.make({ serialNo: publicKeyId, publicKey })
          : Effect.flatMap(newestFixed(fixed), (pem) => Encryptor.make(pem)),
        verifier: Verifier.make(staticOptions)
      })
    }
    // The download is read like a call's attempt: the client's options, checked as the client checks them.
    const client = yield* Check.resolve(options, {
      baseUrl: WeChatPayClient.DEFAULT_BASE_URL,
      backupBaseUrl: WeChatPayClient.DEFAULT_BACKUP_BASE_URL,
      maxBodySize: WeChatPayClient.DEFAULT_MAX_BODY_SIZE
    })
    const certificateOptions: PlatformCertificates.Options = {
      baseUrl: client.baseUrl,
      apiV3Key: apiV3Key!,
      timeout: client.timeout,
      maxBodySize: client.maxBodySize,
      refreshInterval: options.certificateRefreshInterval,
      optional: publicKey !== undefined,
      // In mixed mode WeChat may sign the download with the public key.
      trusted: publicKeyId !== undefined && publicKey !== undefined
        ? new Map([[normalizeSerial(publicKeyId), yield* Validate.publicKey("platformPublicKey", publicKey)]])
        : undefined
    }
    return Effect.gen(function*() {
      const certificates = yield* PlatformCertificates.make(certificateOptions)
      const withCertificates = Effect.provideService(PlatformCertificates.PlatformCertificates, certificates)
      const encryptor = yield* publicKeyId !== undefined && publicKey !== undefined
        ? Encryptor.make({ serialNo: publicKeyId, publicKey })
        : withCertificates(Encryptor.makeWithCertificates)
      const verifier = yield* withCertificates(Verifier.makeWithCertificates(staticOptions))
      return { encryptor, verifier }
    })
  })

const newestFixed = (pems: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    let newest: PlatformCertificates.Certificate | undefined
    for (const [index, pem] of pems.entries()) {
      const certificate = yield* PlatformCertificates.parse(pem).pipe(
        Effect.mapError(() =>
          new InvalidOptionError({
            option: `platformCertificates (${index})`,
            description: "not a PEM RSA certificate"
          })
        )
      )
      if (newest === undefined || certificate.validTo > newest.validTo) newest = certificate
    }
    return { serialNo: newest!.serialNo, publicKey: newest!.pem }
  })

// `.env` files usually hold a PEM on one line with literal `\n`s: a PEM has none, so they are line breaks.
const unescapePem = (
  pem: string
): string => (pem.includes("\n") || !pem.includes("\\n") ? pem : pem.replaceAll("\\n", "\n"))

/**
 * A PEM given inline in `NAME`, or as a file path in `NAME_FILE`. The error names the variable to set, or the
 * file that cannot be read (a path is not a secret); never the PEM.
 */
const pem = (name: string): Config.Config<{ readonly variable: string; readonly pem: Redacted.Redacted<string> }> =>
  Config.all([Config.option(Config.redacted(name)), Config.option(Config.string(`${name}_FILE`))]).pipe(
    Config.mapOrFail(([inline, file]) => {
      if (Option.isSome(inline) && Redacted.value(inline.value).trim().length > 0) {
        return Either.right({ variable: name, pem: Redacted.make(unescapePem(Redacted.value(inline.value))) })
      }
      if (Option.isSome(file)) {
        try {
          return Either.right({
            variable: `${name}_FILE`,
            pem: Redacted.make(FileSystem.readFileSync(file.value, "utf8"))
          })
        } catch (cause) {
          const code = (cause as NodeJS.ErrnoException).code ?? "unreadable"
          return Either.left(
            ConfigError.InvalidData([`${name}_FILE`], `cannot read the key file ${file.value} (${code})`)
          )
        }
      }
      return Either.left(
        ConfigError.MissingData([name], `set ${name} to the PEM, or ${name}_FILE to the path of a file holding it`)
      )
    })
  )

/**
 * The configuration {@link layerConfig} reads.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WeChatPay } from "@effect-wechatpay/core"
 *
 * // Fails with a ConfigError naming the variable when one is missing
 * const mchid = Effect.map(WeChatPay.config, (config) => config.mchid)
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const config = Config.all({
  mchid: Config.string("WECHATPAY_MCHID"),
  merchantSerialNo: Config.string("WECHATPAY_MERCHANT_SERIAL_NO"),
  merchantPrivateKey: pem("WECHATPAY_MERCHANT_PRIVATE_KEY"),
  // Optional here; layerConfig requires the public key unless the APIv3 key is set (certificate mode).
  platformPublicKeyId: Config.option(Config.string("WECHATPAY_PUBLIC_KEY_ID")),
  platformPublicKey: Config.option(pem("WECHATPAY_PUBLIC_KEY")),
  apiV3Key: Config.option(pem("WECHATPAY_API_V3_KEY")),
  // `false` keeps the APIv3 key for callbacks only (a public-key merchant): see Options.downloadCertificates.
  downloadCertificates: Config.option(Config.boolean("WECHATPAY_DOWNLOAD_CERTIFICATES")),
  baseUrl: Config.option(Config.string("WECHATPAY_BASE_URL"))
})

/**
 * What a program may set beside the variables {@link layerConfig} reads: the client's options (timeout, retry,
 * …) and the certificate download's (`downloadCertificates`, which wins over `WECHATPAY_DOWNLOAD_CERTIFICATES`, and
 * `certificateRefreshInterval`). The keys and the base URL come only from the variables.
 *
 * @example
 * ```ts
 * import type { WeChatPay } from "@effect-wechatpay/core"
 *
 * // A merchant with only a WeChat Pay public key: the APIv3 key decrypts callbacks, nothing is downloaded.
 * const overrides: WeChatPay.ConfigOverrides = { downloadCertificates: false, timeout: "10 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOverrides
  extends Omit<WeChatPayClient.Options, "baseUrl">, Pick<Options, "downloadCertificates" | "certificateRefreshInterval">
{}

/**
 * All services from environment variables: `WECHATPAY_MCHID`, `WECHATPAY_MERCHANT_SERIAL_NO`,
 * `WECHATPAY_MERCHANT_PRIVATE_KEY` or `WECHATPAY_MERCHANT_PRIVATE_KEY_FILE`, `WECHATPAY_PUBLIC_KEY_ID`,
 * `WECHATPAY_PUBLIC_KEY` or `WECHATPAY_PUBLIC_KEY_FILE`, `WECHATPAY_API_V3_KEY` or `WECHATPAY_API_V3_KEY_FILE`,
 * and optionally `WECHATPAY_BASE_URL` and `WECHATPAY_DOWNLOAD_CERTIFICATES` (`false`: the APIv3 key only decrypts
 * callbacks). With the APIv3 key the public-key variables are optional (certificate mode); with both, mixed mode. A missing or malformed value fails with a `ConfigError` that names the variable,
 * never its value; a certificate download that fails fails with a `CertificateError`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { WeChatPay } from "@effect-wechatpay/core"
 *
 * const WeChatPayLive = WeChatPay.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: ConfigOverrides = {}
): Layer.Layer<
  Services,
  ConfigError.ConfigError | PlatformCertificates.CertificateError,
  HttpClient.HttpClient
> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const c = yield* config
      // Without the APIv3 key, or with half a public key, the public key is required: fail as a missing variable.
      if (Option.isNone(c.apiV3Key) || Option.isSome(c.platformPublicKeyId) !== Option.isSome(c.platformPublicKey)) {
        yield* Config.string("WECHATPAY_PUBLIC_KEY_ID")
        yield* pem("WECHATPAY_PUBLIC_KEY")
      }
      // Layer construction names options; report each failure against the variable it came from.
      const variables: Record<string, string> = {
        mchid: "WECHATPAY_MCHID",
        merchantSerialNo: "WECHATPAY_MERCHANT_SERIAL_NO",
        merchantPrivateKey: c.merchantPrivateKey.variable,
        platformPublicKeyId: "WECHATPAY_PUBLIC_KEY_ID",
        platformPublicKey: Option.match(c.platformPublicKey, {
          onNone: () => "WECHATPAY_PUBLIC_KEY",
          onSome: (key) => key.variable
        }),
        apiV3Key: Option.match(c.apiV3Key, { onNone: () => "WECHATPAY_API_V3_KEY", onSome: (key) => key.variable }),
        baseUrl: "WECHATPAY_BASE_URL"
      }
      const options: Options = {
        ...overrides,
        downloadCertificates: overrides.downloadCertificates ?? Option.getOrUndefined(c.downloadCertificates),
        mchid: c.mchid,
        merchantSerialNo: c.merchantSerialNo,
        merchantPrivateKey: c.merchantPrivateKey.pem,
        platformPublicKeyId: Option.getOrUndefined(c.platformPublicKeyId),
        platformPublicKey: Option.getOrUndefined(Option.map(c.platformPublicKey, (key) => Redacted.value(key.pem))),
        // A key kept in a file usually ends in a newline that is not part of it.
        apiV3Key: Option.getOrUndefined(
          Option.map(c.apiV3Key, (key) => Redacted.make(Redacted.value(key.pem).trim()))
        ),
        baseUrl: Option.getOrUndefined(c.baseUrl)
      }
      return layer(options).pipe(
        Layer.catchAll(
          (error): Layer.Layer<unknown, ConfigError.ConfigError | PlatformCertificates.CertificateError> => {
            if (error._tag === "CertificateError") return Layer.fail(error)
            const option = error.option.replace(/ \(.*\)$/, "")
            return Layer.fail(ConfigError.InvalidData([variables[option] ?? option], error.description))
          }
        )
      )
    })
  )

/**
 * Every service of the SDK from one options object, or from `WECHATPAY_*` environment variables.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { Config, ConfigError, Effect, Either, Layer, Option, Redacted } from "effect"
import * as FileSystem from "node:fs"
import * as Encryptor from "./Encryptor.js"
import * as Signer from "./Signer.js"
import * as Verifier from "./Verifier.js"
import * as WeChatPayClient from "./WeChatPayClient.js"
import type { InvalidOptionError } from "./WeChatPayError.js"

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
  /** The WeChat Pay public key id, `PUB_KEY_ID_…` (or a platform certificate serial). */
  readonly platformPublicKeyId: string
  /** The WeChat Pay public key (or platform certificate), PEM. */
  readonly platformPublicKey: string
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
export type Services = Signer.Signer | Encryptor.Encryptor | Verifier.Verifier | WeChatPayClient.WeChatPayClient

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
export const layer = (options: Options): Layer.Layer<Services, InvalidOptionError, HttpClient.HttpClient> => {
  const keys = Layer.mergeAll(
    Signer.layer({ mchid: options.mchid, serialNo: options.merchantSerialNo, privateKey: options.merchantPrivateKey }),
    Encryptor.layer({ serialNo: options.platformPublicKeyId, publicKey: options.platformPublicKey }),
    Verifier.layer({ publicKeys: { [options.platformPublicKeyId]: options.platformPublicKey } })
  )
  return WeChatPayClient.layer(options).pipe(Layer.provideMerge(keys))
}

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
  platformPublicKeyId: Config.string("WECHATPAY_PUBLIC_KEY_ID"),
  platformPublicKey: pem("WECHATPAY_PUBLIC_KEY"),
  baseUrl: Config.option(Config.string("WECHATPAY_BASE_URL"))
})

/**
 * All services from environment variables: `WECHATPAY_MCHID`, `WECHATPAY_MERCHANT_SERIAL_NO`,
 * `WECHATPAY_MERCHANT_PRIVATE_KEY` or `WECHATPAY_MERCHANT_PRIVATE_KEY_FILE`, `WECHATPAY_PUBLIC_KEY_ID`,
 * `WECHATPAY_PUBLIC_KEY` or `WECHATPAY_PUBLIC_KEY_FILE`, and optionally `WECHATPAY_BASE_URL`.
 * A missing or malformed value fails with a `ConfigError` that names the variable, never its value.
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
  overrides: Omit<WeChatPayClient.Options, "baseUrl"> = {}
): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const c = yield* config
      // Layer construction names options; report each failure against the variable it came from.
      const variables: Record<string, string> = {
        mchid: "WECHATPAY_MCHID",
        merchantSerialNo: "WECHATPAY_MERCHANT_SERIAL_NO",
        merchantPrivateKey: c.merchantPrivateKey.variable,
        platformPublicKeyId: "WECHATPAY_PUBLIC_KEY_ID",
        platformPublicKey: c.platformPublicKey.variable,
        baseUrl: "WECHATPAY_BASE_URL"
      }
      const options: Options = {
        ...overrides,
        mchid: c.mchid,
        merchantSerialNo: c.merchantSerialNo,
        merchantPrivateKey: c.merchantPrivateKey.pem,
        platformPublicKeyId: c.platformPublicKeyId,
        platformPublicKey: Redacted.value(c.platformPublicKey.pem),
        baseUrl: Option.getOrUndefined(c.baseUrl)
      }
      return layer(options).pipe(
        Layer.catchAll((error) => {
          const option = error.option.replace(/ \(.*\)$/, "")
          return Layer.fail(ConfigError.InvalidData([variables[option] ?? option], error.description))
        })
      )
    })
  )

/**
 * Signs APIv3 requests: the `Authorization: WECHATPAY2-SHA256-RSA2048 …` header.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { ConfigError } from "effect"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Crypto from "node:crypto"
import * as Validate from "./internal/config/credentials.js"
import * as Primitives from "./internal/crypto/primitives.js"
import * as Target from "./internal/pipeline/signingTarget.js"
import type { InvalidOptionError } from "./WeChatPayError.js"

/**
 * What is signed for one request.
 *
 * @example
 * ```ts
 * import type { Signer } from "@effect-wechatpay/core"
 *
 * const input: Signer.SignInput = {
 *   method: "POST",
 *   target: "/v3/payroll-card/authentications/pre-order-with-auth",
 *   body: JSON.stringify({ openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58", sub_mchid: "1111111" })
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SignInput {
  /** `GET`, `POST`, … */
  readonly method: string
  /** Path plus `?query`, exactly as sent (e.g. `/v3/payroll-card/relations/o1?sub_mchid=1`). */
  readonly target: string
  /** The exact body bytes sent; `""` for GET. */
  readonly body: string | Uint8Array
}

/**
 * The signer's interface: the merchant's identifiers and `authorize`.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { Signer } from "@effect-wechatpay/core"
 *
 * const authorizationFor = (signer: Signer.Service, target: string) =>
 *   Effect.map(signer.authorize({ method: "GET", target, body: "" }), Redacted.value)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The merchant (service provider) id that signs. */
  readonly mchid: string
  /** The serial number of the merchant's API certificate. */
  readonly serialNo: string
  /**
   * The `Authorization` header value for one request: fresh nonce, `Clock` timestamp, signature over
   * `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n`. Redacted, so it cannot be logged by accident.
   * With `offload: true` the RSA signature is computed on libuv's threadpool instead of this thread.
   */
  readonly authorize: (
    input: SignInput,
    options?: { readonly offload?: boolean | undefined }
  ) => Effect.Effect<Redacted.Redacted<string>>
}

/**
 * The request signer.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * const header = Effect.flatMap(Signer.Signer, (signer) =>
 *   signer.authorize({ method: "GET", target: "/v3/certificates", body: "" })
 * )
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Signer extends Context.Tag("@effect-wechatpay/core/Signer")<Signer, Service>() {}

/**
 * What {@link make} needs: the merchant id, its API certificate serial and private key.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { Signer } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const options: Signer.Options = {
 *   mchid: "1900000001",
 *   serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
 *   privateKey: Redacted.make(pem)
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly mchid: string
  /** The merchant API certificate's serial number (商户API证书序列号). */
  readonly serialNo: string
  /** The merchant API private key (`apiclient_key.pem`), PEM. */
  readonly privateKey: Redacted.Redacted<string>
}

/**
 * The message that is signed, as WeChat specifies it: every line, the last included, ends in `\n`.
 *
 * @example
 * ```ts
 * import { Signer } from "@effect-wechatpay/core"
 *
 * const input = { method: "GET", target: "/v3/certificates", body: "" }
 * Signer.message(input, 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242")
 * // "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
 * ```
 *
 * @since 0.1.0
 * @category signing
 */
export const message = (input: SignInput, timestamp: number, nonce: string): string | Uint8Array => {
  const head = `${input.method}\n${input.target}\n${timestamp}\n${nonce}\n`
  if (typeof input.body === "string") return `${head}${input.body}\n`
  const headBytes = Buffer.from(head, "utf8")
  const out = new Uint8Array(headBytes.length + input.body.length + 1)
  out.set(headBytes, 0)
  out.set(input.body, headBytes.length)
  out[out.length - 1] = 0x0a
  return out
}

/**
 * Formats the header value from its parts.
 *
 * @example
 * ```ts
 * import { Signer } from "@effect-wechatpay/core"
 *
 * Signer.formatAuthorization({ mchid: "1900000001", nonce: "N", timestamp: 1, serialNo: "S", signature: "c2ln" })
 * // 'WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N",timestamp="1",serial_no="S",signature="c2ln"'
 * ```
 *
 * @since 0.1.0
 * @category signing
 */
export const formatAuthorization = (parts: {
  readonly mchid: string
  readonly nonce: string
  readonly timestamp: number
  readonly serialNo: string
  readonly signature: string
}): string =>
  `WECHATPAY2-SHA256-RSA2048 mchid="${parts.mchid}",nonce_str="${parts.nonce}",timestamp="${parts.timestamp}",serial_no="${parts.serialNo}",signature="${parts.signature}"`

/**
 * Builds a signer from an already parsed key. A lone call signs on the calling thread, which is
 * fastest; with `offload`, the signature is computed on libuv's threadpool so that concurrent calls
 * use every core instead of queueing on the event loop (the client offloads when calls overlap).
 */
const fromKey = (mchid: string, serialNo: string, key: Crypto.KeyObject): Service => {
  const offloaded = Primitives.threadpoolSigner(key)
  return Signer.of({
    mchid,
    serialNo,
    authorize: (input, options) =>
      Effect.clockWith((clock) => {
        const timestamp = Math.floor(clock.unsafeCurrentTimeMillis() / 1000)
        const nonce = Primitives.nonce()
        const payload = message(input, timestamp, nonce)
        const header = (signature: string) =>
          Redacted.make(formatAuthorization({ mchid, nonce, timestamp, serialNo, signature }))
        return options?.offload === true
          ? Effect.map(offloaded(payload), header)
          : Effect.sync(() => header(Primitives.signSync(key, payload)))
      })
  })
}

/**
 * Builds a signer, parsing the private key once.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const signer = Signer.make({
 *   mchid: "1900000001",
 *   serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
 *   privateKey: Redacted.make(pem)
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, InvalidOptionError> =>
  Effect.gen(function*() {
    const mchid = yield* Validate.identifier("mchid", options.mchid)
    const serialNo = yield* Validate.identifier("merchantSerialNo", options.serialNo)
    const key = yield* Validate.privateKey("merchantPrivateKey", Redacted.value(options.privateKey))
    return fromKey(mchid, serialNo, key)
  })

/**
 * Provides the {@link Signer} built by {@link make}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const SignerLive = Signer.layer({
 *   mchid: "1900000001",
 *   serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
 *   privateKey: Redacted.make(pem)
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Signer, InvalidOptionError> => Layer.effect(Signer, make(options))

/**
 * Provides the {@link Signer} from `Config`, e.g. environment variables.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * const SignerLive = Signer.layerConfig({
 *   mchid: Config.string("WECHATPAY_MCHID"),
 *   serialNo: Config.string("WECHATPAY_MERCHANT_SERIAL_NO"),
 *   privateKey: Config.redacted("WECHATPAY_MERCHANT_PRIVATE_KEY")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<Signer, ConfigError.ConfigError | InvalidOptionError> =>
  Layer.effect(Signer, Effect.flatMap(Config.unwrap(config), make))

/**
 * Signs one `HttpClientRequest` as it will be sent: its query (in the URL or as `urlParams`) is folded into the
 * URL and signed with the path, its body is signed byte for byte whatever helper made it (`bodyJson`,
 * `bodyText`, `bodyUint8Array`, a stream, which is read once), and `Authorization` is set. A multipart body
 * fails with a `RequestError` (`Encode`): its bytes are not known before the transport writes them.
 *
 * @example
 * ```ts
 * import { HttpClientRequest } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * const signed = Effect.flatMap(Signer.Signer, (signer) =>
 *   Signer.signRequest(
 *     signer,
 *     HttpClientRequest.get("/v3/payroll-card/authentications").pipe(
 *       HttpClientRequest.setUrlParams({ sub_mchid: "1900000109", authenticate_date: "2026-11-22" })
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category signing
 */
export const signRequest = (
  signer: Service,
  request: HttpClientRequest.HttpClientRequest,
  options?: { readonly offload?: boolean | undefined }
): Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.RequestError> =>
  Effect.flatMap(
    Target.target(request),
    ({ request, target }) =>
      Effect.flatMap(Target.body(request), ({ body, request }) =>
        Effect.map(
          signer.authorize({ method: request.method, target, body }, options),
          (authorization) => HttpClientRequest.setHeader(request, "authorization", Redacted.value(authorization))
        ))
  )

/**
 * An `HttpClient` transform that signs every request, every attempt afresh (a retry of the returned client
 * re-signs). The request target is signed as the transport sends it, so give this transform the URL WeChat
 * sees: an absolute `https://api.mch.weixin.qq.com/v3/…`, or a path with the host prepended after signing.
 *
 * @example
 * ```ts
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Signer } from "@effect-wechatpay/core"
 *
 * const client = Effect.gen(function*() {
 *   const signer = yield* Signer.Signer
 *   return (yield* HttpClient.HttpClient).pipe(
 *     Signer.signRequests(signer),
 *     HttpClient.mapRequest(HttpClientRequest.prependUrl("https://api.mch.weixin.qq.com"))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category signing
 */
export const signRequests =
  (signer: Service) =>
  <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E | HttpClientError.RequestError, R> =>
    HttpClient.mapRequestEffect(client, (request) => signRequest(signer, request))

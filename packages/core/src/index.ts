/**
 * WeChat Pay APIv3 for Effect: request signing, sensitive-field encryption, response verification and
 * typed errors, as Layer services.
 *
 * The transport is the user's `HttpClient` (`NodeHttpClient.layerUndici` is the recommended one). The
 * lean node:http transport is opt-in, from its own subpath: `@effect-wechatpay/core/LeanHttpClient`.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Aead from "./Aead.js"

/** @since 0.1.0 */
export * as CallSite from "./CallSite.js"

/** @since 0.1.0 */
export * as Decryptor from "./Decryptor.js"

/** @since 0.1.0 */
export * as Endpoint from "./Endpoint.js"

/** @since 0.1.0 */
export * as Helper from "./Helper.js"

/** @since 0.1.0 */
export * as Download from "./Download.js"

/** @since 0.1.0 */
export * as Encryptor from "./Encryptor.js"

/** @since 0.1.0 */
export * as Media from "./Media.js"

/** @since 0.1.0 */
export * as Notification from "./Notification.js"

/** @since 0.1.0 */
export * as NotificationStore from "./NotificationStore.js"

/** @since 0.1.0 */
export * as PlatformCertificates from "./PlatformCertificates.js"

/** @since 0.1.0 */
export * as Sensitive from "./Sensitive.js"

/** @since 0.1.0 */
export * as Signer from "./Signer.js"

/** @since 0.1.0 */
export * as Verifier from "./Verifier.js"

/** @since 0.1.0 */
export * as WeChatPay from "./WeChatPay.js"

/** @since 0.1.0 */
export * as WeChatPayClient from "./WeChatPayClient.js"

/** @since 0.1.0 */
export * as WeChatPayError from "./WeChatPayError.js"

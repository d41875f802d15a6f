import { WeChatPay, type WeChatPayClient } from "@effect-wechatpay/core"
import type { HttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { generateKeyPair } from "./keys.js"

/** The platform public key's id the tests' clients trust. */
export const SERIAL = "PUB_KEY_ID_0100000000000001"

type KeyPair = Effect.Effect.Success<typeof generateKeyPair>
let pairs: Promise<readonly [KeyPair, KeyPair]> | undefined
/** One merchant and one platform key pair per test file, generated at run time. */
export const keys = Effect.promise(() => pairs ??= Effect.runPromise(Effect.zip(generateKeyPair, generateKeyPair)))

/**
 * The SDK on `transport`, pointed at `baseUrl`: real signing and verification, no retries and no backup host unless
 * `options` say so.
 */
export const clientOn = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  baseUrl: string,
  options: WeChatPayClient.Options = {}
) =>
  Effect.gen(function*() {
    const [merchant, platform] = yield* keys
    const services = yield* Layer.build(
      WeChatPay.layer({
        mchid: "1900000001",
        merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        merchantPrivateKey: Redacted.make(merchant.privateKey),
        platformPublicKeyId: SERIAL,
        platformPublicKey: platform.publicKey,
        baseUrl,
        backupBaseUrl: false,
        retry: false,
        ...options
      }).pipe(Layer.provide(transport))
    )
    return { services, merchant, platform }
  })

import { WeChatPay } from "@effect-wechatpay/core"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Clock, Effect, Layer, Redacted } from "effect"
import { keys, SERIAL } from "./client.js"
import { signed } from "./platform.js"

export { keys }

/**
 * The SDK's services over a fake WeChat that answers `body` (given the merchant's public key) to any request, 200 and
 * signed with the platform key, as a signed answer captured elsewhere would be.
 */
export const answering = (body: (merchantPublicKey: string) => string) =>
  Effect.gen(function*() {
    const [merchant, platform] = yield* keys
    const text = body(merchant.publicKey)
    const client = HttpClient.make((request) =>
      Effect.map(Clock.currentTimeMillis, (millis) =>
        HttpClientResponse.fromWeb(
          request,
          new Response(text, {
            status: 200,
            headers: {
              "content-type": "application/json",
              ...signed(text, platform.privateKey, SERIAL, Math.floor(millis / 1000))
            }
          })
        ))
    )
    return WeChatPay.layer({
      mchid: "1900000001",
      merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      merchantPrivateKey: Redacted.make(merchant.privateKey),
      platformPublicKeyId: SERIAL,
      platformPublicKey: platform.publicKey,
      backupBaseUrl: false,
      retry: false
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
  })

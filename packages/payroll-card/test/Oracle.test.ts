import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { TestKeys } from "@effect-wechatpay/sandbox"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

class Seen extends Context.Tag("test/Seen")<Seen, Array<{ readonly name: string; readonly id: string }>>() {}

/**
 * WeChat's side played by the independent implementation in wechatpay-axios-plugin: it checks our
 * Authorization with its `Rsa.verify`, decrypts our fields with its `Rsa.decrypt`, and signs its answer
 * with its `Rsa.sign`, which our Verifier must accept.
 */
const OracleWeChat = Layer.unwrapEffect(Effect.gen(function*() {
  const keys = yield* TestKeys.generateSet()
  const merchantPublic = Rsa.from(keys.merchantPublicKey, "public")
  const platformPrivate = Rsa.from(keys.platformPrivateKey, "private")
  const seen: Array<{ readonly name: string; readonly id: string }> = []
  const transport = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      const auth = request.headers["authorization"]!
      const params = Object.fromEntries(
        auth.slice(auth.indexOf(" ") + 1).split(",").map((pair) => {
          const at = pair.indexOf("=")
          return [pair.slice(0, at), pair.slice(at + 2, -1)]
        })
      )
      const signed = Formatter.request(
        request.method,
        url.pathname + url.search,
        params.timestamp,
        params.nonce_str,
        body
      )
      const ok = auth.startsWith("WECHATPAY2-SHA256-RSA2048 ") && params.mchid === keys.mchid &&
        params.serial_no === keys.merchantSerialNo && Rsa.verify(signed, params.signature!, merchantPublic) &&
        request.headers["wechatpay-serial"] === keys.platformPublicKeyId
      if (!ok) {
        return HttpClientResponse.fromWeb(
          request,
          new Response("{\"code\":\"SIGN_ERROR\",\"message\":\"oracle\"}", { status: 401 })
        )
      }
      const json = JSON.parse(body)
      seen.push({
        name: Rsa.decrypt(json.user_name, platformPrivate),
        id: Rsa.decrypt(json.id_card_number, platformPrivate)
      })
      const answer = JSON.stringify({
        authenticate_number: json.authenticate_number,
        openid: json.openid,
        mchid: keys.mchid,
        sub_mchid: json.sub_mchid,
        token: "oracle-token",
        expires_in: 1800
      })
      const timestamp = String(Formatter.timestamp())
      const nonce = Formatter.nonce()
      return HttpClientResponse.fromWeb(
        request,
        new Response(answer, {
          status: 200,
          headers: {
            "content-type": "application/json",
            "request-id": "oracle-1",
            "wechatpay-timestamp": timestamp,
            "wechatpay-nonce": nonce,
            "wechatpay-serial": keys.platformPublicKeyId,
            "wechatpay-signature": Rsa.sign(Formatter.response(timestamp, nonce, answer), platformPrivate)
          }
        })
      )
    })
  )
  return Layer.merge(
    WeChatPay.layer({
      mchid: keys.mchid,
      merchantSerialNo: keys.merchantSerialNo,
      merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
      platformPublicKeyId: keys.platformPublicKeyId,
      platformPublicKey: keys.platformPublicKey
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, transport))),
    Layer.succeed(Seen, seen)
  )
}))

describe("interoperability with wechatpay-axios-plugin", () => {
  layer(OracleWeChat, { excludeTestServices: true })((it) => {
    it.effect("its primitives verify our request, decrypt our fields, and sign an answer we accept", () =>
      Effect.gen(function*() {
        const response = yield* PayrollCard.preOrderWithAuth(makeRequest())
        assert.strictEqual(response.token, "oracle-token")
        const seen = yield* Seen
        assert.deepStrictEqual(seen, [{ name: USER_NAME, id: ID_CARD_NUMBER }])
      }))
  })
})

import { Signer, Verifier, WeChatPay, WeChatPayClient } from "@effect-wechatpay/core"
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schema } from "effect"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { generateKeyPair, parseAuthorization } from "./utils/keys.js"

describe("WeChatPayClient", () => {
  it.live("a GET is signed over its path and query with an empty body, and carries no body headers", () =>
    Effect.gen(function*() {
      const merchant = yield* generateKeyPair
      const platform = yield* generateKeyPair
      const seen: Array<{ method: string; target: string; headers: Record<string, string>; bodyTag: string }> = []
      // WeChat's side, played with the independent implementation's primitives.
      const transport = HttpClient.make((request, url) =>
        Effect.sync(() => {
          seen.push({
            method: request.method,
            target: url.pathname + url.search,
            headers: request.headers,
            bodyTag: request.body._tag
          })
          const { params } = parseAuthorization(request.headers["authorization"]!)
          const signed = Formatter.request("GET", url.pathname + url.search, params.timestamp!, params.nonce_str!, "")
          if (!Rsa.verify(signed, params.signature!, Rsa.from(merchant.publicKey, "public"))) {
            return HttpClientResponse.fromWeb(
              request,
              new Response("{\"code\":\"SIGN_ERROR\",\"message\":\"m\"}", { status: 401 })
            )
          }
          const body = JSON.stringify({ openid: "o1", relation_state: "AUTHORIZED" })
          const timestamp = String(Formatter.timestamp())
          const nonce = Formatter.nonce()
          return HttpClientResponse.fromWeb(
            request,
            new Response(body, {
              status: 200,
              headers: {
                "wechatpay-timestamp": timestamp,
                "wechatpay-nonce": nonce,
                "wechatpay-serial": "PUB_KEY_ID_0100000000000001",
                "wechatpay-signature": Rsa.sign(
                  Formatter.response(timestamp, nonce, body),
                  Rsa.from(platform.privateKey, "private")
                )
              }
            })
          )
        })
      )
      const client = yield* WeChatPayClient.WeChatPayClient.pipe(
        Effect.provide(
          WeChatPay.layer({
            mchid: "1900000001",
            merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            merchantPrivateKey: Redacted.make(merchant.privateKey),
            platformPublicKeyId: "PUB_KEY_ID_0100000000000001",
            platformPublicKey: platform.publicKey,
            baseUrl: "https://api.example.test/"
          }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, transport)))
        )
      )
      const relation = yield* client.execute(
        { method: "GET", path: "/v3/payroll-card/relations/o1?sub_mchid=1900000109&sub_appid=wx1" },
        Schema.Struct({ openid: Schema.String, relation_state: Schema.String })
      )
      assert.deepStrictEqual(relation, { openid: "o1", relation_state: "AUTHORIZED" })
      assert.strictEqual(seen.length, 1)
      assert.strictEqual(seen[0]!.target, "/v3/payroll-card/relations/o1?sub_mchid=1900000109&sub_appid=wx1")
      assert.strictEqual(seen[0]!.bodyTag, "Empty")
      assert.isUndefined(seen[0]!.headers["content-type"])
      assert.isUndefined(seen[0]!.headers["wechatpay-serial"])
      assert.strictEqual(seen[0]!.headers["accept"], "application/json")
      // The configured base URL's trailing slash is not doubled.
      assert.strictEqual(client.baseUrl, "https://api.example.test")
    }))

  it.live("Signer.signRequests and Verifier.verifyResponses make a client of the user's own: signed, verified", () =>
    Effect.gen(function*() {
      const merchant = yield* generateKeyPair
      const platform = yield* generateKeyPair
      const serial = "PUB_KEY_ID_0100000000000001"
      let tamper = false
      const transport = HttpClient.make((request, url) =>
        Effect.sync(() => {
          const { params } = parseAuthorization(request.headers["authorization"]!)
          const target = url.pathname + url.search
          const signed = Formatter.request("GET", target, params.timestamp!, params.nonce_str!, "")
          const ok = url.host === "api.example.test" &&
            Rsa.verify(signed, params.signature!, Rsa.from(merchant.publicKey, "public"))
          const body = JSON.stringify({ ok, target })
          const timestamp = String(Formatter.timestamp())
          const nonce = Formatter.nonce()
          const signature = Rsa.sign(
            Formatter.response(timestamp, nonce, body),
            Rsa.from(platform.privateKey, "private")
          )
          return HttpClientResponse.fromWeb(
            request,
            new Response(tamper ? body.replace("true", "TRUE") : body, {
              status: 200,
              headers: {
                "wechatpay-timestamp": timestamp,
                "wechatpay-nonce": nonce,
                "wechatpay-serial": serial,
                "wechatpay-signature": signature
              }
            })
          )
        })
      )
      const signer = yield* Signer.make({
        mchid: "1900000001",
        serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        privateKey: Redacted.make(merchant.privateKey)
      })
      const verifier = yield* Verifier.make({ publicKeys: { [serial]: platform.publicKey } })
      const client = transport.pipe(
        Signer.signRequests(signer),
        HttpClient.mapRequest(HttpClientRequest.prependUrl("https://api.example.test")),
        Verifier.verifyResponses(verifier)
      )
      const response = yield* client.get("/v3/certificates", { urlParams: { algorithm_type: "RSA", n: "a b" } })
      assert.deepStrictEqual(yield* response.json, {
        ok: true,
        target: "/v3/certificates?algorithm_type=RSA&n=a+b"
      })
      // Still readable after verification, as often as needed.
      assert.include(yield* response.text, "\"ok\":true")
      tamper = true
      const error = yield* Effect.flip(client.get("/v3/certificates"))
      assert.strictEqual(error._tag, "ResponseVerificationError")
      if (error._tag === "ResponseVerificationError") assert.strictEqual(error.reason, "BadSignature")
    }))
})

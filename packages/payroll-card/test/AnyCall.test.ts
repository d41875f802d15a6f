import { Encryptor, Sensitive, WeChatPay, WeChatPayClient } from "@effect-wechatpay/core"
import { Sandbox, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Redacted, Schema, Stream } from "effect"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

// A call the SDK does not model, as a user writes it: a schema for the body, one for the answer.
const PreOrderBody = Schema.Struct({
  openid: Schema.String,
  sub_mchid: Schema.String,
  sub_appid: Schema.String,
  authenticate_number: Schema.String,
  project_name: Schema.String,
  employer_name: Schema.String,
  user_name: Sensitive.EncryptedString,
  id_card_number: Sensitive.EncryptedString,
  employment_type: Schema.String,
  authenticate_type: Schema.String
})
const Token = Schema.Struct({ authenticate_number: Schema.String, token: Schema.String, expires_in: Schema.Number })
const Relation = Schema.Struct({ openid: Schema.String, authorize_state: Schema.String })

/** POST with encrypted fields through `httpClient`, `Wechatpay-Serial` from the Encryptor. */
const preOrder = (request: typeof PreOrderBody.Type) =>
  Effect.gen(function*() {
    const client = yield* WeChatPayClient.WeChatPayClient
    const encryptor = yield* Encryptor.Encryptor
    const body = yield* Schema.encode(PreOrderBody)(request)
    const response = yield* client.httpClient.execute(
      HttpClientRequest.post("/v3/payroll-card/authentications/pre-order-with-auth").pipe(
        HttpClientRequest.setHeader("Wechatpay-Serial", encryptor.serialNo),
        HttpClientRequest.bodyUnsafeJson(body)
      )
    )
    return yield* HttpClientResponse.schemaBodyJson(Token)(response)
  })

describe("any other APIv3 call through WeChatPayClient.httpClient", () => {
  layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect("a GET with urlParams: signed over the query as sent, the answer verified and readable", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const client = yield* WeChatPayClient.WeChatPayClient
        const response = yield* client.httpClient.get("/v3/payroll-card/relations/o%2B1", {
          urlParams: { sub_mchid: "1900000109", appid: "wx provider" }
        })
        const relation = yield* HttpClientResponse.schemaBodyJson(Relation)(response)
        assert.deepStrictEqual(relation, { openid: "o+1", authorize_state: "UNAUTHORIZED" })
        // Read again: the verified body stays readable.
        assert.include(yield* response.text, "\"openid\":\"o+1\"")
        const [received] = yield* Simulator.received
        assert.strictEqual(received!.url, "/v3/payroll-card/relations/o%2B1?sub_mchid=1900000109&appid=wx+provider")
      }))

    it.effect("a POST with Sensitive.EncryptedString fields: the simulator decrypts and accepts them", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        const token = yield* preOrder({
          ...request,
          sub_appid: request.sub_appid!,
          employment_type: request.employment_type!,
          authenticate_type: request.authenticate_type!
        })
        assert.strictEqual(token.authenticate_number, request.authenticate_number)
        const [received] = yield* Simulator.received
        assert.notInclude(received!.body, USER_NAME)
        assert.notInclude(received!.body, ID_CARD_NUMBER)
      }))

    it.effect("a query in the path and the same query as urlParams are signed alike", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const client = yield* WeChatPayClient.WeChatPayClient
        yield* client.httpClient.get("/v3/payroll-card/relations/o1?sub_mchid=1900000109&appid=wxa1")
        yield* client.httpClient.execute(
          HttpClientRequest.get("/v3/payroll-card/relations/o1").pipe(
            HttpClientRequest.setUrlParams({ sub_mchid: "1900000109", appid: "wxa1" })
          )
        )
        const received = yield* Simulator.received
        assert.strictEqual(received.length, 2)
        assert.strictEqual(received[0]!.url, received[1]!.url)
      }))

    it.effect("WeChat's error body becomes its typed error; an absolute URL is refused before signing", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const client = yield* WeChatPayClient.WeChatPayClient
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "NO_AUTH" }))
        const error = yield* Effect.flip(
          client.httpClient.get("/v3/payroll-card/relations/o1?sub_mchid=1900000109&appid=wxa1")
        )
        assert.strictEqual(error._tag, "NO_AUTH")
        assert.include(error.message, "GET /v3/payroll-card/relations/o1")
        const absolute = yield* Effect.flip(client.httpClient.get("https://evil.example/v3/certificates"))
        assert.strictEqual(absolute._tag, "RequestError")
        assert.strictEqual((yield* Simulator.received).length, 1)
      }))

    it.effect("withRoute names the template in errors instead of the path", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const client = yield* WeChatPayClient.WeChatPayClient
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "PARAM_ERROR" }))
        const error = yield* Effect.flip(
          client.httpClient.get("/v3/payroll-card/relations/oPerson1?sub_mchid=1900000109&appid=wxa1").pipe(
            WeChatPayClient.withRoute("/v3/payroll-card/relations/{openid}")
          )
        )
        assert.include(error.message, "GET /v3/payroll-card/relations/{openid}")
        assert.notInclude(error.message, "oPerson1")
      }))
  })
})

/** The answer WeChat would give, signed by the independent implementation. */
const signedAnswer =
  (request: HttpClientRequest.HttpClientRequest, platformPrivate: unknown, serial: string) => (body: string) => {
    const timestamp = String(Formatter.timestamp())
    const nonce = Formatter.nonce()
    return HttpClientResponse.fromWeb(
      request,
      new Response(body, {
        status: 200,
        headers: {
          "request-id": "oracle-2",
          "wechatpay-timestamp": timestamp,
          "wechatpay-nonce": nonce,
          "wechatpay-serial": serial,
          "wechatpay-signature": Rsa.sign(Formatter.response(timestamp, nonce, body), platformPrivate as never)
        }
      })
    )
  }

describe("any other call, checked by wechatpay-axios-plugin's primitives", () => {
  it.live("GET with urlParams and POST bodies from every helper: its Rsa.verify accepts each signature", () =>
    Effect.gen(function*() {
      const keys = yield* TestKeys.generateSet()
      const merchantPublic = Rsa.from(keys.merchantPublicKey, "public")
      const platformPrivate = Rsa.from(keys.platformPrivateKey, "private")
      const seen: Array<{ target: string; body: string; verified: boolean; serial: string | undefined }> = []
      const transport = HttpClient.make((request, url) =>
        Effect.gen(function*() {
          const body = request.body._tag === "Uint8Array"
            ? new TextDecoder().decode(request.body.body)
            : request.body._tag === "Empty"
            ? ""
            : "<unsigned body kind>"
          const auth = request.headers["authorization"]!
          const params = Object.fromEntries(
            auth.slice(auth.indexOf(" ") + 1).split(",").map((pair) => {
              const at = pair.indexOf("=")
              return [pair.slice(0, at), pair.slice(at + 2, -1)]
            })
          )
          const target = url.pathname + url.search
          const message = Formatter.request(request.method, target, params.timestamp, params.nonce_str, body)
          seen.push({
            target,
            body,
            verified: Rsa.verify(message, params.signature!, merchantPublic),
            serial: request.headers["wechatpay-serial"]
          })
          const json = body.startsWith("{") ? JSON.parse(body) : {}
          const names = typeof json.user_name === "string" ? Rsa.decrypt(json.user_name, platformPrivate) : ""
          return signedAnswer(request, platformPrivate, keys.platformPublicKeyId)(JSON.stringify({ ok: true, names }))
        })
      )
      const services = WeChatPay.layer({
        mchid: keys.mchid,
        merchantSerialNo: keys.merchantSerialNo,
        merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
        platformPublicKeyId: keys.platformPublicKeyId,
        platformPublicKey: keys.platformPublicKey
      }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, transport)))
      const answers = yield* Effect.gen(function*() {
        const client = yield* WeChatPayClient.WeChatPayClient
        const encryptor = yield* Encryptor.Encryptor
        const post = HttpClientRequest.post("/v3/any/thing").pipe(
          HttpClientRequest.setHeader("Wechatpay-Serial", encryptor.serialNo)
        )
        const encrypted = yield* Schema.encode(Schema.Struct({ user_name: Sensitive.EncryptedString }))({
          user_name: Redacted.make(USER_NAME)
        })
        const requests = [
          HttpClientRequest.get("/v3/payroll-card/authentications", {
            urlParams: { openid: "o1", sub_mchid: "1900000109", authenticate_date: "2026-11-22", offset: "0" }
          }),
          HttpClientRequest.bodyUnsafeJson(post, encrypted),
          HttpClientRequest.bodyText(post, "{\"x\":\"文本\"}", "application/json"),
          HttpClientRequest.setBody(
            post,
            HttpBody.stream(
              Stream.fromChunk(Chunk.make(new TextEncoder().encode("{\"a\":"), new TextEncoder().encode("1}")))
            )
          )
        ]
        return yield* Effect.forEach(
          requests,
          (request) => Effect.flatMap(client.httpClient.execute(request), (response) => response.json)
        )
      }).pipe(Effect.provide(services))
      assert.strictEqual(seen.length, 4)
      for (const s of seen) assert.isTrue(s.verified, s.target)
      assert.strictEqual(
        seen[0]!.target,
        "/v3/payroll-card/authentications?openid=o1&sub_mchid=1900000109&authenticate_date=2026-11-22&offset=0"
      )
      assert.strictEqual(seen[3]!.body, "{\"a\":1}")
      assert.strictEqual(seen[1]!.serial, keys.platformPublicKeyId)
      assert.deepStrictEqual(answers[1], { ok: true, names: USER_NAME })
    }))
})

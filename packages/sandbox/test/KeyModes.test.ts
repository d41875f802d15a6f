import {
  Encryptor,
  Notification,
  NotificationStore,
  PlatformCertificates,
  Signer,
  Verifier,
  WeChatPay,
  WeChatPayClient
} from "@effect-wechatpay/core"
import {
  FetchHttpClient,
  HttpClient,
  HttpClientRequest,
  HttpClientResponse,
  HttpRouter,
  HttpServer
} from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, Schema, TestClock } from "effect"
import * as Http from "node:http"
import { Aes, Formatter, Rsa } from "wechatpay-axios-plugin"
import * as Sandbox from "../src/Sandbox.js"
import * as SandboxHttpClient from "../src/SandboxHttpClient.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, PATH } from "./fixtures.js"

const Answer = Schema.Struct({ token: Schema.String })

// A pre-order through the SDK's own key ring: fields encrypted with the key whose serial the request names.
const preOrder = (n: number) =>
  Effect.gen(function*() {
    const encryptor = yield* Encryptor.Encryptor
    const client = yield* WeChatPayClient.WeChatPayClient
    const body = {
      openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
      appid: "wxa1111111",
      sub_mchid: "1900000109",
      authenticate_number: `keyring${n}`,
      project_name: "城市配送",
      employer_name: "某某物流有限公司",
      user_name: yield* encryptor.encrypt(Redacted.make("张三")),
      id_card_number: yield* encryptor.encrypt(Redacted.make("110101199003072316")),
      employment_type: "LONG_TERM_EMPLOYMENT",
      authenticate_type: "SIGN_IN"
    }
    return yield* client.execute(
      { method: "POST", path: PATH, body: JSON.stringify(body), wechatpaySerial: encryptor.serialNo },
      Answer
    )
  })

const answeredBy = Effect.map(Simulator.received, (requests) => requests.map((r) => `${r.method} ${r.url}`))

describe("key modes", () => {
  it.layer(Sandbox.layer({ keyMode: "certificate", retry: false }), { timeout: 60_000 })("certificate mode", (it) => {
    it.effect("downloads the certificate, encrypts with it and verifies answers it signs; rotation fails no call", () =>
      Effect.gen(function*() {
        const [listed] = yield* Effect.flatMap(Simulator.Simulator, (s) => s.certificates)
        const verifier = yield* Verifier.Verifier
        assert.deepStrictEqual(verifier.serials, [listed!.serialNo])
        assert.strictEqual((yield* Encryptor.Encryptor).serialNo, listed!.serialNo)
        assert.match(listed!.serialNo, /^[0-9A-F]{40}$/)
        yield* preOrder(1)
        // Mid-run rotations: listed and used at once, or listed first and used later; no call fails.
        for (let i = 2; i < 10; i++) {
          // WeChat rotates months apart; an unknown serial re-downloads at most once a minute.
          if (i === 4 || i === 7) yield* TestClock.adjust("61 seconds")
          if (i === 4) yield* Simulator.rotateCertificate()
          if (i === 7) {
            const next = yield* Simulator.rotateCertificate({ activate: false })
            yield* preOrder(100 + i)
            yield* Effect.flatMap(Simulator.Simulator, (s) => s.activateCertificate(next.serialNo))
          }
          yield* preOrder(i)
        }
        // Every route with encrypted fields takes the certificate the request names, not only pre-order-with-auth.
        const encryptor = yield* Encryptor.Encryptor
        const token = yield* Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
          Effect.gen(function*() {
            const body = JSON.stringify({
              openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
              appid: "wxa1111111",
              sub_mchid: "1900000109",
              user_name: yield* encryptor.encrypt(Redacted.make("张三")),
              id_card_number: yield* encryptor.encrypt(Redacted.make("110101199003072316"))
            })
            return yield* client.execute(
              { method: "POST", path: "/v3/payroll-card/tokens", body, wechatpaySerial: encryptor.serialNo },
              Answer
            )
          }))
        assert.strictEqual(token.token.length, 32)
        const certificates = yield* Effect.flatMap(Simulator.Simulator, (s) => s.certificates)
        assert.strictEqual(certificates.length, 3)
        assert.deepStrictEqual([...verifier.serials].sort(), certificates.map((c) => c.serialNo).sort())
        // One download at start and one per serial first seen: never one per call.
        const downloads = (yield* answeredBy).filter((line) => line === "GET /v3/certificates")
        assert.strictEqual(downloads.length, 3)
      }))
  })

  it.layer(Sandbox.layer({ keyMode: "mixed", retry: false }), { timeout: 60_000 })("mixed mode", (it) => {
    it.effect("answers signed by the public key or the certificate both verify; fields use the public key", () =>
      Effect.gen(function*() {
        const keys = yield* Sandbox.Sandbox
        const simulator = yield* Simulator.Simulator
        assert.strictEqual((yield* Encryptor.Encryptor).serialNo, keys.platformPublicKeyId)
        yield* preOrder(1)
        yield* simulator.signWith("certificate")
        yield* preOrder(2)
        yield* simulator.signWith("publicKey")
        yield* preOrder(3)
        const [certificate] = yield* simulator.certificates
        assert.deepStrictEqual(
          [...(yield* Verifier.Verifier).serials].sort(),
          [keys.platformPublicKeyId, certificate!.serialNo].sort()
        )
      }))
  })

  it.effect(
    "public-key-only merchant: certificate mode fails with 404 无可用的平台证书 and says what to configure",
    () =>
      Effect.gen(function*() {
        yield* atEpoch
        const keys = yield* Effect.promise(generateKeys)
        const simulator = yield* Simulator.make(keys)
        const error = yield* WeChatPay.layer({
          mchid: keys.mchid,
          merchantSerialNo: keys.merchantSerialNo,
          merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
          apiV3Key: Redacted.make(keys.apiV3Key)
        }).pipe(
          Layer.provide(Layer.succeed(HttpClient.HttpClient, SandboxHttpClient.fromSimulator(simulator))),
          Layer.build,
          Effect.scoped,
          Effect.flip
        )
        assert.strictEqual(error._tag, "CertificateError")
        const certificateError = error as PlatformCertificates.CertificateError
        assert.strictEqual(certificateError.reason, "NoCertificates")
        assert.include(certificateError.description, "无可用的平台证书")
        assert.include(certificateError.message, "configure the WeChat Pay public key")
        assert.notInclude(certificateError.message + JSON.stringify(certificateError), keys.apiV3Key)
      }),
    { timeout: 60_000 }
  )

  it.effect(
    "interop: wechatpay-axios-plugin's AesGcm and Rsa accept the sandbox's certificate download",
    () =>
      Effect.gen(function*() {
        const keys = yield* Sandbox.Sandbox
        const signer = yield* Signer.Signer
        const client = yield* HttpClient.HttpClient
        const authorization = yield* signer.authorize({ method: "GET", target: "/v3/certificates", body: "" })
        const response = yield* client.execute(
          HttpClientRequest.get("https://api.mch.weixin.qq.com/v3/certificates", {
            headers: {
              accept: "application/json",
              "user-agent": "interop",
              authorization: Redacted.value(authorization)
            }
          })
        )
        const body = yield* response.text
        assert.strictEqual(response.status, 200)
        const list = JSON.parse(body) as {
          data: Array<{ serial_no: string; encrypt_certificate: Record<string, string> }>
        }
        const pems = list.data.map((entry) => {
          const e = entry.encrypt_certificate
          return Aes.AesGcm.decrypt(e.ciphertext!, keys.apiV3Key, e.nonce!, e.associated_data!) as string
        })
        assert.include(pems[0]!, "BEGIN CERTIFICATE")
        const h = response.headers
        assert.strictEqual(h["wechatpay-serial"], list.data[0]!.serial_no)
        assert.isTrue(
          Rsa.verify(
            Formatter.response(h["wechatpay-timestamp"]!, h["wechatpay-nonce"]!, body),
            h["wechatpay-signature"]!,
            Rsa.from(pems[0]!, "public")
          )
        )
      }).pipe(
        Effect.provide(
          Layer.unwrapEffect(Effect.map(
            Simulator.Simulator,
            (simulator) => Layer.succeed(HttpClient.HttpClient, SandboxHttpClient.fromSimulator(simulator))
          )).pipe(Layer.provideMerge(Sandbox.layer({ keyMode: "certificate" })))
        )
      ),
    { timeout: 60_000 }
  )

  it.effect(
    "notifications: signed and encrypted by the key in use, decoded by the client, retried on WeChat's cadence",
    () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        const notification = yield* Notification.Notification
        const statuses = [500, 503, 204]
        const times: Array<number> = []
        const decoded: Array<string> = []
        // The merchant's endpoint: decodes with the SDK, answers the next scripted status.
        const merchant = HttpClient.make((request) =>
          Effect.gen(function*() {
            times.push(yield* TestClock.currentTimeMillis)
            const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
            const n = yield* notification.decode(
              { headers: request.headers, body },
              Schema.Struct({ out_trade_no: Schema.String })
            ).pipe(Effect.either)
            if (n._tag === "Left") {
              return HttpClientResponse.fromWeb(request, new Response(n.left.reason, { status: 400 }))
            }
            decoded.push(`${n.right.id} ${n.right.resource.out_trade_no}`)
            return HttpClientResponse.fromWeb(request, new Response(null, { status: statuses.shift() ?? 204 }))
          })
        )
        yield* simulator.signWith("certificate")
        const fiber = yield* simulator.notify({ url: "http://merchant.test/notify", resource: { out_trade_no: "T1" } })
          .pipe(Effect.provideService(HttpClient.HttpClient, merchant), Effect.fork)
        yield* TestClock.adjust("15 seconds")
        yield* TestClock.adjust("15 seconds")
        const delivery = yield* Fiber.join(fiber)
        assert.isTrue(delivery.delivered)
        assert.deepStrictEqual(delivery.attempts.map((a) => a.status), [500, 503, 204])
        assert.deepStrictEqual(times.map((t) => (t - times[0]!) / 1000), [0, 15, 30])
        assert.deepStrictEqual(decoded, Array(3).fill(`${delivery.id} T1`))
        // Undelivered: the whole cadence, 16 attempts over about a day.
        const refusing = HttpClient.make((request) =>
          Effect.succeed(HttpClientResponse.fromWeb(request, new Response(null, { status: 500 })))
        )
        const giveUp = yield* simulator.notify({ url: "http://merchant.test/notify", resource: {} }).pipe(
          Effect.provideService(HttpClient.HttpClient, refusing),
          Effect.fork
        )
        yield* TestClock.adjust("25 hours")
        const failed = yield* Fiber.join(giveUp)
        assert.isFalse(failed.delivered)
        assert.strictEqual(failed.attempts.length, 16)
        // Signed by a certificate the client has not seen: decoding re-downloads, and the first attempt succeeds.
        const rotated = yield* simulator.rotateCertificate()
        const fresh = yield* simulator.notify({ url: "http://merchant.test/notify", resource: { out_trade_no: "T2" } })
          .pipe(Effect.provideService(HttpClient.HttpClient, merchant))
        assert.deepStrictEqual(fresh.attempts.map((a) => a.status), [204])
        assert.include((yield* Verifier.Verifier).serials, rotated.serialNo)
      }).pipe(Effect.provide(Sandbox.layer({ keyMode: "mixed" }))),
    { timeout: 60_000 }
  )

  it.live(
    "loopback: a notification POSTed to an HttpRouter route is handled once, a resend only acknowledged",
    () =>
      Effect.gen(function*() {
        const handled: Array<string> = []
        const notify = yield* Notification.httpApp(
          Schema.Struct({ out_trade_no: Schema.String }),
          (n) => Effect.sync(() => handled.push(`${n.id} ${n.resource.out_trade_no}`))
        )
        const router = HttpRouter.empty.pipe(HttpRouter.post("/wechatpay/notify", notify))
        yield* Layer.launch(HttpServer.serve(router)).pipe(Effect.forkScoped)
        const address = (yield* HttpServer.HttpServer).address
        const url = `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}/wechatpay/notify`
        const simulator = yield* Simulator.Simulator
        yield* simulator.signWith("certificate")
        const first = yield* simulator.notify({ url, id: "EV-loopback", resource: { out_trade_no: "T9" } })
        assert.isTrue(first.delivered)
        assert.strictEqual(first.attempts.length, 1)
        const again = yield* simulator.notify({ url, id: "EV-loopback", resource: { out_trade_no: "T9" } })
        assert.deepStrictEqual(again.attempts.map((a) => a.status), [204])
        assert.deepStrictEqual(handled, ["EV-loopback T9"])
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            Sandbox.layer({ keyMode: "mixed" }),
            NodeHttpServer.layer(Http.createServer, { port: 0, host: "127.0.0.1" }),
            NotificationStore.layerMemory()
          ).pipe(Layer.provideMerge(NodeHttpClient.layerUndici))
        ),
        Effect.scoped
      ),
    { timeout: 60_000 }
  )

  it.effect("loopback: certificate mode end to end over a real socket, with a rotation", () =>
    Effect.gen(function*() {
      yield* preOrder(1)
      yield* Simulator.rotateCertificate()
      yield* preOrder(2)
      const downloads = (yield* answeredBy).filter((line) => line === "GET /v3/certificates")
      assert.strictEqual(downloads.length, 2)
    }).pipe(
      Effect.provide(
        Sandbox.layerServer({ keyMode: "certificate", retry: false }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      ),
      Effect.scoped
    ), { timeout: 60_000 })
})

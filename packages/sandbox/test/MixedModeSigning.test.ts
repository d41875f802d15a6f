import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, request, send, simulatorLayer, verifyResponse } from "./fixtures.js"

const keys = await generateKeys()

// WeChat's migration guide (如何从平台证书切换成微信支付公钥, §4.5): during a migration the merchant chooses, through
// the request's Wechatpay-Serial, which key signs the answer. A client holding only the platform certificates must
// get answers it can verify.
describe("mixed key mode: an answer is signed with the key the request names", () => {
  it.effect("the certificate, the public key, or (naming neither) the key in use", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const [certificate] = yield* simulator.certificates
      const relation = (serial: string | undefined) =>
        Effect.flatMap(
          request(keys, {
            method: "GET",
            url: "/v3/payroll-card/relations/oWorker1?sub_mchid=1900000109&sub_appid=wxa1111111111111",
            headers: { "Content-Type": undefined, "Wechatpay-Serial": serial }
          }),
          send
        ).pipe(Effect.map((outcome) => outcome.response))
      const byCertificate = yield* relation(certificate!.serialNo.toLowerCase())
      assert.strictEqual(byCertificate.status, 200, byCertificate.body)
      assert.strictEqual(byCertificate.headers["Wechatpay-Serial"], certificate!.serialNo)
      assert.isTrue(verifyResponse(byCertificate, certificate!.pem))
      assert.isFalse(verifyResponse(byCertificate, keys.platformPublicKey))

      const byPublicKey = yield* relation(keys.platformPublicKeyId)
      assert.strictEqual(byPublicKey.headers["Wechatpay-Serial"], keys.platformPublicKeyId)
      assert.isTrue(verifyResponse(byPublicKey, keys.platformPublicKey))

      // Naming neither (or a key that is not the merchant's): the key in use signs, as before.
      yield* simulator.signWith("certificate")
      const unnamed = yield* relation(undefined)
      assert.strictEqual(unnamed.headers["Wechatpay-Serial"], certificate!.serialNo)
      const other = yield* relation("PUB_KEY_ID_0199999999999999")
      assert.strictEqual(other.headers["Wechatpay-Serial"], certificate!.serialNo)
    }).pipe(
      // The clock first: the simulator's certificate is valid from the time it is made.
      Effect.provide(simulatorLayer(keys, { keyMode: "mixed", apiV3Key: keys.apiV3Key })),
      (test) => Effect.zipRight(atEpoch, test)
    ))
})

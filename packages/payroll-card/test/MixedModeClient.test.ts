import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { SandboxHttpClient, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { makeRequest } from "./fixtures.js"

// A merchant migrating from platform certificates to the public key: WeChat (the simulator in mixed mode) holds both
// and signs each answer with the key the request names. A client that holds only the platform certificates (the
// APIv3 key, certificates downloaded) names its certificate on every request, so it verifies every answer, GETs
// included; it never sees the public key.
describe("mixed key mode, a client with only the platform certificates", () => {
  it.effect("verifies every answer: a pre-order with encrypted fields, its result, the relation", () =>
    Effect.gen(function*() {
      const keys = yield* TestKeys.generateSet()
      const simulator = Simulator.layer({ ...keys, keyMode: "mixed" })
      const client = Layer.unwrapEffect(
        Effect.map(Simulator.Simulator, (service) =>
          WeChatPay.layer({
            mchid: keys.mchid,
            merchantSerialNo: keys.merchantSerialNo,
            merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
            apiV3Key: Redacted.make(keys.apiV3Key),
            retry: false
          }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, SandboxHttpClient.fromSimulator(service)))))
      ).pipe(Layer.provideMerge(simulator))
      yield* Effect.gen(function*() {
        const request = makeRequest()
        yield* PayrollCard.preOrderWithAuth(request)
        yield* Simulator.complete(request.authenticate_number, "SUCCESS")
        const result = yield* PayrollCard.getAuthentication({
          authenticate_number: request.authenticate_number,
          sub_mchid: request.sub_mchid
        })
        assert.strictEqual(result.authenticate_state, "AUTHENTICATE_SUCCESS")
        const relation = yield* PayrollCard.getRelation({
          openid: request.openid,
          sub_mchid: request.sub_mchid,
          sub_appid: request.sub_appid!
        })
        assert.strictEqual(relation.authorize_state, "AUTHORIZED")
        // Every call named the certificate, and every answer was signed with it.
        const [certificate] = yield* (yield* Simulator.Simulator).certificates
        const calls = (yield* Simulator.received).filter((r) => !r.url.startsWith("/v3/certificates"))
        assert.strictEqual(calls.length, 3)
        for (const call of calls) assert.strictEqual(call.headers["wechatpay-serial"], certificate!.serialNo)
      }).pipe(Effect.provide(client))
    }))
})

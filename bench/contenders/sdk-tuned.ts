/**
 * Diagnostic (opt-in with `--contenders=sdk-tuned`): the SDK's own services (Signer, Encryptor, Verifier,
 * the request and response schemas) and `LeanHttpClient`, driven by a minimal hand-written pipeline, so
 * the difference to `sdk-lean` is what `WeChatPayClient` and `PayrollCard.preOrderWithAuth` themselves
 * cost per call:
 *
 * - one timer per call (the attempt's `Effect.timeoutFail`), no retry, failover or deadline handling;
 * - no `Effect.fn` span and no span annotations;
 * - no typed error mapping: a non-200 answer is a plain `Error`.
 *
 * It keeps everything else: validation and encryption through `Schema.encode`, signing (inline alone,
 * on the threadpool when calls overlap), signature verification, `Schema.decodeUnknown` of the answer.
 */
import * as Encryptor from "@effect-wechatpay/core/Encryptor"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import * as Signer from "@effect-wechatpay/core/Signer"
import * as Verifier from "@effect-wechatpay/core/Verifier"
import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { ID_CARD_NUMBER, type MakeContender, PATH, plainFields, USER_NAME } from "../shared.js"

const encode = Schema.encode(PreOrderWithAuth.PreOrderWithAuthRequest)
const decode = Schema.decodeUnknown(PreOrderWithAuth.PreOrderWithAuthResponse, { onExcessProperty: "ignore" })
const encoder = new TextEncoder()
const utf8 = new TextDecoder()

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = async ({ baseUrl, keys }) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      LeanHttpClient.layer(),
      Signer.layer({
        mchid: keys.mchid,
        serialNo: keys.merchantSerialNo,
        privateKey: Redacted.make(keys.merchantPrivateKey)
      }),
      Encryptor.layer({ serialNo: keys.platformPublicKeyId, publicKey: keys.platformPublicKey }),
      Verifier.layer({ publicKeys: { [keys.platformPublicKeyId]: keys.platformPublicKey } })
    )
  )
  const { http, encryptor, signer, verifier } = await runtime.runPromise(
    Effect.all({
      http: HttpClient.HttpClient,
      encryptor: Encryptor.Encryptor,
      signer: Signer.Signer,
      verifier: Verifier.Verifier
    })
  )
  const headers = {
    accept: "application/json",
    "user-agent": "effect-wechatpay/tuned-prototype",
    "wechatpay-serial": encryptor.serialNo
  }
  let inFlight = 0

  const preOrderWithAuth = (request: PreOrderWithAuth.PreOrderWithAuthRequest) =>
    Effect.gen(function*() {
      const wire = yield* Effect.provideService(encode(request), Encryptor.Encryptor, encryptor)
      const body = encoder.encode(JSON.stringify(wire))
      const prepared = HttpClientRequest.post(baseUrl + PATH, { headers }).pipe(
        HttpClientRequest.bodyUint8Array(body, "application/json")
      )
      const attempt = Effect.gen(function*() {
        const authorization = yield* signer.authorize(
          { method: "POST", target: PATH, body },
          { offload: inFlight > 1 }
        )
        const res = yield* http.execute(
          HttpClientRequest.setHeader(prepared, "authorization", Redacted.value(authorization))
        )
        const raw = new Uint8Array(yield* res.arrayBuffer)
        if (res.status !== 200) return yield* Effect.fail(new Error(`HTTP ${res.status}`))
        yield* verifier.verify({ headers: res.headers, body: raw, status: res.status })
        return yield* decode(JSON.parse(utf8.decode(raw)))
      })
      return yield* Effect.timeoutFail(attempt, { duration: "10 seconds", onTimeout: () => new Error("timeout") })
    })

  const userName = Redacted.make(USER_NAME)
  const idCardNumber = Redacted.make(ID_CARD_NUMBER)
  const call = (n: number) =>
    Effect.suspend(() => {
      inFlight++
      return Effect.ensuring(
        preOrderWithAuth({ ...plainFields(n), user_name: userName, id_card_number: idCardNumber }),
        Effect.sync(() => {
          inFlight--
        })
      )
    })
  return {
    call: (n) => runtime.runPromise(call(n)),
    close: () => runtime.dispose()
  }
}

/**
 * The payroll-card (微工卡) API calls.
 *
 * @since 0.1.0
 */
import { Encryptor, WeChatPayClient } from "@effect-wechatpay/core"
import { Effect, Schema } from "effect"
import * as PreOrderWithAuth from "./PreOrderWithAuth.js"

const encodePreOrderWithAuth = Schema.encode(PreOrderWithAuth.PreOrderWithAuthRequest)

/**
 * Pre-orders an identity check that also opens the worker's payroll card and authorises the
 * sub-merchant in the same flow (核身预下单（流程中完成授权）).
 *
 * The request is validated and its sensitive fields encrypted before anything is sent (an invalid
 * request fails with `ParseError`); the answer is signature-verified before it is decoded. WeChat's
 * error codes arrive as tagged errors (`PARAM_ERROR`, `SIGN_ERROR`, …).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const program = PayrollCard.preOrderWithAuth({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   sub_appid: "wxa1111111",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   project_name: "某项目",
 *   employer_name: "某用工企业",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   employment_type: "LONG_TERM_EMPLOYMENT",
 *   authenticate_type: "SIGN_IN"
 * }).pipe(
 *   Effect.catchTag("INVALID_REQUEST", (e) => Effect.die(`authenticate_number reused: ${e.message}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const preOrderWithAuth = Effect.fn("PayrollCard.preOrderWithAuth")(
  function*(request: PreOrderWithAuth.PreOrderWithAuthRequest) {
    const client = yield* WeChatPayClient.WeChatPayClient
    const encryptor = yield* Encryptor.Encryptor
    const body = yield* Effect.provideService(encodePreOrderWithAuth(request), Encryptor.Encryptor, encryptor)
    // Only once validated: the values are then known strings, and neither is secret.
    yield* Effect.annotateCurrentSpan({
      "wechatpay.sub_mchid": body.sub_mchid,
      "wechatpay.authenticate_number": body.authenticate_number
    })
    return yield* client.execute(
      { method: "POST", path: PreOrderWithAuth.PATH, body: JSON.stringify(body), wechatpaySerial: encryptor.serialNo },
      PreOrderWithAuth.PreOrderWithAuthResponse
    )
  }
)

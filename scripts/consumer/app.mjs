// A plain-node ES module app, as a user writes it after `npm install`: pre-orders against the sandbox whose
// address and keys are in the WECHATPAY_* variables (set by scripts/consumer-check.mjs).
import { Media, WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"

const request = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authenticate_number: `esm${Date.now()}`,
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  user_name: Redacted.make("张三"),
  id_card_number: Redacted.make("110101199003072316"),
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN"
}

const WeChatPayLive = WeChatPay.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

// A GIF named .png: the upload reads it with the modules the SDK loads on first use (a dynamic import()) and refuses
// it before sending, so this checks they load from the published ES module tree.
const refused = await Media.upload({ filename: "logo.png", content: new TextEncoder().encode("GIF89a, not a PNG") })
  .pipe(
    Effect.flip,
    Effect.provide(WeChatPayLive),
    Effect.runPromise
  )
if (refused._tag !== "RequestValidationError" || !refused.message.includes("not a PNG file")) throw refused
console.log("esm: a GIF named .png refused before sending")

const response = await PayrollCard.preOrderWithAuth(request).pipe(Effect.provide(WeChatPayLive), Effect.runPromise)
if (response.authenticate_number !== request.authenticate_number || response.token.length === 0) {
  throw new Error("the answer does not match the request")
}
console.log(
  `esm: pre-ordered, mini program path ${PreOrderWithAuth.miniProgramTarget(request, response).path.split("?")[0]}`
)

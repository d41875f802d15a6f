/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app is what this file checks */
// A plain-node CommonJS app (NestJS and the like), as a user writes it after `npm install`: pre-orders against the sandbox whose
// address and keys are in the WECHATPAY_* variables (set by scripts/consumer-check.mjs).
const { Media, WeChatPay } = require("@effect-wechatpay/core")
const { PayrollCard, PreOrderWithAuth } = require("@effect-wechatpay/payroll-card")
const { FetchHttpClient } = require("@effect/platform")
const { Effect, Layer, Redacted } = require("effect")

const request = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authenticate_number: `cjs${Date.now()}`,
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  user_name: Redacted.make("张三"),
  id_card_number: Redacted.make("110101199003072316"),
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN"
}

const WeChatPayLive = WeChatPay.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

// A GIF named .png: the upload reads it with the modules the SDK loads on first use (a dynamic import(), which the
// CommonJS build turns into a require) and refuses it before sending, so this checks they load from the CommonJS tree.
Media.upload({ filename: "logo.png", content: new TextEncoder().encode("GIF89a, not a PNG") }).pipe(
  Effect.flip,
  Effect.tap((error) => {
    if (error._tag !== "RequestValidationError" || !error.message.includes("not a PNG file")) throw error
    console.log("cjs: a GIF named .png refused before sending")
  }),
  Effect.zipRight(PayrollCard.preOrderWithAuth(request)),
  Effect.provide(WeChatPayLive),
  Effect.runPromise
).then((response) => {
  if (response.authenticate_number !== request.authenticate_number || response.token.length === 0) {
    throw new Error("the answer does not match the request")
  }
  console.log(
    `cjs: pre-ordered, mini program path ${PreOrderWithAuth.miniProgramTarget(request, response).path.split("?")[0]}`
  )
})

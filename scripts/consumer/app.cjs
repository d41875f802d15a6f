/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app is what this file checks */
// A plain-node CommonJS app (NestJS and the like), as a user writes it after `npm install`: pre-orders against the sandbox whose
// address and keys are in the WECHATPAY_* variables (set by scripts/consumer-check.mjs).
const { WeChatPay } = require("@effect-wechatpay/core")
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

PayrollCard.preOrderWithAuth(request).pipe(
  Effect.provide(WeChatPay.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
  Effect.runPromise
).then((response) => {
  if (response.authenticate_number !== request.authenticate_number || response.token.length === 0) {
    throw new Error("the answer does not match the request")
  }
  console.log(
    `cjs: pre-ordered, mini program path ${PreOrderWithAuth.miniProgramTarget(request, response).path.split("?")[0]}`
  )
})

// A program that makes one payroll-card call, written as docs/performance.md recommends for a small start: every
// import from the module that defines it. scripts/consumer-check.mjs bundles it with the documented esbuild recipe
// and runs the bundle against the sandbox (WECHATPAY_* variables), then checks the bundle kept this call only.
import * as WeChatPay from "@effect-wechatpay/core/WeChatPay"
import * as PayrollCard from "@effect-wechatpay/payroll-card/PayrollCard"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const WeChatPayLive = WeChatPay.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
const response = await PayrollCard.preOrderWithAuth({
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authenticate_number: `bundle${Date.now()}`,
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  user_name: Redacted.make("张三"),
  id_card_number: Redacted.make("110101199003072316"),
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN"
}).pipe(Effect.provide(WeChatPayLive), Effect.runPromise)
if (response.token.length === 0) throw new Error("no token in the answer")
console.log("bundle: pre-ordered")

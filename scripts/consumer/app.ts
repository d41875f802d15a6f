// The TypeScript consumer: type-checked under the strictest flags a user may set (tsconfig.*.json beside it),
// as an ES module under NodeNext and under Bundler resolution, and, copied to app.cts by the consumer check, as
// CommonJS. None of the library's sources is compiled here: only its published `.d.ts`.
import { WeChatPay } from "@effect-wechatpay/core"
import * as Signer from "@effect-wechatpay/core/Signer"
import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Sandbox } from "@effect-wechatpay/sandbox"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"

const request: PreOrderWithAuth.PreOrderWithAuthRequest = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authenticate_number: "mcdhehfgisdhfjghed39384564i83",
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  user_name: Redacted.make("张三"),
  id_card_number: Redacted.make("110101199003072316"),
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN"
}

const target = PayrollCard.preOrderWithAuth(request).pipe(
  Effect.map((response) => PreOrderWithAuth.miniProgramTarget(request, response)),
  Effect.catchTag("SIGN_ERROR", (error) => Effect.fail(`${error._tag}: ${error.message}`))
)

export const live: Effect.Effect<{ readonly appId: string; readonly path: string }, unknown> = target.pipe(
  Effect.provide(WeChatPay.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
)
export const sandboxed = target.pipe(Effect.provide(Sandbox.layer()))
export const signer: typeof Signer.Signer = Signer.Signer

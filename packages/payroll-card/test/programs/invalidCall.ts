/**
 * A program as a user writes one, run by `CallSite.test.ts` in a child process: an invalid call (nothing is
 * sent), its failure printed by `NodeRuntime.runMain`; with `--call-sites`, with `CallSite.layer` provided.
 */
import { CallSite } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox } from "@effect-wechatpay/sandbox"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"

const program = Effect.gen(function*() {
  return yield* PayrollCard.preOrderWithAuth({ // the call
    openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
    sub_mchid: "1900000109",
    sub_appid: "wxa1111111111111",
    authenticate_number: "not-letters-and-digits",
    project_name: "城市配送",
    employer_name: "某某物流有限公司",
    user_name: Redacted.make("张三"),
    id_card_number: Redacted.make("110101199003072316")
  })
})

const layer = process.argv.includes("--call-sites") ? Layer.merge(Sandbox.layer(), CallSite.layer) : Sandbox.layer()
NodeRuntime.runMain(program.pipe(Effect.provide(layer)))

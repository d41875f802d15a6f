/**
 * Pre-order an identity check that also opens the worker's payroll card (微工卡) and authorises the
 * sub-merchant, then print where the worker's mini program goes next.
 *
 *   npm run example                      # no WECHATPAY_* variables: against the sandbox, in process
 *   WECHATPAY_MCHID=… npm run example    # with them: against the real API (see README)
 *
 * It exits non-zero when the call fails. The whole flow (token → … → transfer batch) is examples/payroll-card-flow.ts.
 *
 * With real credentials, the request's own fields come from PAYROLL_OPENID, PAYROLL_SUB_MCHID,
 * PAYROLL_APPID or PAYROLL_SUB_APPID, PAYROLL_USER_NAME and PAYROLL_ID_CARD_NUMBER.
 */
import { type PlatformCertificates, WeChatPay, type WeChatPayError } from "@effect-wechatpay/core"
import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxServer } from "@effect-wechatpay/sandbox"
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, type ConfigError, Console, Context, Effect, Layer, Option, Redacted } from "effect"

const useRealApi = Object.keys(process.env).some((name) => name.startsWith("WECHATPAY_"))

/** The worker and the job; demo values in the sandbox, environment variables against the real API. */
const requestConfig = Config.all({
  openid: Config.string("PAYROLL_OPENID").pipe(Config.withDefault("onqOjjmo8wmTOOtSKwXtGjg9Gb58")),
  sub_mchid: Config.string("PAYROLL_SUB_MCHID").pipe(Config.withDefault("1900000109")),
  appid: Config.option(Config.string("PAYROLL_APPID")),
  sub_appid: Config.string("PAYROLL_SUB_APPID").pipe(Config.withDefault("wxa1111111111111")),
  user_name: Config.redacted("PAYROLL_USER_NAME").pipe(Config.withDefault(Redacted.make("张三"))),
  id_card_number: Config.redacted("PAYROLL_ID_CARD_NUMBER").pipe(
    Config.withDefault(Redacted.make("110101199003072316"))
  )
})

const program = Effect.gen(function*() {
  const worker = yield* requestConfig
  const request: PreOrderWithAuth.PreOrderWithAuthRequest = {
    openid: worker.openid,
    sub_mchid: worker.sub_mchid,
    ...Option.match(worker.appid, { onNone: () => ({}), onSome: (appid) => ({ appid }) }),
    sub_appid: worker.sub_appid,
    // Letters and digits only, unique per provider: it is the idempotency key of the check.
    authenticate_number: `demo${Date.now()}`,
    project_name: "城市配送",
    employer_name: "某某物流有限公司",
    user_name: worker.user_name,
    id_card_number: worker.id_card_number,
    employment_type: "LONG_TERM_EMPLOYMENT",
    authenticate_type: "SIGN_IN"
  }

  const response = yield* PayrollCard.preOrderWithAuth(request)
  const target = PreOrderWithAuth.miniProgramTarget(request, response)

  yield* Console.log(`pre-ordered ${response.authenticate_number} for ${response.openid}`)
  yield* Console.log(`  token       ${response.token}`)
  yield* Console.log(`  expires_in  ${response.expires_in} s`)
  yield* Console.log("next, in the caller's mini program:")
  yield* Console.log(`  wx.navigateToMiniProgram({ appId: "${target.appId}", path: "${target.path}" })`)
}).pipe(
  // Every WeChat error code is its own tag; the message never carries a secret. A hint is printed, the error is
  // kept: runMain then prints it and exits with code 1.
  Effect.tapErrorTag("PARAM_ERROR", () => Console.error("rejected: check the request's fields")),
  Effect.tapErrorTag("INVALID_REQUEST", () => Console.error("authenticate_number reused with other fields")),
  Effect.tapErrorTag("SIGN_ERROR", () => Console.error("check the merchant key, serial and this host's clock"))
)

// Against the real API the keys come from WECHATPAY_* variables; otherwise a sandbox is started on a
// loopback port with fresh keys, and the same code talks to it over real HTTP.
const WeChatPayLive: Layer.Layer<
  WeChatPay.Services,
  | ConfigError.ConfigError
  | WeChatPayError.InvalidOptionError
  | PlatformCertificates.CertificateError
  | SandboxServer.SandboxServerError,
  HttpClient.HttpClient
> = useRealApi
  ? WeChatPay.layerConfig()
  : Layer.tap(
    Sandbox.layerServer(),
    (context) =>
      Console.log(
        `no WECHATPAY_* variables: using a sandbox on ${Context.get(context, SandboxServer.SandboxServer).url}`
      )
  )

program.pipe(
  Effect.provide(WeChatPayLive.pipe(Layer.provide(NodeHttpClient.layerUndici))),
  NodeRuntime.runMain
)

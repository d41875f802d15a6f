/**
 * This SDK, as an application uses it: the layer is built once into a `ManagedRuntime`, and each call
 * is one `runPromise` of `PayrollCard.preOrderWithAuth` (default options: retries, tracing spans).
 */
import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import type { HttpClient } from "@effect/platform"
import { type Layer, Layer as L, ManagedRuntime, Redacted } from "effect"
import { type Contender, ID_CARD_NUMBER, plainFields, type Setup, USER_NAME } from "../shared.js"

/**
 * A contender from the SDK over the given transport.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * const make = (setup: Setup) => makeSdk(setup, FetchHttpClient.layer)
 * ```
 */
export const makeSdk = async <E>(
  setup: Setup,
  transport: Layer.Layer<HttpClient.HttpClient, E>,
  variant: {
    /** `false` runs without tracing spans, to measure what they cost. */
    readonly tracer?: boolean
    /** `false` sends every request once, to measure what the retry wrapper costs. */
    readonly retry?: false
  } = {}
): Promise<Contender> => {
  const { keys } = setup
  const runtime = ManagedRuntime.make(
    WeChatPay.layer({
      mchid: keys.mchid,
      merchantSerialNo: keys.merchantSerialNo,
      merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
      platformPublicKeyId: keys.platformPublicKeyId,
      platformPublicKey: keys.platformPublicKey,
      baseUrl: setup.baseUrl,
      ...(variant.retry === false ? { retry: false } : {})
    }).pipe(L.provide(transport), L.merge(variant.tracer === false ? L.setTracerEnabled(false) : L.empty))
  )
  // Build the services now, once, so that no call pays for it.
  await runtime.runtime()
  const userName = Redacted.make(USER_NAME)
  const idCardNumber = Redacted.make(ID_CARD_NUMBER)
  return {
    call: (n) =>
      runtime.runPromise(
        PayrollCard.preOrderWithAuth({ ...plainFields(n), user_name: userName, id_card_number: idCardNumber })
      ),
    close: () => runtime.dispose()
  }
}

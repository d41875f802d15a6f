import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Layer } from "effect"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

/** What one call ended in: "success", or the failure's tag; a defect or a hang fails the test. */
const outcome = (fault: ReadonlyArray<Simulator.Fault>) =>
  Effect.gen(function*() {
    yield* Simulator.reset
    for (const f of fault) yield* Simulator.inject(f)
    const exit = yield* PayrollCard.preOrderWithAuth(makeRequest()).pipe(
      // The bound: every fault below ends well within it (timeouts are 1 s, backoff 1 ms).
      Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => "hung" as const }),
      Effect.exit
    )
    if (Exit.isSuccess(exit)) return "success"
    // Whatever went wrong, its error shows no secret, however it is printed.
    const keys = yield* Sandbox.Sandbox
    const printed = `${Cause.pretty(exit.cause)} ${Inspectable.stringifyCircular(exit.cause)} ${
      String(Cause.squash(exit.cause))
    }`
    for (
      const secret of [USER_NAME, ID_CARD_NUMBER, "WECHATPAY2-SHA256-RSA2048", keys.merchantPrivateKey.split("\n")[2]!]
    ) {
      assert.notInclude(printed, secret)
    }
    // … and says where: every failure names the method and route, and each attempt count it knows.
    assert.include(printed, "POST /v3/payroll-card/authentications/pre-order-with-auth", printed)
    assert.notMatch(String(Cause.squash(exit.cause)), /\n/)
    assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause))
    assert.isFalse(Cause.isInterrupted(exit.cause), Cause.pretty(exit.cause))
    const error = Cause.squash(exit.cause) as { readonly _tag: string; readonly reason?: string }
    return error.reason === undefined || error._tag === "RequestError" ? error._tag : `${error._tag}:${error.reason}`
  })

const { Drop, EmptyBody, GatewayHtml, Headers, ApiError, Truncate, Delay } = Simulator.Fault

const cases: ReadonlyArray<readonly [string, ReadonlyArray<Simulator.Fault>, ReadonlyArray<string>]> = [
  ["connection reset before any response, then an answer", [Drop()], ["success"]],
  ["connection reset on every attempt", [Drop(), Drop(), Drop()], ["RequestError"]],
  ["a body truncated mid-way, on every attempt", [Truncate(), Truncate(), Truncate()], [
    "UnexpectedResponse",
    "RequestError"
  ]],
  ["headers that arrive after the attempt timeout, then an answer", [Delay({ duration: "3 seconds" })], ["success"]],
  ["a burst of 5xx, then success", [GatewayHtml(), ApiError({ code: "SYSTEM_ERROR" })], ["success"]],
  ["HTML gateway pages on every attempt", [GatewayHtml({ status: 502 }), GatewayHtml({ status: 504 }), GatewayHtml()], [
    "UnexpectedResponse"
  ]],
  [
    "a Wechatpay-Signature that is not base64",
    [Headers({ headers: { "Wechatpay-Signature": "%%% not base64 %%%" } })],
    [
      "ResponseVerificationError:BadSignature"
    ]
  ],
  ["a repeated Wechatpay-Signature", [Headers({ headers: { "Wechatpay-Signature": ["c2ln", "c2ln"] } })], [
    "ResponseVerificationError:BadSignature",
    "ResponseVerificationError:MissingHeaders"
  ]],
  ["a repeated Wechatpay-Serial", [Headers({ headers: { "Wechatpay-Serial": ["PUB_KEY_ID_1", "PUB_KEY_ID_2"] } })], [
    "ResponseVerificationError:UnknownSerial",
    "ResponseVerificationError:MissingHeaders"
  ]],
  ["an oversized header (64 KiB)", [Headers({ headers: { "X-Padding": "x".repeat(65_536) } })], [
    "success",
    "RequestError"
  ]],
  ["a non-numeric Wechatpay-Timestamp", [Headers({ headers: { "Wechatpay-Timestamp": "soon" } })], [
    "ResponseVerificationError:MissingHeaders"
  ]],
  ["an empty 200 body", [EmptyBody()], ["UnexpectedResponse"]]
]

const options = { timeout: "1 second", deadline: "12 seconds", retry: { base: "1 millis" } } as const

describe("fault injection", () => {
  const transports = [
    ["in memory", Sandbox.layer(options)],
    ["loopback, FetchHttpClient", Sandbox.layerServer(options).pipe(Layer.provide(FetchHttpClient.layer))],
    [
      "loopback, NodeHttpClient.layerUndici",
      Sandbox.layerServer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))
    ],
    ["loopback, LeanHttpClient", Sandbox.layerServer(options).pipe(Layer.provide(LeanHttpClient.layer()))]
  ] as const
  for (const [name, sandbox] of transports) {
    layer(sandbox, { excludeTestServices: true })(name, (it) => {
      for (const [label, faults, expected] of cases) {
        it.effect(label, () =>
          Effect.gen(function*() {
            const result = yield* outcome(faults)
            assert.include(expected, result)
          }))
      }
    })
  }
})

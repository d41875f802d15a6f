import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import { Rsa } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

describe("PayrollCard.preOrderWithAuth", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("pre-orders through the simulator: signed, encrypted, verified, decoded", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const keys = yield* Sandbox.Sandbox
        const request = makeRequest({ appid: "wxprovider000001" })
        const response = yield* PayrollCard.preOrderWithAuth(request)
        assert.strictEqual(response.authenticate_number, request.authenticate_number)
        assert.strictEqual(response.openid, request.openid)
        assert.strictEqual(response.mchid, keys.mchid)
        assert.strictEqual(response.sub_mchid, request.sub_mchid)
        assert.match(response.token, /^\S+$/)
        assert.strictEqual(response.expires_in, 1800)

        // What went on the wire: the simulator's record of the request.
        const [received] = yield* Simulator.received
        assert.strictEqual(received.method, "POST")
        assert.strictEqual(received.url, PreOrderWithAuth.endpoint.path)
        assert.strictEqual(received.headers["wechatpay-serial"], keys.platformPublicKeyId)
        assert.strictEqual(received.headers["accept"], "application/json")
        assert.strictEqual(received.headers["content-type"], "application/json")
        assert.match(received.headers["user-agent"]!, /^effect-wechatpay\/\d+\.\d+\.\d+ /)
        assert.match(received.headers["authorization"]!, /^WECHATPAY2-SHA256-RSA2048 /)
        const body = JSON.parse(received.body)
        assert.notInclude(received.body, USER_NAME)
        assert.notInclude(received.body, ID_CARD_NUMBER)
        // The independent implementation decrypts what the codec encrypted.
        assert.strictEqual(Rsa.decrypt(body.user_name, Rsa.from(keys.platformPrivateKey, "private")), USER_NAME)
        assert.strictEqual(
          Rsa.decrypt(body.id_card_number, Rsa.from(keys.platformPrivateKey, "private")),
          ID_CARD_NUMBER
        )
        assert.deepStrictEqual(Object.keys(body).sort(), [
          "appid",
          "authenticate_number",
          "authenticate_type",
          "employer_name",
          "employment_type",
          "id_card_number",
          "openid",
          "project_name",
          "sub_appid",
          "sub_mchid",
          "user_name"
        ])

        const target = PreOrderWithAuth.miniProgramTarget(request, response)
        assert.strictEqual(target.appId, "wxd24d9057cd83d47a")
        const [path, query] = target.path.split("?")
        assert.strictEqual(path, "/pages/card/authen_with_auth")
        assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(query)), {
          mchid: keys.mchid,
          sub_mchid: request.sub_mchid,
          appid: "wxprovider000001",
          sub_appid: request.sub_appid!,
          openid: request.openid,
          token: response.token,
          authenticate_number: request.authenticate_number
        })
      }))

    it.effect("authenticate_number is idempotent: same fields → same token, other fields → INVALID_REQUEST", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        const first = yield* PayrollCard.preOrderWithAuth(request)
        // Re-encrypted (OAEP is randomised), yet the same plaintext: the same check.
        const second = yield* PayrollCard.preOrderWithAuth({ ...request })
        assert.strictEqual(second.token, first.token)
        const error = yield* Effect.flip(
          PayrollCard.preOrderWithAuth({ ...request, id_card_number: Redacted.make("110101199003074477") })
        )
        assert.strictEqual(error._tag, "INVALID_REQUEST")
        if (error._tag === "INVALID_REQUEST") {
          assert.strictEqual(error.status, 400)
          assert.isFalse(error.retryable)
          assert.isString(error.requestId)
        }
        // Not retried: a 4xx is final.
        assert.strictEqual((yield* Simulator.received).length, 3)
      }))

    it.effect("invalid requests fail with RequestValidationError and nothing reaches the simulator", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const invalid: ReadonlyArray<readonly [string, unknown]> = [
          ["bad enum", makeRequest({ employment_type: "FULL_TIME" as never })],
          ["bad authenticate_type", makeRequest({ authenticate_type: "" as never })],
          ["missing field", { ...makeRequest(), openid: undefined }],
          ["empty employer_name", makeRequest({ employer_name: "" })],
          ["non-alphanumeric authenticate_number", makeRequest({ authenticate_number: "abc-123" })],
          ["authenticate_number with spaces", makeRequest({ authenticate_number: "abc 123" })],
          ["neither appid nor sub_appid", { ...makeRequest(), sub_appid: undefined }],
          ["plain-string name", { ...makeRequest(), user_name: USER_NAME }],
          ["over-long encrypted field", makeRequest({ user_name: Redacted.make("名".repeat(72)) })],
          ["empty encrypted field", makeRequest({ id_card_number: Redacted.make("") })]
        ]
        for (const [label, request] of invalid) {
          const error = yield* Effect.flip(
            PayrollCard.preOrderWithAuth(request as PreOrderWithAuth.PreOrderWithAuthRequest)
          )
          assert.strictEqual(error._tag, "RequestValidationError", label)
          const text = `${error.message} ${String(error)} ${JSON.stringify(error)}`
          assert.notInclude(text, USER_NAME, label)
          assert.notInclude(text, ID_CARD_NUMBER, label)
        }
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))

    it.effect("each code the call lists arrives as its own tag, any other as UnknownApiError, with status and Request-ID", () =>
      Effect.gen(function*() {
        const final: ReadonlyArray<readonly [string, number]> = [
          ["PARAM_ERROR", 400],
          ["INVALID_REQUEST", 400],
          ["SIGN_ERROR", 401],
          ["NO_AUTH", 403],
          // Codes the SDK knows but this call's page does not list: typed, as UnknownApiError with the code.
          ["RESOURCE_NOT_EXISTS", 404],
          ["ORDER_NOT_EXIST", 404],
          ["SOMETHING_NEW", 400]
        ]
        const unlisted = new Set(["RESOURCE_NOT_EXISTS", "ORDER_NOT_EXIST", "SOMETHING_NEW"])
        for (const [code, status] of final) {
          yield* Simulator.reset
          yield* Simulator.inject(Simulator.Fault.ApiError({ code, message: `simulated ${code}` }))
          const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
          assert.strictEqual(error._tag, unlisted.has(code) ? "UnknownApiError" : code)
          if ("status" in error && "requestId" in error) {
            assert.strictEqual(error.status, status)
            assert.isString(error.requestId)
          }
          if (error._tag === "UnknownApiError") assert.strictEqual(error.code, code)
          // WeChat's raw text is a field; the message says what a person needs to act on.
          if ("wechatMessage" in error) assert.strictEqual(error.wechatMessage, `simulated ${code}`)
          const requestId = "requestId" in error ? error.requestId : undefined
          assert.strictEqual(
            error.message,
            `${code} (HTTP ${status}) on POST /v3/payroll-card/authentications/pre-order-with-auth: simulated ${code} (Request-ID ${requestId}; after 1 attempt)`
          )
          assert.strictEqual((yield* Simulator.received).length, 1, `${code} is not retried`)
        }
      }))

    it.effect("each verification failure is a ResponseVerificationError with its reason, never data", () =>
      Effect.gen(function*() {
        const faults = [
          [Simulator.Fault.BadSignature(), "BadSignature"],
          [Simulator.Fault.SignatureProbe(), "SignatureProbe"],
          [Simulator.Fault.StaleTimestamp({}), "StaleTimestamp"],
          [Simulator.Fault.UnknownSerial(), "UnknownSerial"],
          [Simulator.Fault.MissingHeaders(), "MissingHeaders"]
        ] as const
        // A realistic clock, so that a stale timestamp is a positive number of seconds.
        yield* TestClock.setTime(Date.parse("2026-11-22T12:00:00Z"))
        for (const [fault, reason] of faults) {
          yield* Simulator.reset
          yield* Simulator.inject(fault)
          const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
          assert.strictEqual(error._tag, "ResponseVerificationError")
          if (error._tag === "ResponseVerificationError") {
            assert.strictEqual(error.reason, reason)
            assert.strictEqual(error.status, 200)
          }
          assert.strictEqual((yield* Simulator.received).length, 1, `${reason} is not retried`)
        }
      }))

    it.effect("a signed empty body is an UnexpectedResponse", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* Simulator.inject(Simulator.Fault.EmptyBody())
        const error = yield* Effect.flip(PayrollCard.preOrderWithAuth(makeRequest()))
        assert.strictEqual(error._tag, "UnexpectedResponse")
      }))
  })
})

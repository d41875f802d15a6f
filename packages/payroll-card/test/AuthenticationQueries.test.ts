import { GetAuthentication, GetRelation, PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { makeRequest } from "./fixtures.js"

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/

describe("PayrollCard.getAuthentication and PayrollCard.getRelation", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("pre-order → processing → SUCCESS → success and an authorised relation, each GET signed as sent", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const keys = yield* Sandbox.Sandbox
        const request = makeRequest()
        yield* PayrollCard.preOrderWithAuth(request)
        const query = { authenticate_number: request.authenticate_number, sub_mchid: request.sub_mchid }

        const processing = yield* PayrollCard.getAuthentication(query)
        assert.strictEqual(processing.authenticate_state, "AUTHENTICATE_PROCESSING")
        assert.strictEqual(processing.authenticate_number, request.authenticate_number)
        assert.strictEqual(processing.mchid, keys.mchid)
        assert.strictEqual(processing.openid, request.openid)
        assert.strictEqual(processing.authenticate_scene, "FROM_MINI_APP")
        assert.strictEqual(processing.authenticate_source, request.sub_appid)
        assert.strictEqual(processing.project_name, request.project_name)
        assert.strictEqual(processing.employer_name, request.employer_name)
        assert.strictEqual(processing.authenticate_type, "SIGN_IN")
        assert.isUndefined(processing.authenticate_time)
        const relationQuery = { openid: request.openid, sub_mchid: request.sub_mchid, sub_appid: request.sub_appid! }
        const before = yield* PayrollCard.getRelation(relationQuery)
        assert.strictEqual(before.authorize_state, "UNAUTHORIZED")
        assert.strictEqual(before.register_state, "UNREGISTERED")

        yield* Simulator.complete(request.authenticate_number, "SUCCESS")
        const success = yield* PayrollCard.getAuthentication(query)
        assert.strictEqual(success.authenticate_state, "AUTHENTICATE_SUCCESS")
        assert.match(success.authenticate_time!, RFC3339)
        assert.isUndefined(success.authenticate_failed_reason)
        const after = yield* PayrollCard.getRelation(relationQuery)
        assert.strictEqual(after.authorize_state, "AUTHORIZED")
        assert.strictEqual(after.register_state, "REGISTERED")
        assert.match(after.authorize_time!, RFC3339)
        assert.strictEqual(after.mchid, keys.mchid)

        // What went on the wire: path and query exactly as signed (the simulator verified the signature over them).
        const gets = (yield* Simulator.received).filter((r) => r.method === "GET")
        assert.deepStrictEqual(gets.map((r) => r.url), [
          `/v3/payroll-card/authentications/${request.authenticate_number}?sub_mchid=1900000109`,
          "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58?sub_mchid=1900000109&sub_appid=wxa1111111111111",
          `/v3/payroll-card/authentications/${request.authenticate_number}?sub_mchid=1900000109`,
          "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58?sub_mchid=1900000109&sub_appid=wxa1111111111111"
        ])
        for (const r of gets) {
          assert.strictEqual(r.body, "")
          assert.isUndefined(r.headers["content-type"])
          // The key the client trusts, so that WeChat signs the answer with it (mixed mode, §4.5 of the guide).
          assert.strictEqual(r.headers["wechatpay-serial"], keys.platformPublicKeyId)
          assert.strictEqual(r.headers["accept"], "application/json")
          assert.match(r.headers["authorization"]!, /^WECHATPAY2-SHA256-RSA2048 /)
        }
      }))

    it.effect("FAILED: the failure state with its reason; the relation stays unauthorised", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest({ openid: "oFailedWorker0001" })
        yield* PayrollCard.preOrderWithAuth(request)
        yield* Simulator.complete(request.authenticate_number, "FAILED", { reason: "人脸比对未通过" })
        const failed = yield* PayrollCard.getAuthentication({
          authenticate_number: request.authenticate_number,
          sub_mchid: request.sub_mchid
        })
        assert.strictEqual(failed.authenticate_state, "AUTHENTICATE_FAILED")
        assert.strictEqual(failed.authenticate_failed_reason, "人脸比对未通过")
        const relation = yield* PayrollCard.getRelation({
          openid: request.openid,
          sub_mchid: request.sub_mchid,
          appid: "wxprovider000001"
        })
        assert.strictEqual(relation.authorize_state, "UNAUTHORIZED")
      }))

    it.effect("an unknown number is ORDER_NOT_EXIST (404, not retried)", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const error = yield* Effect.flip(
          PayrollCard.getAuthentication({ authenticate_number: "neverPreOrdered1", sub_mchid: "1900000109" })
        )
        assert.strictEqual(error._tag, "ORDER_NOT_EXIST")
        if (error._tag === "ORDER_NOT_EXIST") {
          assert.strictEqual(error.status, 404)
          assert.isString(error.requestId)
        }
        assert.strictEqual((yield* Simulator.received).length, 1)
      }))

    it.effect("invalid requests fail with RequestValidationError and nothing reaches the simulator", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const authentications: ReadonlyArray<readonly [string, unknown]> = [
          ["non-alphanumeric number", { authenticate_number: "abc-123", sub_mchid: "1900000109" }],
          ["number with a slash", { authenticate_number: "abc/123", sub_mchid: "1900000109" }],
          ["empty number", { authenticate_number: "", sub_mchid: "1900000109" }],
          ["empty sub_mchid", { authenticate_number: "abc123", sub_mchid: "" }],
          ["missing sub_mchid", { authenticate_number: "abc123" }]
        ]
        for (const [label, request] of authentications) {
          const error = yield* Effect.flip(
            PayrollCard.getAuthentication(request as GetAuthentication.GetAuthenticationRequest)
          )
          assert.strictEqual(error._tag, "RequestValidationError", label)
        }
        const relations: ReadonlyArray<readonly [string, unknown]> = [
          ["empty openid", { openid: "", sub_mchid: "1900000109", appid: "wxa1" }],
          ["empty sub_mchid", { openid: "o1", sub_mchid: "", appid: "wxa1" }],
          ["neither appid nor sub_appid", { openid: "o1", sub_mchid: "1900000109" }],
          ["empty sub_appid", { openid: "o1", sub_mchid: "1900000109", sub_appid: "" }]
        ]
        for (const [label, request] of relations) {
          const error = yield* Effect.flip(PayrollCard.getRelation(request as GetRelation.GetRelationRequest))
          assert.strictEqual(error._tag, "RequestValidationError", label)
        }
        assert.strictEqual((yield* Simulator.received).length, 0)
      }))

    it.effect("the query keeps a fixed order with only present parameters; the openid is percent-encoded", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const relation = yield* PayrollCard.getRelation({
          sub_appid: "wxsub&1",
          appid: "wx provider",
          sub_mchid: "1900000109",
          openid: "o+b/c?d"
        })
        assert.strictEqual(relation.openid, "o+b/c?d")
        const [received] = yield* Simulator.received
        const path =
          "/v3/payroll-card/relations/o%2Bb%2Fc%3Fd?sub_mchid=1900000109&appid=wx+provider&sub_appid=wxsub%261"
        assert.strictEqual(received.url, path)
        // The number goes into the path, the query after it.
        yield* Effect.flip(PayrollCard.getAuthentication({ authenticate_number: "abc123", sub_mchid: "1900000109" }))
        const [, second] = yield* Simulator.received
        assert.strictEqual(second!.url, "/v3/payroll-card/authentications/abc123?sub_mchid=1900000109")
      }))

    it.effect("faults apply: a SYSTEM_ERROR is retried, a bad signature is never data", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const query = { openid: "oRetry0001", sub_mchid: "1900000109", appid: "wxa1" }
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }))
        // The backoff sleeps on the TestClock: move it on while the call waits.
        const fiber = yield* Effect.fork(PayrollCard.getRelation(query))
        yield* TestClock.adjust("1 second")
        const relation = yield* Fiber.join(fiber)
        assert.strictEqual(relation.authorize_state, "UNAUTHORIZED")
        assert.strictEqual((yield* Simulator.received).length, 2)
        yield* Simulator.inject(Simulator.Fault.BadSignature())
        const error = yield* Effect.flip(PayrollCard.getRelation(query))
        assert.strictEqual(error._tag, "ResponseVerificationError")
      }))

    it.effect("polls until the check is no longer processing", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const request = makeRequest()
        yield* PayrollCard.preOrderWithAuth(request)
        let polls = 0
        const result = yield* PayrollCard.getAuthentication({
          authenticate_number: request.authenticate_number,
          sub_mchid: request.sub_mchid
        }).pipe(
          Effect.tap(() => ++polls === 2 ? Simulator.complete(request.authenticate_number, "SUCCESS") : Effect.void),
          Effect.repeat({ while: (result) => result.authenticate_state === "AUTHENTICATE_PROCESSING" })
        )
        assert.strictEqual(result.authenticate_state, "AUTHENTICATE_SUCCESS")
        assert.strictEqual(polls, 3)
      }))
  })
})

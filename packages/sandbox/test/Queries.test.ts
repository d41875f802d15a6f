import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, TestClock } from "effect"
import * as Simulator from "../src/Simulator.js"
import {
  atEpoch,
  generateKeys,
  header,
  json,
  provideSimulator,
  request,
  send,
  validFields,
  verifyResponse
} from "./fixtures.js"

const keys = await generateKeys()
const provide = provideSimulator(keys)

const NUMBER = "mcdhehfgisdhfjghed39384564i83"
const OPENID = "onqOjjmo8wmTOOtSKwXtGjg9Gb58"
const SUB_MCHID = "1900000109"
const AUTHENTICATION = `/v3/payroll-card/authentications/${NUMBER}?sub_mchid=${SUB_MCHID}`
const RELATION = `/v3/payroll-card/relations/${OPENID}?sub_mchid=${SUB_MCHID}&sub_appid=wxa1111112`

/** A hand-signed GET as the official SDKs send it: empty body, no Content-Type, no Wechatpay-Serial. */
const get = (url: string, extra: Parameters<typeof request>[1] = {}) =>
  Effect.flatMap(
    request(keys, {
      method: "GET",
      url,
      ...extra,
      headers: { "Content-Type": undefined, "Wechatpay-Serial": undefined, ...extra.headers }
    }),
    (req) => Effect.map(send(req), ({ response }) => response)
  )

const preOrder = Effect.flatMap(request(keys), (req) =>
  Effect.map(send(req), ({ response }) => {
    assert.strictEqual(response.status, 200, response.body)
  }))

const expectError = (response: Simulator.SimulatedResponse, status: number, code: string) => {
  assert.strictEqual(response.status, status, response.body)
  const body = json(response)
  assert.strictEqual(body.code, code, response.body)
  assert.isTrue(verifyResponse(response, keys.platformPublicKey))
  return body
}

describe("Simulator queries", () => {
  describe("GET /v3/payroll-card/authentications/{authenticate_number}", () => {
    it.effect("a pre-order opens a processing check; SUCCESS ends it with a Beijing-time authenticate_time", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* preOrder
        const processing = yield* get(AUTHENTICATION)
        assert.strictEqual(processing.status, 200, processing.body)
        assert.isTrue(verifyResponse(processing, keys.platformPublicKey))
        assert.deepStrictEqual(json(processing), {
          mchid: keys.mchid,
          sub_mchid: SUB_MCHID,
          openid: OPENID,
          authenticate_scene: "FROM_MINI_APP",
          authenticate_source: "wxa1111112",
          project_name: "某项目",
          employer_name: "某用工企业",
          authenticate_state: "AUTHENTICATE_PROCESSING",
          authenticate_number: NUMBER,
          authenticate_type: "SIGN_IN"
        })

        yield* TestClock.adjust("30 seconds")
        yield* Simulator.complete(NUMBER, "SUCCESS")
        const done = json(yield* get(AUTHENTICATION))
        assert.strictEqual(done.authenticate_state, "AUTHENTICATE_SUCCESS")
        // EPOCH 2023-11-14T22:13:20Z plus 30 s, written as WeChat does, in UTC+8.
        assert.strictEqual(done.authenticate_time, "2023-11-15T06:13:50+08:00")
        assert.notProperty(done, "authenticate_failed_reason")
      }).pipe(provide))

    it.effect("FAILED sets the failure state and reason; a repeated pre-order leaves the result alone", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* preOrder
        yield* Simulator.complete(NUMBER, "FAILED", { reason: "人脸比对未通过" })
        yield* preOrder
        const failed = json(yield* get(AUTHENTICATION))
        assert.strictEqual(failed.authenticate_state, "AUTHENTICATE_FAILED")
        assert.strictEqual(failed.authenticate_failed_reason, "人脸比对未通过")
        assert.strictEqual(failed.authenticate_time, "2023-11-15T06:13:20+08:00")
        const relation = json(yield* get(RELATION))
        assert.strictEqual(relation.authorize_state, "UNAUTHORIZED")
      }).pipe(provide))

    it.effect("an unknown number, or one pre-ordered for another sub-merchant, is 404 ORDER_NOT_EXIST", () =>
      Effect.gen(function*() {
        yield* atEpoch
        expectError(yield* get(AUTHENTICATION), 404, "ORDER_NOT_EXIST")
        yield* preOrder
        expectError(
          yield* get(`/v3/payroll-card/authentications/${NUMBER}?sub_mchid=1900000110`),
          404,
          "ORDER_NOT_EXIST"
        )
      }).pipe(provide))

    it.effect("path and query are checked: PARAM_ERROR naming the parameter and where it was", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const cases: ReadonlyArray<readonly [string, string, string]> = [
          [`/v3/payroll-card/authentications/${NUMBER}`, "sub_mchid", "query"],
          [`/v3/payroll-card/authentications/${NUMBER}?sub_mchid=`, "sub_mchid", "query"],
          [`/v3/payroll-card/authentications/abc%2D1?sub_mchid=${SUB_MCHID}`, "authenticate_number", "path"],
          [`/v3/payroll-card/authentications/%E4?sub_mchid=${SUB_MCHID}`, "authenticate_number", "path"]
        ]
        for (const [url, field, location] of cases) {
          const body = expectError(yield* get(url), 400, "PARAM_ERROR")
          assert.strictEqual(body.detail.field, field, url)
          assert.strictEqual(body.detail.location, location, url)
        }
      }).pipe(provide))

    it.effect("the signature covers path and query with an empty body line", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* preOrder
        // Signed for one sub_mchid, sent with another: the query is part of what is signed.
        const signed = yield* request(keys, { method: "GET", url: AUTHENTICATION })
        const tampered = yield* send({ ...signed, url: `/v3/payroll-card/authentications/${NUMBER}?sub_mchid=1` })
        expectError(tampered.response, 401, "SIGN_ERROR")
        // Signed over a non-empty BODY line, sent without a body.
        const withBody = yield* request(keys, { method: "GET", url: AUTHENTICATION, body: "{}" })
        expectError((yield* send({ ...withBody, body: "" })).response, 401, "SIGN_ERROR")
        // The exact message GET\nPATH?QUERY\nTS\nNONCE\n\n verifies, Content-Type or not.
        assert.strictEqual((yield* get(AUTHENTICATION)).status, 200)
        assert.strictEqual((yield* get(AUTHENTICATION, { headers: { "Content-Type": "text/plain" } })).status, 200)
      }).pipe(provide))

    it.effect("routing: POST is 405 with Allow: GET; pre-order paths keep their answers", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const post = (yield* send(yield* request(keys, { url: AUTHENTICATION }))).response
        expectError(post, 405, "METHOD_NOT_ALLOWED")
        assert.strictEqual(header(post, "Allow"), "GET")
        // Both pre-orders are POST routes of their own, never an {authenticate_number}.
        expectError(yield* get("/v3/payroll-card/authentications/pre-order"), 405, "METHOD_NOT_ALLOWED")
        expectError(yield* get("/v3/payroll-card/authentications/pre-order-with-auth"), 405, "METHOD_NOT_ALLOWED")
        expectError(yield* get("/v3/payroll-card/authentications/a/b?sub_mchid=1"), 404, "RESOURCE_NOT_EXISTS")
      }).pipe(provide))
  })

  describe("GET /v3/payroll-card/relations/{openid}", () => {
    it.effect("never authorised is UNAUTHORIZED and UNREGISTERED; a successful check authorises it", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const before = yield* get(RELATION)
        assert.strictEqual(before.status, 200, before.body)
        assert.isTrue(verifyResponse(before, keys.platformPublicKey))
        assert.deepStrictEqual(json(before), {
          openid: OPENID,
          mchid: keys.mchid,
          sub_mchid: SUB_MCHID,
          authorize_state: "UNAUTHORIZED",
          register_state: "UNREGISTERED"
        })
        yield* preOrder
        yield* TestClock.adjust("1 minute")
        yield* Simulator.complete(NUMBER, "SUCCESS")
        assert.deepStrictEqual(json(yield* get(RELATION)), {
          openid: OPENID,
          mchid: keys.mchid,
          sub_mchid: SUB_MCHID,
          authorize_state: "AUTHORIZED",
          authorize_time: "2023-11-15T06:14:20+08:00",
          register_state: "REGISTERED",
          register_time: "2023-11-15T06:14:20+08:00"
        })
        // Per sub-merchant: another employer is still unauthorised.
        const other = json(yield* get(`/v3/payroll-card/relations/${OPENID}?sub_mchid=1900000110&appid=wxa1`))
        assert.strictEqual(other.authorize_state, "UNAUTHORIZED")
      }).pipe(provide))

    it.effect("a percent-encoded openid is decoded; the query is checked", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const encoded = json(yield* get(`/v3/payroll-card/relations/o%2Bb%2Fc?sub_mchid=${SUB_MCHID}&appid=wxa1`))
        assert.strictEqual(encoded.openid, "o+b/c")
        const cases: ReadonlyArray<readonly [string, string, string]> = [
          [`/v3/payroll-card/relations/${OPENID}?sub_mchid=${SUB_MCHID}`, "appid", "query"],
          [`/v3/payroll-card/relations/${OPENID}?appid=wxa1`, "sub_mchid", "query"],
          [`/v3/payroll-card/relations/${OPENID}?sub_mchid=${SUB_MCHID}&appid=`, "appid", "query"]
        ]
        for (const [url, field, location] of cases) {
          const body = expectError(yield* get(url), 400, "PARAM_ERROR")
          assert.strictEqual(body.detail.field, field, url)
          assert.strictEqual(body.detail.location, location, url)
        }
      }).pipe(provide))
  })

  describe("faults, complete and reset", () => {
    it.effect("faults apply to the GET routes, by path or any", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }), {
          path: `/v3/payroll-card/relations/${OPENID}`
        })
        yield* Simulator.inject(Simulator.Fault.BadSignature())
        expectError(yield* get(RELATION), 500, "SYSTEM_ERROR")
        const bad = yield* get(RELATION)
        assert.strictEqual(bad.status, 200)
        assert.isFalse(verifyResponse(bad, keys.platformPublicKey))
        // A 404 on its own merits stays a 404 and still uses the fault up.
        yield* Simulator.inject(Simulator.Fault.EmptyBody())
        expectError(yield* get(AUTHENTICATION), 404, "ORDER_NOT_EXIST")
        assert.strictEqual((yield* get(RELATION)).body.length > 0, true)
      }).pipe(provide))

    it.effect("complete dies for a number never pre-ordered or already completed", () =>
      Effect.gen(function*() {
        yield* atEpoch
        assert.isTrue(Exit.isFailure(yield* Effect.exit(Simulator.complete(NUMBER, "SUCCESS"))))
        yield* preOrder
        yield* Simulator.complete(NUMBER, "SUCCESS")
        assert.isTrue(Exit.isFailure(yield* Effect.exit(Simulator.complete(NUMBER, "FAILED"))))
      }).pipe(provide))

    it.effect("reset forgets checks and relations", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* preOrder
        yield* Simulator.complete(NUMBER, "SUCCESS")
        yield* Simulator.reset
        expectError(yield* get(AUTHENTICATION), 404, "ORDER_NOT_EXIST")
        assert.strictEqual(json(yield* get(RELATION)).authorize_state, "UNAUTHORIZED")
        // A pre-order with other fields under the same number starts a fresh check.
        const changed = yield* send(yield* request(keys, { fields: validFields(keys, { project_name: "新项目" }) }))
        assert.strictEqual(changed.response.status, 200, changed.response.body)
        const check = json(yield* get(AUTHENTICATION))
        assert.strictEqual(check.authenticate_state, "AUTHENTICATE_PROCESSING")
        assert.strictEqual(check.project_name, "新项目")
      }).pipe(provide))
  })
})

import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option, TestClock } from "effect"
import * as Crypto from "node:crypto"
import * as Simulator from "../src/Simulator.js"
import {
  atEpoch,
  encrypt,
  EPOCH_MILLIS,
  generateKeys,
  header,
  json,
  nonce,
  PATH,
  provideSimulator,
  request,
  send,
  validFields,
  verifyResponse
} from "./fixtures.js"

const keys = await generateKeys()
const other = await generateKeys()
const provide = provideSimulator(keys)

const expectError = (response: Simulator.SimulatedResponse, status: number, code: string) => {
  assert.strictEqual(response.status, status, response.body)
  const body = json(response)
  assert.strictEqual(body.code, code, response.body)
  assert.isString(body.message)
  assert.isString(header(response, "Request-ID"))
  return body
}

describe("Simulator", () => {
  describe("success", () => {
    it.effect("answers a valid request with a signed 200 that verifies with the platform public key", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const { response } = yield* send(yield* request(keys))
        assert.strictEqual(response.status, 200, response.body)
        assert.deepStrictEqual(Object.keys(json(response)), [
          "authenticate_number",
          "openid",
          "mchid",
          "sub_mchid",
          "token",
          "expires_in"
        ])
        const body = json(response)
        assert.strictEqual(body.authenticate_number, "mcdhehfgisdhfjghed39384564i83")
        assert.strictEqual(body.openid, "onqOjjmo8wmTOOtSKwXtGjg9Gb58")
        assert.strictEqual(body.mchid, keys.mchid)
        assert.strictEqual(body.sub_mchid, "1900000109")
        assert.match(body.token, /^[A-Za-z0-9]{32}$/)
        assert.strictEqual(body.expires_in, 1800)
        assert.strictEqual(header(response, "Content-Type"), "application/json")
        assert.match(header(response, "Request-ID")!, /^[0-9A-F]{32}$/)
        assert.strictEqual(header(response, "Wechatpay-Timestamp"), String(EPOCH_MILLIS / 1000))
        assert.match(header(response, "Wechatpay-Nonce")!, /^[A-Za-z0-9]{32}$/)
        assert.strictEqual(header(response, "Wechatpay-Serial"), keys.platformPublicKeyId)
        assert.isTrue(verifyResponse(response, keys.platformPublicKey))
        assert.isFalse(verifyResponse(response, other.platformPublicKey))
      }).pipe(provide))

    it.effect("accepts Authorization parameters in any order, header names in any case, only sub_appid", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const fields = validFields(keys)
        delete fields.appid
        const req = yield* request(keys, { fields })
        const auth = req.headers.Authorization
        const params = auth.slice(auth.indexOf(" ") + 1).split(",").reverse().join(",")
        const { response } = yield* send({
          ...req,
          headers: {
            authorization: `WECHATPAY2-SHA256-RSA2048 ${params}`,
            ACCEPT: "application/json, text/plain, */*",
            "content-type": "application/json; charset=utf-8",
            "user-agent": "x",
            "wechatpay-serial": keys.platformPublicKeyId
          }
        })
        assert.strictEqual(response.status, 200, response.body)
      }).pipe(provide))

    it.effect("issues fresh Request-IDs and nonces per answer", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const a = (yield* send(yield* request(keys))).response
        const b = (yield* send(yield* request(keys))).response
        assert.notStrictEqual(header(a, "Request-ID"), header(b, "Request-ID"))
        assert.notStrictEqual(header(a, "Wechatpay-Nonce"), header(b, "Wechatpay-Nonce"))
      }).pipe(provide))
  })

  describe("idempotency", () => {
    it.effect("the same authenticate_number with the same fields gets the same token (ciphertexts differ)", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const first = json((yield* send(yield* request(keys))).response)
        yield* TestClock.adjust("60 seconds")
        // validFields encrypts again: OAEP is randomized, so only the decrypted values can match.
        const again = (yield* send(yield* request(keys))).response
        assert.strictEqual(again.status, 200, again.body)
        assert.strictEqual(json(again).token, first.token)
        assert.strictEqual(json(again).expires_in, 1740)
      }).pipe(provide))

    it.effect("the same authenticate_number with other fields is INVALID_REQUEST", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* send(yield* request(keys))
        const changedPlain = (yield* send(yield* request(keys, { fields: validFields(keys, { project_name: "x" }) })))
          .response
        const body = expectError(changedPlain, 400, "INVALID_REQUEST")
        assert.strictEqual(body.detail.field, "authenticate_number")
        const changedSecret = (yield* send(
          yield* request(keys, {
            fields: validFields(keys, { id_card_number: encrypt("110101199003079999", keys.platformPublicKey) })
          })
        )).response
        expectError(changedSecret, 400, "INVALID_REQUEST")
        assert.notInclude(changedSecret.body, "110101199003079999")
      }).pipe(provide))

    it.effect("after the token expires the same number gets a new token", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const first = json((yield* send(yield* request(keys))).response)
        yield* TestClock.adjust("1801 seconds")
        const later = json((yield* send(yield* request(keys))).response)
        assert.notStrictEqual(later.token, first.token)
        assert.strictEqual(later.expires_in, 60)
      }).pipe(provideSimulator(keys, { tokenExpiresIn: 60 })))
  })

  describe("authentication (401 SIGN_ERROR)", () => {
    const cases: ReadonlyArray<
      [string, (req: Simulator.SimulatedRequest) => Effect.Effect<Simulator.SimulatedRequest>]
    > = [
      ["missing Authorization", (req) => Effect.succeed({ ...req, headers: { ...req.headers, Authorization: "" } })],
      [
        "wrong scheme",
        (req) =>
          Effect.succeed({
            ...req,
            headers: { ...req.headers, Authorization: req.headers.Authorization.replace("RSA2048", "RSA4096") }
          })
      ],
      [
        "unquoted parameter",
        (req) =>
          Effect.succeed({
            ...req,
            headers: { ...req.headers, Authorization: req.headers.Authorization.replace(/mchid="(\d+)"/, "mchid=$1") }
          })
      ],
      ["wrong mchid", () => request(keys, { mchid: "1900000002" })],
      ["wrong serial_no", () => request(keys, { serialNo: "0".repeat(40) })],
      ["signed with another key", () => request(keys, { privateKey: other.merchantPrivateKey })],
      ["body changed after signing", (req) => Effect.succeed({ ...req, body: req.body.replace("某项目", "某项目2") })],
      ["query added after signing", (req) => Effect.succeed({ ...req, url: `${req.url}?x=1` })],
      [
        "junk after a valid signature",
        (req) =>
          Effect.succeed({
            ...req,
            headers: { ...req.headers, Authorization: req.headers.Authorization.replace(/"$/, "!!\"") }
          })
      ]
    ]
    for (const [name, tamper] of cases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          yield* atEpoch
          const response = (yield* send(yield* tamper(yield* request(keys)))).response
          const body = expectError(response, 401, "SIGN_ERROR")
          assert.isObject(body.detail)
        }).pipe(provide))
    }

    it.effect("a request signed more than 5 minutes ago is rejected, naming the clock skew", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const req = yield* request(keys)
        yield* TestClock.adjust("301 seconds")
        const body = expectError((yield* send(req)).response, 401, "SIGN_ERROR")
        assert.match(body.message, /timestamp/)
        assert.match(body.message, /clock/)
        assert.match(body.message, /301 seconds behind/)
        assert.strictEqual(body.detail.field, "timestamp")
        assert.strictEqual(body.detail.issue, "clock skew")
      }).pipe(provide))

    it.effect("exactly 5 minutes of skew is still accepted; a client clock ahead is rejected", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const req = yield* request(keys)
        yield* TestClock.adjust("300 seconds")
        assert.strictEqual((yield* send(req)).response.status, 200)
        const ahead = yield* request(keys, { timestamp: EPOCH_MILLIS / 1000 + 300 + 301 })
        const body = expectError((yield* send(ahead)).response, 401, "SIGN_ERROR")
        assert.match(body.message, /301 seconds ahead/)
      }).pipe(provide))

    it.effect("a millisecond timestamp is called out", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const body = expectError(
          (yield* send(yield* request(keys, { timestamp: EPOCH_MILLIS }))).response,
          401,
          "SIGN_ERROR"
        )
        assert.match(body.message, /milliseconds/)
      }).pipe(provide))

    it.effect("a replayed nonce is rejected", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const req = yield* request(keys)
        assert.strictEqual((yield* send(req)).response.status, 200)
        const body = expectError((yield* send(req)).response, 401, "SIGN_ERROR")
        assert.match(body.message, /nonce_str/)
        assert.strictEqual(body.detail.issue, "nonce replayed")
        // Same nonce, freshly signed other request: still a replay.
        const n = nonce()
        yield* send(yield* request(keys, { nonce: n, fields: validFields(keys, { authenticate_number: "A1" }) }))
        const again = yield* request(keys, { nonce: n, fields: validFields(keys, { authenticate_number: "A2" }) })
        expectError((yield* send(again)).response, 401, "SIGN_ERROR")
      }).pipe(provide))

    it.effect("error answers are signed too", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const response = (yield* send(yield* request(keys, { mchid: "1" }))).response
        assert.isTrue(verifyResponse(response, keys.platformPublicKey))
      }).pipe(provide))
  })

  describe("headers and routing", () => {
    it.effect("a missing User-Agent is PARAM_ERROR naming User-Agent", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const body = expectError(
          (yield* send(yield* request(keys, { headers: { "User-Agent": undefined } }))).response,
          400,
          "PARAM_ERROR"
        )
        assert.match(body.message, /User-Agent/)
        assert.deepStrictEqual(body.detail, { field: "User-Agent", issue: "missing", location: "header" })
      }).pipe(provide))

    it.effect("Accept must allow JSON", () =>
      Effect.gen(function*() {
        yield* atEpoch
        for (const accept of [undefined, "text/html"]) {
          const body = expectError(
            (yield* send(yield* request(keys, { headers: { Accept: accept } }))).response,
            400,
            "PARAM_ERROR"
          )
          assert.strictEqual(body.detail.field, "Accept")
        }
        const wildcard = yield* request(keys, { headers: { Accept: "*/*" } })
        assert.strictEqual((yield* send(wildcard)).response.status, 200)
      }).pipe(provide))

    it.effect("POST needs Content-Type: application/json", () =>
      Effect.gen(function*() {
        yield* atEpoch
        for (const type of [undefined, "text/plain"]) {
          const body = expectError(
            (yield* send(yield* request(keys, { headers: { "Content-Type": type } }))).response,
            400,
            "PARAM_ERROR"
          )
          assert.strictEqual(body.detail.field, "Content-Type")
          assert.strictEqual(body.detail.location, "header")
        }
      }).pipe(provide))

    it.effect("Wechatpay-Serial must name the platform key when encrypted fields are sent", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const missing = expectError(
          (yield* send(yield* request(keys, { headers: { "Wechatpay-Serial": undefined } }))).response,
          400,
          "PARAM_ERROR"
        )
        assert.strictEqual(missing.detail.field, "Wechatpay-Serial")
        assert.strictEqual(missing.detail.location, "header")
        const wrong = expectError(
          (yield* send(yield* request(keys, { headers: { "Wechatpay-Serial": "PUB_KEY_ID_0000" } }))).response,
          400,
          "PARAM_ERROR"
        )
        assert.strictEqual(wrong.detail.location, "header")
        assert.strictEqual(wrong.detail.value, "PUB_KEY_ID_0000")
      }).pipe(provide))

    it.effect("an unknown path is 404 RESOURCE_NOT_EXISTS; a wrong method is 405", () =>
      Effect.gen(function*() {
        yield* atEpoch
        expectError(
          (yield* send(yield* request(keys, { url: "/v3/payroll-card/nothing" }))).response,
          404,
          "RESOURCE_NOT_EXISTS"
        )
        const get = (yield* send(yield* request(keys, { method: "GET" }))).response
        expectError(get, 405, "METHOD_NOT_ALLOWED")
        assert.strictEqual(header(get, "Allow"), "POST")
      }).pipe(provide))

    it.effect("the route ignores the query string but the signature covers it", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const response = (yield* send(yield* request(keys, { url: `${PATH}?lang=zh` }))).response
        assert.strictEqual(response.status, 200, response.body)
      }).pipe(provide))
  })

  describe("body validation (400 PARAM_ERROR)", () => {
    const cases: ReadonlyArray<[string, Record<string, unknown>, string, string]> = [
      ["openid missing", { openid: undefined }, "openid", "required"],
      ["openid empty", { openid: "" }, "openid", "must not be empty"],
      ["openid not a string", { openid: 42 }, "openid", "must be a string"],
      ["sub_mchid missing", { sub_mchid: undefined }, "sub_mchid", "required"],
      ["neither appid nor sub_appid", { appid: undefined, sub_appid: undefined }, "appid", "sub_appid"],
      ["authenticate_number missing", { authenticate_number: undefined }, "authenticate_number", "required"],
      ["authenticate_number with a dash", { authenticate_number: "ab-12" }, "authenticate_number", "letters"],
      ["project_name missing", { project_name: undefined }, "project_name", "required"],
      ["employer_name missing", { employer_name: undefined }, "employer_name", "required"],
      ["user_name missing", { user_name: undefined }, "user_name", "required"],
      ["id_card_number missing", { id_card_number: undefined }, "id_card_number", "required"],
      ["employment_type unknown", { employment_type: "FULL_TIME" }, "employment_type", "must be one of"],
      // Required while the worker has not authorised the sub-merchant ("未授权必填").
      ["employment_type missing", { employment_type: undefined }, "employment_type", "required"],
      ["authenticate_type unknown", { authenticate_type: "FACE" }, "authenticate_type", "must be one of"]
    ]
    for (const [name, overrides, field, issue] of cases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          yield* atEpoch
          const fields = validFields(keys, overrides)
          const body = expectError((yield* send(yield* request(keys, { fields }))).response, 400, "PARAM_ERROR")
          assert.strictEqual(body.detail.field, field)
          assert.strictEqual(body.detail.location, "body")
          assert.include(body.detail.issue, issue)
          assert.include(body.message, field)
        }).pipe(provide))
    }

    it.effect("no undocumented limits: long and Chinese values pass; authenticate_type may be left out", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const long = (n: number) => "a".repeat(n)
        const fields = validFields(keys, {
          openid: long(200),
          appid: long(100),
          sub_mchid: long(100),
          sub_appid: long(100),
          authenticate_number: `${long(200)}1`,
          project_name: "项".repeat(200),
          employer_name: "某".repeat(200),
          authenticate_type: undefined
        })
        const response = (yield* send(yield* request(keys, { fields }))).response
        assert.strictEqual(response.status, 200, response.body)
      }).pipe(provide))

    it.effect("non-sensitive values are echoed, sensitive ones never", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const plain = expectError(
          (yield* send(yield* request(keys, { fields: validFields(keys, { employment_type: "X" }) }))).response,
          400,
          "PARAM_ERROR"
        )
        assert.strictEqual(plain.detail.value, "X")
        const junk = Crypto.randomBytes(256).toString("base64")
        for (const field of ["user_name", "id_card_number"]) {
          for (const value of [junk, encrypt("张三", keys.merchantPublicKey), "not base64!", 7]) {
            const response = (yield* send(yield* request(keys, { fields: validFields(keys, { [field]: value }) })))
              .response
            const body = expectError(response, 400, "PARAM_ERROR")
            assert.strictEqual(body.detail.field, field)
            assert.isFalse("value" in body.detail)
            assert.include(body.detail.issue, "decrypted")
            if (typeof value === "string") assert.notInclude(response.body, value)
          }
        }
      }).pipe(provide))

    it.effect("SHA-256 OAEP ciphertext is refused: WeChat uses SHA-1", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const sha256 = Crypto.publicEncrypt(
          { key: keys.platformPublicKey, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
          Buffer.from("张三")
        ).toString("base64")
        const body = expectError(
          (yield* send(yield* request(keys, { fields: validFields(keys, { user_name: sha256 }) }))).response,
          400,
          "PARAM_ERROR"
        )
        assert.strictEqual(body.detail.field, "user_name")
      }).pipe(provide))

    it.effect("invalid JSON and non-objects are PARAM_ERROR", () =>
      Effect.gen(function*() {
        yield* atEpoch
        for (const text of ["{", "[]", "null", "\"x\""]) {
          const body = expectError((yield* send(yield* request(keys, { body: text }))).response, 400, "PARAM_ERROR")
          assert.strictEqual(body.detail.field, "body")
        }
      }).pipe(provide))
  })

  describe("faults", () => {
    const statuses: ReadonlyArray<[string, number]> = [
      ["PARAM_ERROR", 400],
      ["INVALID_REQUEST", 400],
      ["SIGN_ERROR", 401],
      ["NO_AUTH", 403],
      ["RESOURCE_NOT_EXISTS", 404],
      ["ORDER_NOT_EXIST", 404],
      ["FREQUENCY_LIMITED", 429],
      ["RATELIMIT_EXCEEDED", 429],
      ["SYSTEM_ERROR", 500],
      ["SERVICE_UNAVAILABLE", 503],
      ["SOMETHING_NEW", 400]
    ]
    it.effect("ApiError uses WeChat's status for each code", () =>
      Effect.gen(function*() {
        yield* atEpoch
        for (const [code, status] of statuses) {
          yield* Simulator.inject(Simulator.Fault.ApiError({ code }))
          const response = (yield* send(yield* request(keys))).response
          expectError(response, status, code)
          assert.isTrue(verifyResponse(response, keys.platformPublicKey))
        }
      }).pipe(provide))

    it.effect("ApiError takes a status, a message and Retry-After, and records nothing", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(
          Simulator.Fault.ApiError({ code: "FREQUENCY_LIMITED", status: 503, message: "slow down", retryAfter: 2 })
        )
        const req = yield* request(keys)
        const response = (yield* send(req)).response
        const body = expectError(response, 503, "FREQUENCY_LIMITED")
        assert.strictEqual(body.message, "slow down")
        assert.strictEqual(header(response, "Retry-After"), "2")
        // The failed attempt spent neither the nonce nor the authenticate_number: an unchanged resend succeeds.
        assert.strictEqual((yield* send(req)).response.status, 200)
      }).pipe(provide))

    it.effect("BadSignature: a well-formed signature that does not verify", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.BadSignature())
        const response = (yield* send(yield* request(keys))).response
        assert.strictEqual(response.status, 200)
        assert.match(header(response, "Wechatpay-Signature")!, /^[A-Za-z0-9+/]+=*$/)
        assert.isFalse(verifyResponse(response, keys.platformPublicKey))
        assert.isString(json(response).token)
      }).pipe(provide))

    it.effect("SignatureProbe: WECHATPAY/SIGNTEST/ prefix, fails verification", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.SignatureProbe())
        const response = (yield* send(yield* request(keys))).response
        assert.isTrue(header(response, "Wechatpay-Signature")!.startsWith("WECHATPAY/SIGNTEST/"))
        assert.isFalse(verifyResponse(response, keys.platformPublicKey))
      }).pipe(provide))

    it.effect("StaleTimestamp: correctly signed, 600 s (or given) in the past", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.StaleTimestamp())
        yield* Simulator.inject(Simulator.Fault.StaleTimestamp({ seconds: 301 }))
        const a = (yield* send(yield* request(keys))).response
        const b = (yield* send(yield* request(keys))).response
        assert.strictEqual(header(a, "Wechatpay-Timestamp"), String(EPOCH_MILLIS / 1000 - 600))
        assert.strictEqual(header(b, "Wechatpay-Timestamp"), String(EPOCH_MILLIS / 1000 - 301))
        assert.isTrue(verifyResponse(a, keys.platformPublicKey))
        assert.isTrue(verifyResponse(b, keys.platformPublicKey))
      }).pipe(provide))

    it.effect("UnknownSerial: another PUB_KEY_ID, signature still valid", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.UnknownSerial())
        const response = (yield* send(yield* request(keys))).response
        const serial = header(response, "Wechatpay-Serial")!
        assert.match(serial, /^PUB_KEY_ID_/)
        assert.notStrictEqual(serial, keys.platformPublicKeyId)
        assert.isTrue(verifyResponse(response, keys.platformPublicKey))
      }).pipe(provide))

    it.effect("MissingHeaders: no Wechatpay-Signature", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.MissingHeaders())
        const response = (yield* send(yield* request(keys))).response
        assert.strictEqual(response.status, 200)
        assert.isUndefined(header(response, "Wechatpay-Signature"))
      }).pipe(provide))

    it.effect("GatewayHtml: an unsigned nginx page, 502 by default", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.GatewayHtml())
        yield* Simulator.inject(Simulator.Fault.GatewayHtml({ status: 503 }))
        const a = (yield* send(yield* request(keys))).response
        const b = (yield* send(yield* request(keys))).response
        assert.strictEqual(a.status, 502)
        assert.strictEqual(header(a, "Content-Type"), "text/html")
        assert.include(a.body, "<center><h1>502 Bad Gateway</h1></center>")
        assert.isUndefined(header(a, "Wechatpay-Signature"))
        assert.strictEqual(b.status, 503)
      }).pipe(provide))

    it.effect("EmptyBody: a signed 200 with no body", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.EmptyBody())
        const response = (yield* send(yield* request(keys))).response
        assert.strictEqual(response.status, 200)
        assert.strictEqual(response.body, "")
        assert.isTrue(verifyResponse(response, keys.platformPublicKey))
      }).pipe(provide))

    it.effect("Truncate: a signed success the transport must cut (half by default)", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.Truncate())
        yield* Simulator.inject(Simulator.Fault.Truncate({ bytes: 10 }))
        const a = yield* send(yield* request(keys))
        const b = yield* send(yield* request(keys))
        assert.strictEqual(a.truncateAfterBytes, Math.floor(Buffer.byteLength(a.response.body) / 2))
        assert.isTrue(verifyResponse(a.response, keys.platformPublicKey))
        assert.strictEqual(b.truncateAfterBytes, 10)
      }).pipe(provide))

    it.effect("Delay: normal answer, delivered later", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.Delay({ duration: "3 seconds" }))
        const outcome = yield* send(yield* request(keys))
        assert.strictEqual(outcome.response.status, 200)
        assert.deepStrictEqual(outcome.delay, Duration.seconds(3))
      }).pipe(provide))

    it.effect("Drop: no answer, nothing recorded", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.Drop())
        const req = yield* request(keys)
        const outcome = yield* Simulator.handle(req)
        assert.strictEqual(outcome._tag, "Drop")
        // The same bytes may be resent (e.g. to the backup host): nonce and number were not spent.
        assert.strictEqual((yield* send(req)).response.status, 200)
      }).pipe(provide))

    it.effect("faults are FIFO, honour times and path, and do not alter error answers", () =>
      Effect.gen(function*() {
        yield* atEpoch
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "NO_AUTH" }), { path: "/v3/elsewhere" })
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }), { times: 2, path: PATH })
        yield* Simulator.inject(Simulator.Fault.EmptyBody())
        yield* Simulator.inject(Simulator.Fault.BadSignature())
        expectError((yield* send(yield* request(keys))).response, 500, "SYSTEM_ERROR")
        expectError((yield* send(yield* request(keys))).response, 500, "SYSTEM_ERROR")
        assert.strictEqual((yield* send(yield* request(keys))).response.body, "")
        // A request that fails on its own gets its real (verifiable) error; the fault is used up all the same.
        const failed = (yield* send(yield* request(keys, { mchid: "1" }))).response
        expectError(failed, 401, "SIGN_ERROR")
        assert.isTrue(verifyResponse(failed, keys.platformPublicKey))
        const clean = (yield* send(yield* request(keys))).response
        assert.isTrue(verifyResponse(clean, keys.platformPublicKey))
        const elsewhere = (yield* send(yield* request(keys, { url: "/v3/elsewhere" }))).response
        assert.strictEqual(elsewhere.status, 404)
        const log = yield* Simulator.received
        assert.deepStrictEqual(
          log.map((r) => Option.map(r.fault, (f) => f._tag)),
          [
            Option.some("ApiError"),
            Option.some("ApiError"),
            Option.some("EmptyBody"),
            Option.some("BadSignature"),
            Option.none(),
            Option.some("ApiError")
          ]
        )
      }).pipe(provide))

    it.effect("inject rejects a non-positive times", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(Simulator.inject(Simulator.Fault.Drop(), { times: 0 }))
        assert.isTrue(exit._tag === "Failure")
      }).pipe(provide))
  })

  describe("received and reset", () => {
    it.effect("records every request with lower-case headers and Clock time; reset forgets everything", () =>
      Effect.gen(function*() {
        yield* atEpoch
        const req = yield* request(keys)
        yield* send(req)
        yield* TestClock.adjust("1 second")
        yield* send(yield* request(keys, { url: "/v3/x" }))
        const log = yield* Simulator.received
        assert.strictEqual(log.length, 2)
        assert.strictEqual(log[0].url, PATH)
        assert.strictEqual(log[0].body, req.body)
        assert.strictEqual(log[0].headers["user-agent"], "sandbox-test/1.0")
        assert.strictEqual(log[0].receivedAt, EPOCH_MILLIS)
        assert.strictEqual(log[1].receivedAt, EPOCH_MILLIS + 1000)

        yield* Simulator.inject(Simulator.Fault.Drop())
        yield* Simulator.reset
        assert.strictEqual((yield* Simulator.received).length, 0)
        // Token and fault forgotten: other fields under the same authenticate_number are fine now.
        const changed = yield* send(yield* request(keys, { fields: validFields(keys, { project_name: "x" }) }))
        assert.strictEqual(changed.response.status, 200, changed.response.body)
        // Nonce forgotten: the very first request can be replayed after another reset.
        yield* Simulator.reset
        const again = yield* send(req)
        assert.strictEqual(again.response.status, 200, again.response.body)
      }).pipe(provide))

    it.effect("keeps at most maxReceived requests", () =>
      Effect.gen(function*() {
        yield* atEpoch
        for (let i = 0; i < 5; i++) yield* send(yield* request(keys, { url: `/v3/n${i}` }))
        const log = yield* Simulator.received
        assert.deepStrictEqual(log.map((r) => r.url), ["/v3/n3", "/v3/n4"])
      }).pipe(provideSimulator(keys, { maxReceived: 2 })))
  })
})

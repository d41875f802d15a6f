import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as Simulator from "../src/Simulator.js"
import {
  atEpoch,
  encrypt,
  generateKeys,
  json,
  provideSimulator,
  request,
  send,
  validFields,
  verifyResponse
} from "./fixtures.js"

/**
 * The routes added for the rest of the payroll-card family, spoken to by hand (node:crypto, no client code):
 * each rule of wechatpay-go's `services/payrollcard` models answered with WeChat's codes, nothing stricter.
 */
const keys = await generateKeys()
const provide = provideSimulator(keys)

const post = (url: string, fields: Record<string, unknown>, headers: Record<string, string | undefined> = {}) =>
  Effect.flatMap(request(keys, { url, fields, headers }), (req) => Effect.map(send(req), ({ response }) => response))

const get = (url: string) =>
  Effect.flatMap(
    request(keys, { method: "GET", url, headers: { "Content-Type": undefined, "Wechatpay-Serial": undefined } }),
    (req) => Effect.map(send(req), ({ response }) => response)
  )

const expectError = (response: Simulator.SimulatedResponse, status: number, code: string) => {
  assert.strictEqual(response.status, status, response.body)
  const body = json(response)
  assert.strictEqual(body.code, code, response.body)
  assert.isTrue(verifyResponse(response, keys.platformPublicKey))
  return body
}

const token = (overrides: Record<string, unknown> = {}) => ({
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111",
  user_name: encrypt("张三", keys.platformPublicKey),
  id_card_number: encrypt("110101199003078881", keys.platformPublicKey),
  ...overrides
})

const detail = (n: number, amount: number, named = true) => ({
  out_detail_no: `d${n}`,
  transfer_amount: amount,
  transfer_remark: "工资",
  openid: `o${n}`,
  ...(named ? { user_name: encrypt(`工人${n}`, keys.platformPublicKey) } : {})
})

const batch = (overrides: Record<string, unknown> = {}) => ({
  sub_mchid: "1900000109",
  sub_appid: "wxf636efh567hg4356",
  authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
  out_batch_no: "plfk2020042013",
  batch_name: "四月工资",
  batch_remark: "四月工资",
  total_amount: 300,
  total_num: 2,
  transfer_detail_list: [detail(1, 100), detail(2, 200)],
  ...overrides
})

describe("Simulator: the rest of the payroll-card family", () => {
  it.effect("POST /v3/payroll-card/tokens: a TokenEntity; PARAM_ERROR naming what is wrong", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const ok = yield* post("/v3/payroll-card/tokens", token({ employment_type: "LONG_TERM_EMPLOYMENT" }))
      assert.strictEqual(ok.status, 200, ok.body)
      assert.isTrue(verifyResponse(ok, keys.platformPublicKey))
      const entity = json(ok)
      assert.deepStrictEqual(Object.keys(entity), ["openid", "mchid", "sub_mchid", "token", "expires_in"])
      assert.strictEqual(entity.expires_in, 1800)
      // employment_type is optional here (omitempty in wechatpay-go); a check character X is a valid ID number.
      assert.strictEqual((yield* post("/v3/payroll-card/tokens", token())).status, 200)
      const withX = token({ id_card_number: encrypt("11010119900307002X", keys.platformPublicKey) })
      assert.strictEqual((yield* post("/v3/payroll-card/tokens", withX)).status, 200)

      const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
        ["no openid", token({ openid: undefined }), "openid"],
        ["no AppID", token({ sub_appid: undefined }), "appid"],
        [
          "a name not encrypted for the platform key",
          token({ user_name: encrypt("张三", keys.merchantPublicKey) }),
          "user_name"
        ],
        ["no id_card_number", token({ id_card_number: undefined }), "id_card_number"],
        // GB 11643: 18 characters, the last a check digit over the first 17.
        ["a short ID number", token({ id_card_number: encrypt("12345", keys.platformPublicKey) }), "id_card_number"],
        [
          "a wrong check digit",
          token({ id_card_number: encrypt("110101199003078888", keys.platformPublicKey) }),
          "id_card_number"
        ],
        ["an unknown employment_type", token({ employment_type: "PART_TIME" }), "employment_type"]
      ]
      for (const [label, fields, field] of cases) {
        const body = expectError(yield* post("/v3/payroll-card/tokens", fields), 400, "PARAM_ERROR")
        assert.strictEqual(body.detail.field, field, label)
        assert.notInclude(JSON.stringify(body), String(fields.user_name), label)
      }
      const serial = expectError(
        yield* post("/v3/payroll-card/tokens", token(), { "Wechatpay-Serial": undefined }),
        400,
        "PARAM_ERROR"
      )
      assert.strictEqual(serial.detail.field, "Wechatpay-Serial")
    }).pipe(provide))

  it.effect("GET /v3/payroll-card/authentications: the query's rules, paging and an empty day", () =>
    Effect.gen(function*() {
      yield* atEpoch // 2023-11-15 06:13:20 in Beijing
      const list = (query: string) => get(`/v3/payroll-card/authentications?${query}`)
      const base = "openid=onqOjjmo8wmTOOtSKwXtGjg9Gb58&sub_mchid=1900000109&appid=wxa1111111"
      const empty = yield* list(`${base}&authenticate_date=2023-11-15`)
      assert.strictEqual(empty.status, 200, empty.body)
      assert.deepStrictEqual(json(empty), { total_count: 0, offset: 0, limit: 0 })

      // Two successful checks today, one failed: the list holds the successful ones by default.
      for (const number of ["n1", "n2", "n3"]) {
        const fields = validFields(keys, { authenticate_number: number })
        assert.strictEqual((yield* post("/v3/payroll-card/authentications/pre-order-with-auth", fields)).status, 200)
        yield* TestClock.adjust("1 minute")
        yield* Simulator.complete(number, number === "n3" ? "FAILED" : "SUCCESS")
      }
      const page = json(yield* list(`${base}&authenticate_date=2023-11-15&limit=1&offset=1`))
      assert.deepStrictEqual([page.total_count, page.offset, page.limit], [2, 1, 1])
      assert.strictEqual(page.data[0].authenticate_number, "n2")
      const failed = json(yield* list(`${base}&authenticate_date=2023-11-15&authenticate_state=AUTHENTICATE_FAILED`))
      assert.deepStrictEqual(failed.data.map((check: { authenticate_number: string }) => check.authenticate_number), [
        "n3"
      ])

      const cases: ReadonlyArray<readonly [string, string]> = [
        ["sub_mchid=1900000109&appid=wxa1&authenticate_date=2023-11-15", "openid"],
        ["openid=o1&sub_mchid=1900000109&authenticate_date=2023-11-15", "appid"],
        ["openid=o1&appid=wxa1&authenticate_date=2023-11-15", "sub_mchid"],
        [`${base}`, "authenticate_date"],
        [`${base}&authenticate_date=2023-11-31`, "authenticate_date"],
        [`${base}&authenticate_date=20231115`, "authenticate_date"],
        [`${base}&authenticate_date=2023-08-16`, "authenticate_date"], // 91 days back
        [`${base}&authenticate_date=2023-11-16`, "authenticate_date"], // tomorrow in Beijing
        [`${base}&authenticate_date=2023-11-15&limit=0`, "limit"],
        [`${base}&authenticate_date=2023-11-15&limit=11`, "limit"],
        [`${base}&authenticate_date=2023-11-15&offset=-1`, "offset"],
        [`${base}&authenticate_date=2023-11-15&authenticate_state=DONE`, "authenticate_state"]
      ]
      for (const [query, field] of cases) {
        const body = expectError(yield* list(query), 400, "PARAM_ERROR")
        assert.strictEqual(body.detail.field, field, query)
        assert.strictEqual(body.detail.location, "query", query)
      }
      // 90 days back is still inside the window.
      assert.strictEqual((yield* list(`${base}&authenticate_date=2023-08-17`)).status, 200)
    }).pipe(provide))

  it.effect("POST /v3/payroll-card/transfer-batches: every rule of the sources, and WeChat's own", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const path = "/v3/payroll-card/transfer-batches"
      const created = yield* post(path, batch())
      assert.strictEqual(created.status, 200, created.body)
      const entity = json(created)
      assert.deepStrictEqual(Object.keys(entity), ["out_batch_no", "batch_id", "create_time"])
      assert.strictEqual(entity.create_time, "2023-11-15T06:13:20+08:00")
      // Idempotent: the same batch (names encrypted afresh) answers the same; other fields under its number do not.
      assert.deepStrictEqual(json(yield* post(path, batch())), entity)
      expectError(yield* post(path, batch({ batch_name: "五月工资" })), 400, "INVALID_REQUEST")
      // The kept request is compared: another payee name (decrypted) or another amount in a detail is a reuse.
      const renamed = { ...detail(2, 200), user_name: encrypt("工人9", keys.platformPublicKey) }
      const reused = yield* post(path, batch({ transfer_detail_list: [detail(1, 100), renamed] }))
      expectError(reused, 400, "INVALID_REQUEST")
      assert.notInclude(reused.body, "工人9")
      const moved = batch({ total_amount: 300, transfer_detail_list: [detail(1, 150), detail(2, 150)] })
      expectError(yield* post(path, moved), 400, "INVALID_REQUEST")

      const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
        ["total_amount off", batch({ out_batch_no: "b1", total_amount: 301 }), "total_amount"],
        ["total_num off", batch({ out_batch_no: "b2", total_num: 3 }), "total_num"],
        [
          "names on some details",
          batch({ out_batch_no: "b3", transfer_detail_list: [detail(1, 100), detail(2, 200, false)] }),
          "transfer_detail_list"
        ],
        ["a 33-character remark", batch({ out_batch_no: "b4", batch_remark: "工".repeat(33) }), "batch_remark"],
        [
          "an unknown authorization_type",
          batch({ out_batch_no: "b5", authorization_type: "ALL" }),
          "authorization_type"
        ],
        [
          "FUND without sp_appid",
          batch({ out_batch_no: "b6", authorization_type: "FUND_AUTHORIZATION_TYPE" }),
          "sp_appid"
        ],
        ["INFORMATION without sub_appid", batch({ out_batch_no: "b7", sub_appid: undefined }), "sub_appid"],
        [
          "2,000 yuan without a name",
          batch({
            out_batch_no: "b8",
            total_amount: 200_000,
            total_num: 1,
            transfer_detail_list: [detail(1, 200_000, false)]
          }),
          "transfer_detail_list[0].user_name"
        ],
        [
          "3,001 details",
          batch({
            out_batch_no: "b9",
            total_amount: 3001,
            total_num: 3001,
            transfer_detail_list: Array.from({ length: 3001 }, (_, n) => detail(n, 1, false))
          }),
          "transfer_detail_list"
        ],
        [
          "a fractional amount",
          batch({ out_batch_no: "b10", total_amount: 1.5, total_num: 1, transfer_detail_list: [detail(1, 1.5)] }),
          "total_amount"
        ]
      ]
      for (const [label, fields, field] of cases) {
        const body = expectError(yield* post(path, fields), 400, "PARAM_ERROR")
        assert.strictEqual(body.detail.field, field, label)
      }
      // Below 2,000 yuan a batch may name nobody; 3,000 details are allowed.
      const unnamed = batch({
        out_batch_no: "ok2",
        total_amount: 3000,
        total_num: 3000,
        transfer_detail_list: Array.from({ length: 3000 }, (_, n) => detail(n, 1, false))
      })
      assert.strictEqual((yield* post(path, unnamed, { "Wechatpay-Serial": undefined })).status, 200)
    }).pipe(provide))

  it.effect("transfer batches are bounded (maxTransferBatches): a forgotten out_batch_no is a new batch", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const path = "/v3/payroll-card/transfer-batches"
      const first = json(yield* post(path, batch({ out_batch_no: "a1" })))
      yield* post(path, batch({ out_batch_no: "a2" }))
      yield* post(path, batch({ out_batch_no: "a3" }))
      const again = json(yield* post(path, batch({ out_batch_no: "a1" })))
      assert.notStrictEqual(again.batch_id, first.batch_id)
    }).pipe(provideSimulator(keys, { maxTransferBatches: 2 })))
})

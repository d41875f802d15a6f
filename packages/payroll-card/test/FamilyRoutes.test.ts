import { PayrollCard } from "@effect-wechatpay/payroll-card"
import * as CreateTransferBatch from "@effect-wechatpay/payroll-card/CreateTransferBatch"
import * as ListAuthentications from "@effect-wechatpay/payroll-card/ListAuthentications"
import * as PreOrder from "@effect-wechatpay/payroll-card/PreOrder"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Redacted, Stream, TestClock } from "effect"
import { Rsa } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

/**
 * The four new calls end to end through their public functions — each derived from its declaration in
 * `PayrollCard.endpoints` — with real signing, encryption and verification against the simulator's routes.
 */
const { createToken, createTransferBatch, listAuthentications, preOrder } = PayrollCard

/** Every page of a day, one `listAuthentications` call per page, as `streamAuthentications` pages. */
const allPages = (request: ListAuthentications.ListAuthenticationsRequest) =>
  Stream.paginateEffect(
    request,
    (current) =>
      Effect.map(listAuthentications(current), (page) => [page, ListAuthentications.nextPage(current, page)] as const)
  ).pipe(Stream.runCollect, Effect.map(Chunk.toArray))

// 2020-12-25 12:00 in Beijing.
const NOON = Date.UTC(2020, 11, 25, 4)
const WORKER = { openid: "oWorkerPages00001", sub_mchid: "1900000109", sub_appid: "wxa1111111111111" }

const preOrderRequest = (number: string): PreOrder.PreOrderRequest => ({
  ...WORKER,
  authenticate_number: number,
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  authenticate_type: "NORMAL"
})

// The first check opens the card and authorises; from then on the worker is pre-ordered without encrypted fields.
const authorise = (number: string) =>
  Effect.gen(function*() {
    yield* PayrollCard.preOrderWithAuth(makeRequest({ ...WORKER, authenticate_number: number }))
    yield* Simulator.complete(number, "SUCCESS")
  })

describe("the payroll-card family against the simulator", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("createToken: names encrypted on the wire, Wechatpay-Serial sent, TokenEntity decoded", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const keys = yield* Sandbox.Sandbox
        const token = yield* createToken({
          openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
          sub_mchid: "1900000109",
          appid: "wxa1111111",
          user_name: Redacted.make(USER_NAME),
          id_card_number: Redacted.make(ID_CARD_NUMBER)
        })
        assert.strictEqual(token.openid, "onqOjjmo8wmTOOtSKwXtGjg9Gb58")
        assert.strictEqual(token.sub_mchid, "1900000109")
        assert.strictEqual(token.expires_in, 1800)
        assert.match(token.token, /^[A-Za-z0-9]{32}$/)
        const [received] = yield* Simulator.received
        assert.strictEqual(received.url, "/v3/payroll-card/tokens")
        assert.strictEqual(received.headers["wechatpay-serial"], keys.platformPublicKeyId)
        assert.notInclude(received.body, USER_NAME)
        const wire = JSON.parse(received.body)
        const key = Rsa.from(keys.platformPrivateKey, "private")
        assert.strictEqual(Rsa.decrypt(wire.user_name, key), USER_NAME)
        assert.strictEqual(Rsa.decrypt(wire.id_card_number, key), ID_CARD_NUMBER)

        const invalid = yield* Effect.flip(createToken({
          openid: "o1",
          sub_mchid: "1900000109",
          user_name: Redacted.make(USER_NAME),
          id_card_number: Redacted.make(ID_CARD_NUMBER)
        }))
        assert.strictEqual(invalid._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, 1)
      }))

    it.effect("preOrder: refused before authorisation, served after, idempotent on authenticate_number", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const refused = yield* Effect.flip(preOrder(preOrderRequest("po1")))
        assert.strictEqual(refused._tag, "INVALID_REQUEST")
        // employment_type is required only until the worker has authorised ("未授权必填，授权过，非必填").
        const { employment_type: _, ...noType } = makeRequest({ ...WORKER, authenticate_number: "first1" })
        const missing = yield* Effect.flip(PayrollCard.preOrderWithAuth(noType))
        assert.strictEqual(missing._tag, "PARAM_ERROR")
        if (missing._tag === "PARAM_ERROR") assert.strictEqual(missing.detail?.field, "employment_type")
        yield* authorise("first1")
        const again = yield* PayrollCard.preOrderWithAuth({ ...noType, authenticate_number: "second1" })
        assert.strictEqual(again.authenticate_number, "second1")
        // "如填写，需要校验和初次填写的一致性": when given again, it must be the first one.
        const other = yield* Effect.flip(
          PayrollCard.preOrderWithAuth({
            ...noType,
            authenticate_number: "third1",
            employment_type: "SHORT_TERM_EMPLOYMENT"
          })
        )
        assert.strictEqual(other._tag, "PARAM_ERROR")
        const same = yield* PayrollCard.preOrderWithAuth({
          ...noType,
          authenticate_number: "third1",
          employment_type: "LONG_TERM_EMPLOYMENT"
        })
        assert.strictEqual(same.authenticate_number, "third1")

        const first = yield* preOrder(preOrderRequest("po1"))
        assert.strictEqual(first.authenticate_number, "po1")
        assert.strictEqual(first.openid, WORKER.openid)
        const repeat = yield* preOrder(preOrderRequest("po1"))
        assert.strictEqual(repeat.token, first.token)
        const changed = yield* Effect.flip(preOrder({ ...preOrderRequest("po1"), project_name: "另一个项目" }))
        assert.strictEqual(changed._tag, "INVALID_REQUEST")
        const sent = (yield* Simulator.received).filter((r) => r.url === PreOrder.endpoint.path)
        // No encrypted field, but the key the client trusts is named all the same (it chooses the answer's key).
        for (const r of sent) {
          assert.strictEqual(r.headers["wechatpay-serial"], (yield* Sandbox.Sandbox).platformPublicKeyId)
        }
        // Refused before sending: an empty required field, an unknown authenticate_type.
        const count = (yield* Simulator.received).length
        const empty = yield* Effect.flip(preOrder({ ...preOrderRequest("po2"), project_name: "" }))
        assert.strictEqual(empty._tag, "RequestValidationError")
        if (empty._tag === "RequestValidationError") {
          assert.deepStrictEqual(empty.issues.map((issue) => issue.path), ["project_name"])
        }
        const type = yield* Effect.flip(preOrder({ ...preOrderRequest("po2"), authenticate_type: "FACE" as never }))
        assert.strictEqual(type._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, count)
        const check = yield* PayrollCard.getAuthentication({ authenticate_number: "po1", sub_mchid: WORKER.sub_mchid })
        assert.strictEqual(check.authenticate_state, "AUTHENTICATE_PROCESSING")
        assert.strictEqual(check.authenticate_type, "NORMAL")
      }))

    it.effect("listAuthentications: 23 checks over three pages, failed ones apart, an empty day, the window", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        yield* authorise("page0")
        for (let n = 1; n < 23; n++) {
          yield* preOrder(preOrderRequest(`page${n}`))
          yield* TestClock.adjust("1 minute")
          yield* Simulator.complete(`page${n}`, "SUCCESS")
        }
        yield* preOrder(preOrderRequest("failed1"))
        yield* Simulator.complete("failed1", "FAILED", { reason: "人脸比对未通过" })
        yield* preOrder(preOrderRequest("open1"))

        const day = { ...WORKER, authenticate_date: "2020-12-25", limit: 10 }
        const pages = yield* allPages(day)
        assert.deepStrictEqual(pages.map((page) => page.data.length), [10, 10, 3])
        assert.deepStrictEqual(pages.map((page) => page.offset), [0, 10, 20])
        for (const page of pages) assert.strictEqual(page.total_count, 23)
        const numbers = pages.flatMap((page) => page.data.map((entity) => entity.authenticate_number))
        assert.deepStrictEqual(numbers, Array.from({ length: 23 }, (_, n) => `page${n}`))
        for (const entity of pages.flatMap((page) => page.data)) {
          assert.strictEqual(entity.authenticate_state, "AUTHENTICATE_SUCCESS")
          assert.strictEqual(entity.sub_mchid, WORKER.sub_mchid)
        }
        const failed = yield* listAuthentications({ ...day, authenticate_state: "AUTHENTICATE_FAILED" })
        assert.deepStrictEqual(failed.data.map((entity) => entity.authenticate_failed_reason), ["人脸比对未通过"])
        const past = yield* listAuthentications({ ...day, offset: 40 })
        assert.deepStrictEqual([past.data.length, past.total_count, past.offset], [0, 23, 40])

        // An empty day: the simulator leaves `data` out (omitempty), the SDK reads an empty page.
        const empty = yield* allPages({ ...day, authenticate_date: "2020-12-24" })
        assert.deepStrictEqual(empty.map((page) => [page.data.length, page.total_count]), [[0, 0]])
        const emptyWire = (yield* Simulator.received).at(-1)!
        assert.include(emptyWire.url, "authenticate_date=2020-12-24")

        // Outside the 90-day window: refused before sending.
        const sent = (yield* Simulator.received).length
        const old = yield* Effect.flip(listAuthentications({ ...day, authenticate_date: "2020-09-25" }))
        assert.strictEqual(old._tag, "RequestValidationError")
        const tooMany = yield* Effect.flip(listAuthentications({ ...day, limit: 11 }))
        assert.strictEqual(tooMany._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, sent)
      }))

    it.effect("createTransferBatch: names encrypted, idempotent on out_batch_no, WeChat's own rules answered by it", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const keys = yield* Sandbox.Sandbox
        const batch: CreateTransferBatch.CreateTransferBatchRequest = {
          sub_mchid: "1900000109",
          sub_appid: "wxf636efh567hg4356",
          authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
          out_batch_no: "plfk2020042013",
          batch_name: "四月工资",
          batch_remark: "四月工资",
          total_amount: 250_000,
          total_num: 2,
          transfer_detail_list: [
            {
              out_detail_no: "d1",
              transfer_amount: 200_000,
              transfer_remark: "工资",
              openid: "o1",
              user_name: Redacted.make(USER_NAME)
            },
            {
              out_detail_no: "d2",
              transfer_amount: 50_000,
              transfer_remark: "工资",
              openid: "o2",
              user_name: Redacted.make("李秘密")
            }
          ],
          employment_type: "SHORT_TERM_EMPLOYMENT",
          employment_scene: "LOGISTICS"
        }
        const created = yield* createTransferBatch(batch)
        assert.strictEqual(created.out_batch_no, "plfk2020042013")
        assert.match(created.batch_id, /^\d{40}$/)
        assert.strictEqual(created.create_time, "2020-12-25T12:00:00+08:00")
        const [received] = yield* Simulator.received
        assert.strictEqual(received.headers["wechatpay-serial"], keys.platformPublicKeyId)
        const key = Rsa.from(keys.platformPrivateKey, "private")
        const wire = JSON.parse(received.body)
        assert.deepStrictEqual(
          wire.transfer_detail_list.map((detail: { user_name: string }) => Rsa.decrypt(detail.user_name, key)),
          [USER_NAME, "李秘密"]
        )

        // The same batch again (names encrypted afresh) is the same batch; other fields under its number are not.
        yield* TestClock.adjust("1 minute")
        const repeat = yield* createTransferBatch(batch)
        assert.deepStrictEqual(repeat, created)
        const changed = yield* Effect.flip(createTransferBatch({ ...batch, batch_name: "五月工资" }))
        assert.strictEqual(changed._tag, "INVALID_REQUEST")

        // A rule that depends on amounts is WeChat's: the SDK sends, the simulator answers PARAM_ERROR.
        const unnamed = yield* Effect.flip(createTransferBatch({
          ...batch,
          out_batch_no: "unnamed1",
          transfer_detail_list: batch.transfer_detail_list.map(({ user_name: _, ...detail }) => detail)
        }))
        assert.strictEqual(unnamed._tag, "PARAM_ERROR")
        if (unnamed._tag === "PARAM_ERROR") {
          assert.strictEqual(unnamed.detail?.field, "transfer_detail_list[0].user_name")
        }
        const fund = yield* Effect.flip(createTransferBatch({
          ...batch,
          out_batch_no: "fund1",
          authorization_type: "FUND_AUTHORIZATION_TYPE"
        }))
        assert.strictEqual(fund._tag, "PARAM_ERROR")
        if (fund._tag === "PARAM_ERROR") assert.strictEqual(fund.detail?.field, "sp_appid")

        // A rule the sources state about the request alone: refused before anything is sent.
        const sent = (yield* Simulator.received).length
        const sums = yield* Effect.flip(createTransferBatch({ ...batch, out_batch_no: "sum1", total_amount: 1 }))
        assert.strictEqual(sums._tag, "RequestValidationError")
        assert.strictEqual((yield* Simulator.received).length, sent)
      }))
  })
})

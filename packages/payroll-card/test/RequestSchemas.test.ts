import { Encryptor } from "@effect-wechatpay/core"
import { GetAuthentication, GetRelation, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import * as CreateToken from "@effect-wechatpay/payroll-card/CreateToken"
import * as CreateTransferBatch from "@effect-wechatpay/payroll-card/CreateTransferBatch"
import * as ListAuthentications from "@effect-wechatpay/payroll-card/ListAuthentications"
import * as PreOrder from "@effect-wechatpay/payroll-card/PreOrder"
import { TestKeys } from "@effect-wechatpay/sandbox"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted, Schema, TestClock } from "effect"
import { makeRequest } from "./fixtures.js"

/**
 * Each request rule accepts what WeChat accepts and refuses what the sources refuse: a limit only where
 * wechatpay-go's `services/payrollcard/models.go` or the java models state one.
 */
const EncryptorLive = Layer.unwrapEffect(
  Effect.map(
    TestKeys.generateSet(),
    (keys) => Encryptor.layer({ serialNo: keys.platformPublicKeyId, publicKey: keys.platformPublicKey })
  )
)

const accepts = <A, I, R>(schema: Schema.Schema<A, I, R>, value: A) =>
  Effect.map(Effect.exit(Schema.encode(schema)(value)), (exit) => Exit.isSuccess(exit))

const LONG_CHINESE = "某某市某某区某某街道某某物流配送服务有限公司第一分公司城市配送项目部临时用工管理中心" // 43 characters

const detail = (n: number, amount: number, name?: string): CreateTransferBatch.TransferDetailInput => ({
  out_detail_no: `d${n}`,
  transfer_amount: amount,
  transfer_remark: "工资",
  openid: `o${n}`,
  ...(name === undefined ? {} : { user_name: Redacted.make(name) })
})

const batch = (
  details: ReadonlyArray<CreateTransferBatch.TransferDetailInput>,
  overrides: Partial<CreateTransferBatch.CreateTransferBatchRequest> = {}
): CreateTransferBatch.CreateTransferBatchRequest => ({
  sub_mchid: "1900000109",
  sub_appid: "wxf636efh567hg4356",
  authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
  out_batch_no: "plfk2020042013",
  batch_name: "2019年1月深圳分部报销单",
  batch_remark: "2019年1月深圳分部报销单",
  total_amount: details.reduce((sum, d) => sum + d.transfer_amount, 0),
  total_num: details.length,
  transfer_detail_list: details,
  ...overrides
})

describe("requests: no stricter than WeChat", () => {
  layer(EncryptorLive)((it) => {
    it.effect("pre-orders: long and Chinese values pass (no uncited length limit); optional enums; NORMAL", () =>
      Effect.gen(function*() {
        const schema = PreOrderWithAuth.PreOrderWithAuthRequest
        assert.isTrue(yield* accepts(schema, makeRequest({ employer_name: LONG_CHINESE, project_name: LONG_CHINESE })))
        assert.isTrue(yield* accepts(schema, makeRequest({ openid: "o".repeat(200) })))
        assert.isTrue(yield* accepts(schema, makeRequest({ authenticate_number: "a".repeat(100) })))
        assert.isTrue(yield* accepts(schema, makeRequest({ authenticate_type: "NORMAL" })))
        for (const type of ["SIGN_IN", "INSURANCE", "CONTRACT"] as const) {
          assert.isTrue(yield* accepts(schema, makeRequest({ authenticate_type: type })))
        }
        const { authenticate_type: _a, employment_type: _e, ...bare } = makeRequest()
        assert.isTrue(yield* accepts(schema, bare))
        const body = yield* Schema.encode(schema)(bare)
        assert.notProperty(body, "employment_type")
        assert.notProperty(body, "authenticate_type")

        const preOrder = {
          openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
          sub_mchid: "1111111",
          appid: "wxa1111111",
          authenticate_number: "mcdhehfgisdhfjghed39384564i83",
          project_name: LONG_CHINESE,
          employer_name: "某用工企业"
        }
        assert.isTrue(yield* accepts(PreOrder.PreOrderRequest, preOrder))
        assert.isTrue(yield* accepts(PreOrder.PreOrderRequest, { ...preOrder, authenticate_type: "NORMAL" }))
      }))

    it.effect("pre-orders: what the sources refuse is refused", () =>
      Effect.gen(function*() {
        const preOrder: PreOrder.PreOrderRequest = {
          openid: "o1",
          sub_mchid: "1111111",
          appid: "wxa1111111",
          authenticate_number: "abc123",
          project_name: "某项目",
          employer_name: "某用工企业"
        }
        const refused: ReadonlyArray<readonly [string, unknown]> = [
          ["non-alphanumeric number", { ...preOrder, authenticate_number: "abc_123" }],
          ["full-width digit in the number", { ...preOrder, authenticate_number: "abc１" }],
          ["empty number", { ...preOrder, authenticate_number: "" }],
          ["no AppID", { ...preOrder, appid: undefined }],
          ["unknown authenticate_type", { ...preOrder, authenticate_type: "HEALTH" }],
          ["missing project_name", { ...preOrder, project_name: undefined }],
          ["empty openid", { ...preOrder, openid: "" }]
        ]
        for (const [label, request] of refused) {
          assert.isFalse(yield* accepts(PreOrder.PreOrderRequest, request as PreOrder.PreOrderRequest), label)
        }
        assert.isFalse(
          yield* accepts(
            PreOrderWithAuth.PreOrderWithAuthRequest,
            makeRequest({ employment_type: "PART_TIME" as never })
          )
        )
      }))

    it.effect("create token: employment_type optional, names encrypted, an AppID required", () =>
      Effect.gen(function*() {
        const token: CreateToken.CreateTokenRequest = {
          openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
          sub_mchid: "1111111",
          sub_appid: "wxa1111111",
          user_name: Redacted.make("张三"),
          id_card_number: Redacted.make("110101199003072316")
        }
        assert.isTrue(yield* accepts(CreateToken.CreateTokenRequest, token))
        assert.isTrue(
          yield* accepts(CreateToken.CreateTokenRequest, { ...token, employment_type: "COOPERATION_EMPLOYMENT" })
        )
        const { sub_appid: _, ...noAppId } = token
        assert.isFalse(yield* accepts(CreateToken.CreateTokenRequest, noAppId))
        const { id_card_number: __, ...noId } = token
        assert.isFalse(yield* accepts(CreateToken.CreateTokenRequest, noId as CreateToken.CreateTokenRequest))
      }))

    it.effect("the queries: no length limits, an AppID for the relation", () =>
      Effect.gen(function*() {
        assert.isTrue(
          yield* accepts(GetAuthentication.GetAuthenticationRequest, {
            authenticate_number: "a".repeat(80),
            sub_mchid: "1".repeat(40)
          })
        )
        assert.isTrue(
          yield* accepts(GetRelation.GetRelationRequest, { openid: "o".repeat(80), sub_mchid: "1", appid: "w" })
        )
        assert.isFalse(
          yield* accepts(GetRelation.GetRelationRequest, { openid: "o1", sub_mchid: "1" })
        )
      }))

    it.effect("list: yyyy-MM-dd within the last 90 days in Beijing time, offset ≥ 0, limit 1–10", () =>
      Effect.gen(function*() {
        // 2020-12-24T16:30Z is already 2020-12-25 in Beijing.
        yield* TestClock.setTime(Date.UTC(2020, 11, 24, 16, 30))
        const request: ListAuthentications.ListAuthenticationsRequest = {
          openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
          appid: "wxa1111111",
          sub_appid: "wxa1111111",
          sub_mchid: "1111111",
          authenticate_date: "2020-12-25",
          authenticate_state: "AUTHENTICATE_SUCCESS",
          offset: 0,
          limit: 10
        }
        const schema = ListAuthentications.ListAuthenticationsRequest
        assert.isTrue(yield* accepts(schema, request))
        assert.isTrue(yield* accepts(schema, { ...request, authenticate_date: "2020-09-26" }), "90 days back")
        assert.isFalse(yield* accepts(schema, { ...request, authenticate_date: "2020-09-25" }), "91 days back")
        assert.isFalse(yield* accepts(schema, { ...request, authenticate_date: "2020-12-26" }), "tomorrow")
        for (const date of ["2020-12-5", "20201225", "2020/12/25", "2020-02-30", "2020-12-25T00:00:00+08:00"]) {
          assert.isFalse(yield* accepts(schema, { ...request, authenticate_date: date }), date)
        }
        assert.isTrue(yield* accepts(schema, { ...request, offset: 10_000, limit: 1 }))
        const { authenticate_state: _s, limit: _l, offset: _o, ...bare } = request
        assert.isTrue(yield* accepts(schema, bare))
        for (
          const bad of [{ offset: -1 }, { offset: 1.5 }, { limit: 0 }, { limit: 11 }, {
            appid: undefined,
            sub_appid: undefined
          }]
        ) {
          assert.isFalse(yield* accepts(schema, { ...request, ...bad }), JSON.stringify(bad))
        }
        // The window moves with the clock: a day later, the 90th day back drops out.
        yield* TestClock.adjust("1 day")
        assert.isFalse(yield* accepts(schema, { ...request, authenticate_date: "2020-09-26" }))
        assert.isTrue(yield* accepts(schema, { ...request, authenticate_date: "2020-12-26" }))

        // The query is sent in this order, each parameter only when present (Endpoint.toCall).
        assert.deepStrictEqual(ListAuthentications.endpoint.query, [
          "openid",
          "appid",
          "sub_appid",
          "sub_mchid",
          "authenticate_date",
          "authenticate_state",
          "offset",
          "limit"
        ])
      }))

    it.effect("transfer batch: exactly the rules the sources list", () =>
      Effect.gen(function*() {
        const schema = CreateTransferBatch.CreateTransferBatchRequest
        const two = [detail(1, 300, "张三"), detail(2, 200, "李四")]
        assert.isTrue(yield* accepts(schema, batch(two)))
        assert.isTrue(yield* accepts(schema, batch([detail(1, 300), detail(2, 200)])), "no names at all")
        // Amount rules are WeChat's: a large amount without a name is not refused here.
        assert.isTrue(yield* accepts(schema, batch([detail(1, 500_000)])))
        assert.isTrue(
          yield* accepts(schema, batch(two, { employment_scene: "LOGISTICS", business_type: "PROMOTION" }))
        )
        assert.isTrue(yield* accepts(schema, batch(two, { authorization_type: "FUND_AUTHORIZATION_TYPE" })))
        // 32 characters, counted as characters: Chinese and an emoji count once each.
        const remark32 = "工".repeat(31) + "😀"
        assert.isTrue(yield* accepts(schema, batch([{ ...detail(1, 1), transfer_remark: remark32 }])))
        assert.isTrue(yield* accepts(schema, batch(two, { batch_remark: remark32 })))

        const refused: ReadonlyArray<readonly [string, CreateTransferBatch.CreateTransferBatchRequest]> = [
          ["total_amount off by one", batch(two, { total_amount: 501 })],
          ["total_num off by one", batch(two, { total_num: 3 })],
          ["names on some details only", batch([detail(1, 300, "张三"), detail(2, 200)])],
          ["batch_remark of 33 characters", batch(two, { batch_remark: "工".repeat(33) })],
          ["transfer_remark of 33 characters", batch([{ ...detail(1, 1), transfer_remark: "a".repeat(33) }])],
          ["unknown authorization_type", batch(two, { authorization_type: "ALL" as never })],
          ["unknown employment_scene", batch(two, { employment_scene: "FARMING" as never })],
          ["unknown business_type", batch(two, { business_type: "UNDEFINED" as never })],
          ["fractional fen", batch([detail(1, 1.5)])]
        ]
        for (const [label, request] of refused) {
          assert.isFalse(yield* accepts(schema, request), label)
        }
      }))

    it.effect("transfer batch: 3,000 details pass, 3,001 fail", () =>
      Effect.gen(function*() {
        const schema = CreateTransferBatch.CreateTransferBatchRequest
        const details = Array.from({ length: 3001 }, (_, n) => detail(n, 1))
        assert.isTrue(yield* accepts(schema, batch(details.slice(0, 3000))))
        assert.isFalse(yield* accepts(schema, batch(details)))
      }))
  })
})

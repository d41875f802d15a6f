import { Encryptor } from "@effect-wechatpay/core"
import * as CreateToken from "@effect-wechatpay/payroll-card/CreateToken"
import * as CreateTransferBatch from "@effect-wechatpay/payroll-card/CreateTransferBatch"
import { TestKeys } from "@effect-wechatpay/sandbox"
import { assert, describe, layer } from "@effect/vitest"
import { Context, Effect, Layer, Redacted, Schema } from "effect"
import { Rsa } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, USER_NAME } from "./fixtures.js"

class PlatformKey extends Context.Tag("test/PlatformKey")<PlatformKey, ReturnType<typeof Rsa.from>>() {}

/** Our encryption, checked by an independent implementation: wechatpay-axios-plugin's `Rsa.decrypt`. */
const Live = Layer.unwrapEffect(Effect.map(TestKeys.generateSet(), (keys) =>
  Layer.merge(
    Encryptor.layer({ serialNo: keys.platformPublicKeyId, publicKey: keys.platformPublicKey }),
    Layer.succeed(PlatformKey, Rsa.from(keys.platformPrivateKey, "private"))
  )))

const SECOND_NAME = "李秘密"

describe("encrypted fields of the new requests are ciphertext on the wire", () => {
  layer(Live)((it) => {
    it.effect("CreateToken: user_name and id_card_number decrypt, with wechatpay-axios-plugin, to the plaintext", () =>
      Effect.gen(function*() {
        const key = yield* PlatformKey
        const body = yield* Schema.encode(CreateToken.CreateTokenRequest)({
          openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
          sub_mchid: "1111111",
          appid: "wxa1111111",
          user_name: Redacted.make(USER_NAME),
          id_card_number: Redacted.make(ID_CARD_NUMBER),
          employment_type: "LONG_TERM_EMPLOYMENT"
        })
        const wire = JSON.stringify(body)
        assert.notInclude(wire, USER_NAME)
        assert.notInclude(wire, ID_CARD_NUMBER)
        assert.strictEqual(Rsa.decrypt(body.user_name, key), USER_NAME)
        assert.strictEqual(Rsa.decrypt(body.id_card_number, key), ID_CARD_NUMBER)
        assert.strictEqual(body.openid, "onqOjjmo8wmTOOtSKwXtGjg9Gb58")
        assert.strictEqual(body.employment_type, "LONG_TERM_EMPLOYMENT")
      }))

    it.effect("CreateTransferBatch: each detail's user_name decrypts to its own plaintext; nothing else is touched", () =>
      Effect.gen(function*() {
        const key = yield* PlatformKey
        const body = yield* Schema.encode(CreateTransferBatch.CreateTransferBatchRequest)({
          sub_mchid: "1900000109",
          sub_appid: "wxf636efh567hg4356",
          authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
          out_batch_no: "plfk2020042013",
          batch_name: "四月工资",
          batch_remark: "四月工资",
          total_amount: 500,
          total_num: 2,
          transfer_detail_list: [
            {
              out_detail_no: "d1",
              transfer_amount: 300,
              transfer_remark: "工资",
              openid: "o1",
              user_name: Redacted.make(USER_NAME)
            },
            {
              out_detail_no: "d2",
              transfer_amount: 200,
              transfer_remark: "工资",
              openid: "o2",
              user_name: Redacted.make(SECOND_NAME)
            }
          ]
        })
        const wire = JSON.stringify(body)
        assert.notInclude(wire, USER_NAME)
        assert.notInclude(wire, SECOND_NAME)
        assert.deepStrictEqual(
          body.transfer_detail_list.map((detail) => Rsa.decrypt(detail.user_name!, key)),
          [USER_NAME, SECOND_NAME]
        )
        assert.deepStrictEqual(body.transfer_detail_list.map((detail) => detail.openid), ["o1", "o2"])
        assert.strictEqual(body.total_amount, 500)
      }))

    it.effect("a batch without names sends no user_name at all", () =>
      Effect.gen(function*() {
        const body = yield* Schema.encode(CreateTransferBatch.CreateTransferBatchRequest)({
          sub_mchid: "1900000109",
          authorization_type: "FUND_AUTHORIZATION_TYPE",
          sp_appid: "wxf636efh567hg4388",
          out_batch_no: "b2",
          batch_name: "n",
          batch_remark: "r",
          total_amount: 1,
          total_num: 1,
          transfer_detail_list: [{ out_detail_no: "d1", transfer_amount: 1, transfer_remark: "r", openid: "o1" }]
        })
        assert.notProperty(body.transfer_detail_list[0], "user_name")
      }))

    it.effect("a refused batch names the rule and never shows a name, even one given as a plain string", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Schema.encodeUnknown(CreateTransferBatch.CreateTransferBatchRequest)({
            sub_mchid: "1900000109",
            authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
            out_batch_no: "b3",
            batch_name: "n",
            batch_remark: "r",
            total_amount: 2,
            total_num: 2,
            transfer_detail_list: [
              { out_detail_no: "d1", transfer_amount: 1, transfer_remark: "r", openid: "o1", user_name: USER_NAME },
              {
                out_detail_no: "d2",
                transfer_amount: 1,
                transfer_remark: "r",
                openid: "o2",
                user_name: Redacted.make(SECOND_NAME)
              }
            ]
          })
        )
        const text = `${error.message}\n${String(error)}\n${JSON.stringify(error)}`
        assert.notInclude(text, USER_NAME)
        assert.notInclude(text, SECOND_NAME)

        const sums = yield* Effect.flip(
          Schema.encode(CreateTransferBatch.CreateTransferBatchRequest)({
            sub_mchid: "1900000109",
            authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
            out_batch_no: "b4",
            batch_name: "n",
            batch_remark: "r",
            total_amount: 3,
            total_num: 1,
            transfer_detail_list: [
              {
                out_detail_no: "d1",
                transfer_amount: 1,
                transfer_remark: "r",
                openid: "o1",
                user_name: Redacted.make(USER_NAME)
              }
            ]
          })
        )
        assert.include(sums.message, "total_amount must equal the sum of the details' transfer_amount (1)")
        assert.notInclude(`${sums.message}${JSON.stringify(sums)}`, USER_NAME)
      }))
  })
})

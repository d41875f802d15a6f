import { Decryptor, Endpoint, Sensitive } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted, Schema } from "effect"
import * as Crypto from "node:crypto"
import { Rsa } from "wechatpay-axios-plugin"
import { answering, keys } from "./utils/answering.js"

const NAME = "张三"
// WeChat's side, from wechatpay-axios-plugin: a field encrypted to the merchant's public key (RSA-OAEP, SHA-1).
const encryptTo = (publicKey: string, plaintext: string) => Rsa.encrypt(plaintext, Rsa.from(publicKey, "public"))

const getDetail = Endpoint.toCall(Endpoint.make({
  name: "Test.getTransferDetail",
  method: "GET",
  path: "/v3/partner-transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}",
  request: Schema.Struct({ out_batch_no: Schema.String, out_detail_no: Schema.String }),
  response: Schema.Struct({
    out_batch_no: Schema.String,
    out_detail_no: Schema.String,
    username: Schema.optional(Sensitive.DecryptedString)
  }),
  echo: ["out_batch_no", "out_detail_no"]
}))

describe("Decryptor", () => {
  it.effect("decrypts what wechatpay-axios-plugin encrypts to the merchant's public key", () =>
    Effect.gen(function*() {
      const [merchant] = yield* keys
      const decryptor = yield* Decryptor.make({ privateKey: Redacted.make(merchant.privateKey) })
      const name = yield* decryptor.decrypt(encryptTo(merchant.publicKey, NAME))
      assert.strictEqual(Redacted.value(name), NAME)
      assert.notInclude(String(name), NAME)
    }))

  it.effect("refuses another key's ciphertext, non-base64, a non-UTF-8 plaintext, and shows none of them", () =>
    Effect.gen(function*() {
      const [merchant, other] = yield* keys
      const decryptor = yield* Decryptor.make({ privateKey: Redacted.make(merchant.privateKey) })
      const notUtf8 = Crypto.publicEncrypt(
        { key: merchant.publicKey, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
        Buffer.from([0xff, 0xfe, 0x00])
      ).toString("base64")
      const wrongKey = encryptTo(other.publicKey, NAME)
      for (const ciphertext of [wrongKey, "not base64!", "", notUtf8, wrongKey.slice(0, -4)]) {
        const error = yield* Effect.flip(decryptor.decrypt(ciphertext))
        assert.strictEqual(error._tag, "DecryptError")
        assert.notInclude(error.message + JSON.stringify(error), ciphertext.length > 0 ? ciphertext.slice(0, 24) : "§")
      }
    }))

  it.effect("a call whose answer declares DecryptedString gets the Redacted plaintext; WeChatPay.layer provides it", () =>
    Effect.gen(function*() {
      const layer = yield* answering((merchantPublicKey) =>
        JSON.stringify({
          out_batch_no: "plfk2020042013",
          out_detail_no: "x23zy545Bd5436",
          detail_status: "SUCCESS",
          username: encryptTo(merchantPublicKey, NAME)
        })
      )
      const detail = yield* getDetail({ out_batch_no: "plfk2020042013", out_detail_no: "x23zy545Bd5436" }).pipe(
        Effect.provide(layer)
      )
      assert.isTrue(detail.username !== undefined && Redacted.isRedacted(detail.username))
      assert.strictEqual(Redacted.value(detail.username!), NAME)
      assert.notInclude(JSON.stringify(detail), NAME)
    }))

  it.effect("an answer whose field does not decrypt fails as UnexpectedResponse naming the field", () =>
    Effect.gen(function*() {
      const [, other] = yield* keys
      const layer = yield* answering(() =>
        JSON.stringify({
          out_batch_no: "plfk2020042013",
          out_detail_no: "x23zy545Bd5436",
          username: encryptTo(other.publicKey, NAME)
        })
      )
      const exit = yield* Effect.exit(
        getDetail({ out_batch_no: "plfk2020042013", out_detail_no: "x23zy545Bd5436" }).pipe(Effect.provide(layer))
      )
      assert.isTrue(Exit.isFailure(exit))
      const error = Cause.squash((exit as Exit.Failure<unknown, unknown>).cause) as { _tag: string; message: string }
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "does not match the response schema at username")
      assert.notInclude(Cause.pretty((exit as Exit.Failure<unknown, unknown>).cause), NAME)
    }))

  it.effect("encoding a DecryptedString is refused: only WeChat encrypts to the merchant", () =>
    Effect.gen(function*() {
      const [merchant] = yield* keys
      const error = yield* Effect.flip(Schema.encode(Sensitive.DecryptedString)(Redacted.make(NAME))).pipe(
        Effect.provide(Decryptor.layer({ privateKey: Redacted.make(merchant.privateKey) }))
      )
      assert.notInclude(error.message, NAME)
    }))
})

import { Sensitive } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Option, Redacted, Schema, SchemaAST } from "effect"

describe("Sensitive.sensitivity / isSensitive", () => {
  it("marks the two sensitive strings, however a request or answer wraps them", () => {
    assert.deepStrictEqual(Sensitive.sensitivity(Sensitive.EncryptedString), Option.some("encrypted"))
    assert.deepStrictEqual(Sensitive.sensitivity(Sensitive.DecryptedString), Option.some("decrypted"))
    // Annotated (a description of one's own), refined, on its AST, optional in a struct.
    const annotated = Sensitive.EncryptedString.annotations({ description: "the worker's name" })
    assert.deepStrictEqual(Sensitive.sensitivity(annotated), Option.some("encrypted"))
    const refined = Sensitive.EncryptedString.pipe(Schema.filter((name) => Redacted.value(name).length < 64))
    assert.deepStrictEqual(Sensitive.sensitivity(refined.ast), Option.some("encrypted"))
    const Request = Schema.Struct({
      openid: Schema.String,
      user_name: Sensitive.EncryptedString,
      id_card_number: Schema.optional(Sensitive.EncryptedString),
      username: Schema.optionalWith(Sensitive.DecryptedString, { exact: true })
    })
    assert.isTrue(Sensitive.isSensitive(Request.fields.user_name))
    assert.isTrue(Sensitive.isSensitive(Request.fields.id_card_number))
    assert.isTrue(Sensitive.isSensitive(Request.fields.username))
    assert.isFalse(Sensitive.isSensitive(Request.fields.openid))
    const struct = Request.ast
    assert(SchemaAST.isTypeLiteral(struct))
    for (const property of struct.propertySignatures) {
      assert.strictEqual(Sensitive.isSensitive(property.type), property.name !== "openid", String(property.name))
    }
  })

  it("is none for anything else: plain strings, a Redacted that is not encrypted, a struct holding one", () => {
    assert.isTrue(Option.isNone(Sensitive.sensitivity(Schema.String)))
    assert.isTrue(Option.isNone(Sensitive.sensitivity(Schema.Redacted(Schema.String))))
    assert.isTrue(Option.isNone(Sensitive.sensitivity(Schema.Struct({ user_name: Sensitive.EncryptedString }))))
    assert.isTrue(Option.isNone(Sensitive.sensitivity(Schema.Union(Sensitive.EncryptedString, Schema.Number))))
    assert.isFalse(Sensitive.isSensitive(Schema.Array(Sensitive.EncryptedString)))
  })

  it("paths: every sensitive field of a request or answer, lists marked *, through unions and filters", () => {
    const Detail = Schema.Struct({
      out_detail_no: Schema.String,
      user_name: Sensitive.EncryptedString,
      user_id_card: Schema.optionalWith(Sensitive.EncryptedString, { exact: true })
    })
    const Batch = Schema.Struct({
      out_batch_no: Schema.String,
      transfer_detail_list: Schema.Array(Detail).pipe(Schema.maxItems(3000))
    }).pipe(Schema.filter(() => true))
    assert.deepStrictEqual(Sensitive.paths(Batch), [
      ["transfer_detail_list", "*", "user_name"],
      ["transfer_detail_list", "*", "user_id_card"]
    ])
    const Answer = Schema.Union(
      Schema.Struct({ batch_id: Schema.String, username: Schema.optional(Sensitive.DecryptedString) }),
      Schema.Struct({ out_batch_no: Schema.String })
    )
    assert.deepStrictEqual(Sensitive.paths(Answer.ast), [["username"]])
    assert.deepStrictEqual(Sensitive.paths(Schema.Struct({ openid: Schema.String })), [])
  })
})

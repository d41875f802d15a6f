import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"

const Answer = Schema.Struct({ openid: Schema.String })

describe("Endpoint.make", () => {
  it("reads path parameters from the template and finds encrypted fields", () => {
    const plain = Endpoint.make({
      name: "Test.get",
      method: "GET",
      path: "/v3/things/{openid}",
      query: ["sub_mchid"],
      request: Schema.Struct({ openid: Schema.String, sub_mchid: Schema.String }),
      response: Answer
    })
    assert.deepStrictEqual(plain.pathParams, ["openid"])
    assert.isFalse(plain.encrypted)
    const secret = Endpoint.make({
      name: "Test.post",
      method: "POST",
      path: "/v3/things",
      request: Schema.Struct({
        openid: Schema.String,
        list: Schema.Array(Schema.Struct({ user_name: Schema.optional(Sensitive.EncryptedString) }))
      }).pipe(Schema.filter(() => true)),
      response: Answer
    })
    assert.isTrue(secret.encrypted)
  })

  it("throws when a declaration would drop or invent a field", () => {
    assert.throws(
      () =>
        Endpoint.make({
          name: "Test.get",
          method: "GET",
          path: "/v3/things/{openid}",
          request: Schema.Struct({ openid: Schema.String, sub_mchid: Schema.String }),
          response: Answer
        }),
      /GET has no body for sub_mchid/
    )
    assert.throws(
      () =>
        Endpoint.make({
          name: "Test.get",
          method: "GET",
          path: "/v3/things/{open_id}",
          request: Schema.Struct({ openid: Schema.String }),
          response: Answer
        }),
      /no request field open_id/
    )
  })
})

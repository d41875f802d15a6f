import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { answering } from "./utils/answering.js"

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

describe("Endpoint echo", () => {
  const Nested = Schema.Struct({
    transfer_batch: Schema.Struct({ out_batch_no: Schema.String, batch_status: Schema.String })
  })
  const getBatch = Endpoint.toCall(Endpoint.make({
    name: "Test.getBatch",
    method: "GET",
    path: "/v3/transfer/batches/out-batch-no/{out_batch_no}",
    request: Schema.Struct({ out_batch_no: Schema.String }),
    response: Nested,
    echo: [{ request: "out_batch_no", answer: "transfer_batch.out_batch_no" }]
  }))

  it("make throws when an echo names no answer field", () => {
    assert.throws(
      () =>
        Endpoint.make({
          name: "Test.getBatch",
          method: "GET",
          path: "/v3/transfer/batches/out-batch-no/{out_batch_no}",
          request: Schema.Struct({ out_batch_no: Schema.String }),
          response: Nested,
          echo: [{ request: "out_batch_no", answer: "transfer_batch.out_batch_id" }]
        }),
      /no answer field transfer_batch.out_batch_id/
    )
  })

  it.effect("a nested answer field binds the answer: another batch's answer fails as EchoMismatch naming the path", () =>
    Effect.gen(function*() {
      const answer = (outBatchNo: string) => () =>
        JSON.stringify({ transfer_batch: { out_batch_no: outBatchNo, batch_status: "FINISHED" } })
      const own = yield* getBatch({ out_batch_no: "plfk2020042013" }).pipe(
        Effect.provide(yield* answering(answer("plfk2020042013")))
      )
      assert.strictEqual(own.transfer_batch.batch_status, "FINISHED")
      const error = yield* Effect.flip(
        getBatch({ out_batch_no: "plfk2020042013" }).pipe(Effect.provide(yield* answering(answer("plfk2020042099"))))
      )
      assert.strictEqual(error._tag, "ResponseVerificationError")
      if (error._tag === "ResponseVerificationError") {
        assert.strictEqual(error.reason, "EchoMismatch")
        assert.include(error.message, "transfer_batch.out_batch_no differs")
      }
    }))
})

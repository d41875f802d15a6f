import { WeChatPay } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxHttpClient, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, TestClock } from "effect"
import * as Crypto from "node:crypto"
import { makeRequest, USER_NAME } from "./fixtures.js"

/**
 * Recorded-style answers through the four new calls: the simulator answers, then the answer's JSON is rewritten the
 * way WeChat might send it (a field added, an informational field left out, an enum value the SDK does not know, a
 * field the program relies on missing) and signed again with the platform key, so it passes the real verification
 * and reaches the call's own decoding.
 */
type Json = Record<string, unknown>

let rewrite: ((answer: Json) => Json) | undefined

/** Runs `effect` with every 200 answer rewritten by `f`. */
const answering = <A, E, R>(f: (answer: Json) => Json, effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      rewrite = f
    }),
    () => effect,
    () =>
      Effect.sync(() => {
        rewrite = undefined
      })
  )

const rewriting = (client: HttpClient.HttpClient, platformPrivateKey: string) =>
  HttpClient.transformResponse(client, (answer) =>
    Effect.flatMap(answer, (response) =>
      Effect.gen(function*() {
        const f = rewrite
        if (f === undefined || response.status !== 200) return response
        const body = JSON.stringify(f((yield* response.json) as Json))
        const timestamp = response.headers["wechatpay-timestamp"]!
        const nonce = response.headers["wechatpay-nonce"]!
        const signature = Crypto.sign("sha256", Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), platformPrivateKey)
        const headers = new Headers(response.headers as Record<string, string>)
        headers.delete("content-length")
        headers.set("wechatpay-signature", signature.toString("base64"))
        return HttpClientResponse.fromWeb(response.request, new Response(body, { status: 200, headers }))
      })))

/** The sandbox, with answers rewritten and re-signed on their way back. */
const Recorded = Layer.unwrapEffect(
  Effect.map(TestKeys.generateSet(), (keys) => {
    const simulator = Simulator.layer(keys)
    const transport = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(SandboxHttpClient.make, (client) => rewriting(client, keys.platformPrivateKey))
    ).pipe(Layer.provide(simulator))
    const client = WeChatPay.layer({
      mchid: keys.mchid,
      merchantSerialNo: keys.merchantSerialNo,
      merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
      platformPublicKeyId: keys.platformPublicKeyId,
      platformPublicKey: keys.platformPublicKey
    }).pipe(Layer.provide(transport))
    // One simulator for the client's transport and for the test (Layer memoizes it by reference).
    return Layer.mergeAll(client, simulator, Layer.succeed(Sandbox.Sandbox, keys))
  })
)

const without = (...fields: ReadonlyArray<string>) => (answer: Json): Json => {
  const copy = { ...answer }
  for (const field of fields) delete copy[field]
  return copy
}
const extra = (answer: Json): Json => ({ ...answer, field_added_later: { nested: [1, 2] } })

// 2020-12-25 12:00 in Beijing.
const NOON = Date.UTC(2020, 11, 25, 4)
const WORKER = { openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58", sub_mchid: "1900000109", sub_appid: "wxa1111111111111" }

const token = () =>
  PayrollCard.createToken({
    ...WORKER,
    user_name: Redacted.make(USER_NAME),
    id_card_number: Redacted.make("110101199003072316")
  })

let sequence = 0
const preOrder = () =>
  PayrollCard.preOrder({
    ...WORKER,
    authenticate_number: `recorded${sequence++}`,
    project_name: "某项目",
    employer_name: "某用工企业"
  })

const batch = () =>
  PayrollCard.createTransferBatch({
    sub_mchid: WORKER.sub_mchid,
    sub_appid: "wxf636efh567hg4356",
    authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
    out_batch_no: `plfk${sequence++}`,
    batch_name: "2019年1月深圳分部报销单",
    batch_remark: "2019年1月深圳分部报销单",
    total_amount: 1000,
    total_num: 1,
    transfer_detail_list: [{
      out_detail_no: "x23zy545Bd5436",
      transfer_amount: 1000,
      transfer_remark: "报销",
      openid: "o1"
    }]
  })

// WeChat's documentation example of an AuthenticationEntity.
const RECORDED_CHECK = {
  mchid: "1111111",
  sub_mchid: WORKER.sub_mchid,
  openid: WORKER.openid,
  authenticate_scene: "FROM_MINI_APP",
  authenticate_source: "wdiooewl7587443649000",
  project_name: "某项目",
  employer_name: "某用工企业",
  authenticate_state: "AUTHENTICATE_SUCCESS",
  authenticate_time: "2015-05-20T13:29:35+08:00",
  authenticate_number: "mcdhehfgisdhfjghed39384564i83",
  authenticate_type: "NORMAL"
}
const list = () => PayrollCard.listAuthentications({ ...WORKER, authenticate_date: "2020-12-25", limit: 10 })
const page = (data: ReadonlyArray<Json>) => (_simulated: Json): Json => ({
  data,
  total_count: data.length,
  offset: 0,
  limit: data.length
})

const unexpected = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => error._tag)

describe("the new calls' answers, recorded-style, through the real verification", () => {
  it.layer(Recorded)((it) => {
    it.effect("createToken: an extra field and a missing mchid decode; no token or expires_in is UnexpectedResponse", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const added = yield* answering(extra, token())
        assert.notProperty(added, "field_added_later")
        assert.strictEqual(added.openid, WORKER.openid)
        const informational = yield* answering(without("mchid"), token())
        assert.isUndefined(informational.mchid)
        for (const field of ["token", "expires_in", "openid", "sub_mchid"]) {
          assert.strictEqual(yield* unexpected(answering(without(field), token())), "UnexpectedResponse", field)
        }
      }))

    it.effect("preOrder: an extra field decodes; no token, expires_in or echoed number is UnexpectedResponse", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* PayrollCard.preOrderWithAuth(makeRequest({ ...WORKER, authenticate_number: "authorise1" }))
        yield* Simulator.complete("authorise1", "SUCCESS")
        const added = yield* answering(extra, preOrder())
        assert.notProperty(added, "field_added_later")
        for (const field of ["token", "expires_in", "authenticate_number"]) {
          assert.strictEqual(yield* unexpected(answering(without(field), preOrder())), "UnexpectedResponse", field)
        }
      }))

    it.effect("listAuthentications: unknown states and scenes, missing informational fields and no data decode", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const recorded = yield* answering(page([extra(RECORDED_CHECK)]), list())
        assert.strictEqual(recorded.data[0]!.authenticate_number, RECORDED_CHECK.authenticate_number)
        const unknown = yield* answering(
          page([{ ...RECORDED_CHECK, authenticate_state: "AUTHENTICATE_REVOKED", authenticate_scene: "FROM_WATCH" }]),
          list()
        )
        assert.strictEqual(unknown.data[0]!.authenticate_state, "AUTHENTICATE_REVOKED")
        const sparse = yield* answering(
          page([without("mchid", "authenticate_scene", "authenticate_source", "authenticate_time")(RECORDED_CHECK)]),
          list()
        )
        assert.strictEqual(sparse.data[0]!.authenticate_state, "AUTHENTICATE_SUCCESS")
        // An empty day as Go's omitempty sends it: no data, no limit.
        const empty = yield* answering(() => ({ total_count: 0, offset: 0 }), list())
        assert.deepStrictEqual(empty.data, [])
        for (const field of ["total_count", "offset"]) {
          assert.strictEqual(
            yield* unexpected(answering((answer) => without(field)(page([RECORDED_CHECK])(answer)), list())),
            "UnexpectedResponse",
            field
          )
        }
        const noState = page([without("authenticate_state")(RECORDED_CHECK)])
        assert.strictEqual(yield* unexpected(answering(noState, list())), "UnexpectedResponse")
      }))

    it.effect("createTransferBatch: no create_time decodes; no batch_id or out_batch_no is UnexpectedResponse", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const added = yield* answering(extra, batch())
        assert.match(added.batch_id, /^\d+$/)
        const informational = yield* answering(without("create_time"), batch())
        assert.isUndefined(informational.create_time)
        for (const field of ["batch_id", "out_batch_no"]) {
          assert.strictEqual(yield* unexpected(answering(without(field), batch())), "UnexpectedResponse", field)
        }
      }))
  })
})

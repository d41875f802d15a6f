import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit, Option } from "effect"
import * as fc from "fast-check"
import * as Router from "../src/internal/router.js"
import { State } from "../src/internal/state.js"
import * as Store from "../src/internal/store.js"
import { BoundedMap } from "../src/internal/store.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, json, nonce, provideSimulator, request, send, validFields } from "./fixtures.js"

const keys = await generateKeys()
const SUB_MCHID = "1900000109"

const preOrder = (number: string, openid = "onqOjjmo8wmTOOtSKwXtGjg9Gb58") =>
  Effect.flatMap(
    request(keys, { fields: validFields(keys, { authenticate_number: number, openid }) }),
    (req) =>
      Effect.map(send(req), ({ response }) => {
        assert.strictEqual(response.status, 200, response.body)
        return json(response).token as string
      })
  )

const get = (url: string, extra: Parameters<typeof request>[1] = {}) =>
  Effect.flatMap(
    request(keys, {
      method: "GET",
      url,
      ...extra,
      headers: { "Content-Type": undefined, "Wechatpay-Serial": undefined }
    }),
    (req) => Effect.map(send(req), ({ response }) => response)
  )

const authentication = (number: string) => `/v3/payroll-card/authentications/${number}?sub_mchid=${SUB_MCHID}`
const relation = (openid: string) => `/v3/payroll-card/relations/${openid}?sub_mchid=${SUB_MCHID}&appid=wxa1111111`

describe("state bounds", () => {
  it.effect("maxChecks: the oldest identity check is forgotten first", () =>
    Effect.gen(function*() {
      yield* atEpoch
      for (const number of ["A1", "A2", "A3"]) yield* preOrder(number)
      const forgotten = yield* get(authentication("A1"))
      assert.strictEqual(forgotten.status, 404, forgotten.body)
      assert.strictEqual(json(forgotten).code, "ORDER_NOT_EXIST")
      for (const number of ["A2", "A3"]) {
        const kept = yield* get(authentication(number))
        assert.strictEqual(json(kept).authenticate_state, "AUTHENTICATE_PROCESSING", kept.body)
      }
      const simulator = yield* Simulator.Simulator
      const error = yield* Effect.flip(simulator.completeCheck("A1", "SUCCESS"))
      assert.strictEqual(error._tag, "CheckNotProcessing")
      assert.isTrue(Option.isNone(error.state))
      assert.include(error.message, "never pre-ordered")
    }).pipe(provideSimulator(keys, { maxChecks: 2 })))

  it.effect("maxRelations: the oldest authorised relation reads as UNAUTHORIZED again", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* preOrder("B1", "openidB1")
      yield* preOrder("B2", "openidB2")
      yield* Simulator.complete("B1", "SUCCESS")
      yield* Simulator.complete("B2", "SUCCESS")
      assert.strictEqual(json(yield* get(relation("openidB1"))).authorize_state, "UNAUTHORIZED")
      assert.strictEqual(json(yield* get(relation("openidB2"))).authorize_state, "AUTHORIZED")
    }).pipe(provideSimulator(keys, { maxRelations: 1 })))

  it.effect("maxNonces: replay memory holds the newest nonces only", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const nonces = [nonce(), nonce(), nonce()]
      for (const n of nonces) {
        const response = yield* get(relation("openidC"), { nonce: n })
        assert.strictEqual(response.status, 200, response.body)
      }
      // The newest two are remembered: a replay is refused.
      for (const n of nonces.slice(1)) {
        const replay = yield* get(relation("openidC"), { nonce: n })
        assert.strictEqual(replay.status, 401, replay.body)
        assert.strictEqual(json(replay).detail.issue, "nonce replayed")
      }
      // The oldest fell out of the bounded memory (as documented on Options.maxNonces), so it is not remembered.
      const forgotten = yield* get(relation("openidC"), { nonce: nonces[0] })
      assert.strictEqual(forgotten.status, 200, forgotten.body)
    }).pipe(provideSimulator(keys, { maxNonces: 2 })))

  it.effect("maxIdempotencyRecords: a forgotten record issues a fresh token; a kept one the same", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const first = yield* preOrder("D1")
      assert.strictEqual(yield* preOrder("D1"), first)
      yield* preOrder("D2")
      assert.notStrictEqual(yield* preOrder("D1"), first)
    }).pipe(provideSimulator(keys, { maxIdempotencyRecords: 1 })))

  it.effect("a limit that is not a positive integer is a defect at construction", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Simulator.make({ ...keys, maxChecks: 0 }))
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.prop(
    "BoundedMap never holds more than its limit and keeps the newest keys",
    [fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 })],
    ([limit, keys]) => {
      const map = new BoundedMap<number, number>(limit)
      const order: Array<number> = []
      for (const key of keys) {
        if (!order.includes(key)) order.push(key)
        map.set(key, key)
        while (order.length > limit) order.shift()
        assert.isAtMost(map.size, limit)
      }
      for (const key of order) assert.isTrue(map.has(key))
      assert.strictEqual(map.size, order.length)
    }
  )
})

describe("route table", () => {
  const router = Router.make([
    { method: "GET", path: "/v3/things/{id}", handle: "get" },
    { method: "POST", path: "/v3/things/{id}", handle: "post" },
    { method: "POST", path: "/v3/things/batch", handle: "batch" },
    { method: "GET", path: "/v3/things/{id}/parts/{part}", handle: "part" }
  ], ["/v3/things/soon"])

  it("matches by method and pattern and captures parameters still encoded", () => {
    const match = Either.getOrThrow(router.find("GET", "/v3/things/a%2Fb/parts/7"))
    assert.strictEqual(match.route.handle, "part")
    assert.deepStrictEqual(match.params, { id: "a%2Fb", part: "7" })
    assert.strictEqual(Either.getOrThrow(router.find("POST", "/v3/things/9")).route.handle, "post")
  })

  it("a literal segment beats a parameter; its other methods are 405 with Allow", () => {
    assert.strictEqual(Either.getOrThrow(router.find("POST", "/v3/things/batch")).route.handle, "batch")
    const problem = Either.getLeft(router.find("GET", "/v3/things/batch")).pipe(Option.getOrThrow)
    assert.strictEqual(problem.status, 405)
    assert.deepStrictEqual(problem.headers, { Allow: "POST" })
    const both = Either.getLeft(router.find("DELETE", "/v3/things/1")).pipe(Option.getOrThrow)
    assert.deepStrictEqual(both.headers, { Allow: "GET, POST" })
  })

  it("unserved paths, empty segments and unknown paths are 404", () => {
    for (const path of ["/v3/things/soon", "/v3/things/", "/v3/things/1/parts/", "/v3/nope", "/v3/things/1/x"]) {
      const problem = Either.getLeft(router.find("GET", path)).pipe(Option.getOrThrow)
      assert.strictEqual(problem.status, 404, path)
      assert.strictEqual(problem.code, "RESOURCE_NOT_EXISTS")
    }
  })
})

describe("declared stores", () => {
  it("a declared store is its key's own, bounded by the limit it picks, pruned by its rule, emptied by reset", () => {
    const limits = { received: 1, receivedBytes: 1, checks: 2, relations: 1, nonces: 1, idempotency: 1, batches: 1 }
    const A = Store.key(
      "same",
      (l) => new BoundedMap<string, number>(l.checks),
      (expiresAt, _, now) => expiresAt <= now
    )
    const B = Store.key("same", (l) => new BoundedMap<string, number>(l.relations))
    const state = new State(limits)
    state.store(A).set("x", 100).set("y", 200).set("z", 300)
    state.store(B).set("x", 1)
    assert.deepStrictEqual([...state.store(A).values()], [200, 300])
    assert.deepStrictEqual([...state.store(B).values()], [1])
    state.prune(250)
    assert.deepStrictEqual([...state.store(A).values()], [300])
    assert.deepStrictEqual([...state.store(B).values()], [1])
    state.reset()
    assert.strictEqual(state.store(A).size + state.store(B).size, 0)
    assert.throws(() => new State({ ...limits, batches: 0 }), RangeError)
  })
})

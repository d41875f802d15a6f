import { PayrollCard, type PreOrder } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream, TestClock } from "effect"
import { makeRequest } from "./fixtures.js"

/**
 * `PayrollCard.streamAuthentications` against the simulator: every check of a day, one `listAuthentications` call per
 * page, pulled lazily, through the real signing and verification.
 */

// 2020-12-25 12:00 in Beijing.
const NOON = Date.UTC(2020, 11, 25, 4)
const WORKER = { openid: "oWorkerStream0001", sub_mchid: "1900000109", sub_appid: "wxa1111111111111" }
const DAY = { ...WORKER, authenticate_date: "2020-12-25" }
const LIST_PATH = "/v3/payroll-card/authentications?"

const preOrderRequest = (number: string): PreOrder.PreOrderRequest => ({
  ...WORKER,
  authenticate_number: number,
  project_name: "城市配送",
  employer_name: "某某物流有限公司"
})

/** A day with `count` successful checks (the first one authorises the worker), one a minute from noon. */
const seedDay = (count: number) =>
  Effect.gen(function*() {
    yield* Simulator.reset
    yield* TestClock.setTime(NOON)
    yield* PayrollCard.preOrderWithAuth(makeRequest({ ...WORKER, authenticate_number: "check0" }))
    yield* Simulator.complete("check0", "SUCCESS")
    for (let n = 1; n < count; n++) {
      yield* TestClock.adjust("1 minute")
      yield* PayrollCard.preOrder(preOrderRequest(`check${n}`))
      yield* Simulator.complete(`check${n}`, "SUCCESS")
    }
  })

const listCalls = Effect.map(Simulator.received, (all) => all.filter((r) => r.url.startsWith(LIST_PATH)))

const numbers = (request: Parameters<typeof PayrollCard.streamAuthentications>[0]) =>
  PayrollCard.streamAuthentications(request).pipe(
    Stream.map((check) => check.authenticate_number),
    Stream.runCollect,
    Effect.map(Chunk.toArray)
  )

describe("PayrollCard.streamAuthentications", () => {
  it.layer(Sandbox.layer())((it) => {
    it.effect("streams every check of a day over several pages, in order, one call a page", () =>
      Effect.gen(function*() {
        yield* seedDay(23)
        const all = yield* numbers({ ...DAY, limit: 10 })
        assert.deepStrictEqual(all, Array.from({ length: 23 }, (_, n) => `check${n}`))
        const calls = yield* listCalls
        assert.deepStrictEqual(
          calls.map((r) => new URL(r.url, "http://x").searchParams.get("offset")),
          [null, "10", "20"]
        )
        // Smaller pages, the same checks.
        assert.deepStrictEqual(yield* numbers({ ...DAY, limit: 7 }), all)
      }))

    it.effect("a day that fills its last page exactly ends without asking for an empty page", () =>
      Effect.gen(function*() {
        yield* seedDay(20)
        const all = yield* numbers({ ...DAY, limit: 10 })
        assert.strictEqual(all.length, 20)
        assert.strictEqual((yield* listCalls).length, 2)
      }))

    it.effect("starts at the request's offset", () =>
      Effect.gen(function*() {
        yield* seedDay(12)
        const rest = yield* numbers({ ...DAY, offset: 5, limit: 4 })
        assert.deepStrictEqual(rest, ["check5", "check6", "check7", "check8", "check9", "check10", "check11"])
      }))

    it.effect("an empty day is an empty stream after one call", () =>
      Effect.gen(function*() {
        yield* seedDay(3)
        const none = yield* numbers({ ...DAY, authenticate_date: "2020-12-24", limit: 10 })
        assert.deepStrictEqual(none, [])
        const calls = yield* listCalls
        assert.strictEqual(calls.length, 1)
        assert.include(calls[0]!.url, "authenticate_date=2020-12-24")
      }))

    it.effect("pages are fetched as the stream is pulled: three checks need one page", () =>
      Effect.gen(function*() {
        yield* seedDay(23)
        const first = yield* PayrollCard.streamAuthentications({ ...DAY, limit: 10 }).pipe(
          Stream.take(3),
          Stream.runCollect
        )
        assert.strictEqual(Chunk.size(first), 3)
        assert.strictEqual((yield* listCalls).length, 1)
      }))

    it.effect("an invalid first request fails the stream with RequestValidationError and sends nothing", () =>
      Effect.gen(function*() {
        yield* seedDay(1)
        const before = (yield* Simulator.received).length
        const outside = yield* Effect.flip(numbers({ ...DAY, authenticate_date: "2020-09-01" }))
        assert.strictEqual(outside._tag, "RequestValidationError")
        const tooBig = yield* Effect.flip(numbers({ ...DAY, limit: 11 }))
        assert.strictEqual(tooBig._tag, "RequestValidationError")
        if (tooBig._tag === "RequestValidationError") {
          assert.deepStrictEqual(tooBig.issues.map((issue) => issue.path), ["limit"])
        }
        assert.strictEqual((yield* Simulator.received).length, before)
      }))

    it.effect("a page that fails fails the stream with that call's error", () =>
      Effect.gen(function*() {
        yield* seedDay(15)
        const seen: Array<string> = []
        // The first page is served, the second is refused.
        const stream = PayrollCard.streamAuthentications({ ...DAY, limit: 10 }).pipe(
          Stream.tap((check) =>
            Effect.gen(function*() {
              seen.push(check.authenticate_number)
              // The next request is the second page's: WeChat refuses it.
              if (seen.length === 1) yield* Simulator.inject(Simulator.Fault.ApiError({ code: "PARAM_ERROR" }))
            })
          )
        )
        const error = yield* Effect.flip(Stream.runDrain(stream))
        assert.strictEqual(error._tag, "PARAM_ERROR")
        assert.strictEqual(seen.length, 10)
      }))
  })
})

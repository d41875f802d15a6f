import { Helper } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Either, Redacted, Schema, Stream } from "effect"

// A helper is data: its request and tuning schemas check what a tool was given before anything runs.
const ByKey = Schema.Union(
  Schema.Struct({ batch_id: Schema.String }),
  Schema.Struct({ out_batch_no: Schema.String, limit: Schema.optional(Schema.Int) })
)
const awaitBatch = Helper.awaiting({
  description: "waits",
  request: ByKey,
  options: Schema.Struct({ interval: Schema.optionalWith(Helper.DurationString, { exact: true }) }),
  run: (request, options) =>
    Effect.succeed({ key: "batch_id" in request ? request.batch_id : request.out_batch_no, options })
})

class StillRunning extends Schema.TaggedError<StillRunning>()("StillRunning", {}) {}
const run = (request: string) => request.length > 0 ? Effect.succeed(request) : Effect.fail(new StillRunning())

describe("Helper", () => {
  it("gaveUp names tags of run's errors: checked by the compiler (npm run check), the errors inferred", () => {
    const right = Helper.awaiting({
      description: "waits",
      request: Schema.String,
      options: Helper.NoOptions,
      run,
      gaveUp: ["StillRunning"]
    })
    const any: Helper.Any = right
    assert.deepStrictEqual(any._tag === "Await" && any.gaveUp, ["StillRunning"])
    const wrong = Helper.awaiting({
      description: "waits",
      request: Schema.String,
      options: Helper.NoOptions,
      run,
      gaveUp: ["Stil"]
    })
    // @ts-expect-error a tag run never fails with: the result is a message, not a helper
    const notAHelper: Helper.Any = wrong
    assert.strictEqual(typeof notAHelper, "object")
  })

  it("DurationString reads what Duration reads, and refuses the rest and negatives", () => {
    const decode = Schema.decodeUnknownEither(Helper.DurationString)
    assert.strictEqual(Either.map(decode("1.5 minutes"), Duration.toMillis).pipe(Either.getOrThrow), 90_000)
    assert.strictEqual(Either.map(decode("250 millis"), Duration.toMillis).pipe(Either.getOrThrow), 250)
    for (const bad of ["soon", "5s", "-1 seconds", "", 5]) assert.isTrue(Either.isLeft(decode(bad)), String(bad))
    assert.strictEqual(Schema.encodeSync(Helper.DurationString)(Duration.seconds(5)), "5000 millis")
  })

  it.effect("decodeInput picks the union member the request matches, decodes the tuning, refuses both keys", () =>
    Effect.gen(function*() {
      const decode = Helper.decodeInput(awaitBatch)
      const input = yield* decode({ request: { out_batch_no: "b1" }, options: { interval: "2 seconds" } })
      assert.deepStrictEqual(input.request, { out_batch_no: "b1" })
      assert.strictEqual(Duration.toMillis(input.options.interval!), 2000)
      const answer = yield* awaitBatch.run(input.request, input.options)
      assert.strictEqual(answer.key, "b1")
      const both = yield* Effect.flip(decode({ request: { batch_id: "x", out_batch_no: "b1" }, options: {} }))
      assert.strictEqual(both._tag, "RequestValidationError")
      const soon = yield* Effect.flip(decode({ request: { batch_id: "x" }, options: { interval: "soon" } }))
      assert.deepStrictEqual(soon.issues.map((i) => i.path), ["interval"])
      assert.match(soon.message, /^invalid request, nothing sent: interval: a duration such as "5 seconds"/)
    }))

  it.effect("a sensitive request field is never quoted in a refusal; a stream helper takes no options by default", () =>
    Effect.gen(function*() {
      const helper = Helper.streaming({
        description: "reads",
        request: Schema.Struct({ user_name: Schema.RedactedFromSelf(Schema.String), n: Schema.Int }),
        run: (request) => Stream.make(request.n)
      })
      assert.deepStrictEqual(
        Helper.decodeInput(helper)({ request: {}, options: {} }).pipe(
          Effect.flip,
          Effect.map((e) => e.issues.map((i) => i.path)),
          Effect.runSync
        ),
        ["user_name", "n"]
      )
      const refused = yield* Effect.flip(
        Helper.decodeInput(helper)({ request: { user_name: Redacted.make("张秘密"), n: 1.5 }, options: { x: 1 } })
      )
      assert.notInclude(refused.message, "张秘密")
      const input = yield* Helper.decodeInput(helper)({
        request: { user_name: Redacted.make("张三"), n: 2 },
        options: {}
      })
      assert.deepStrictEqual(
        yield* Stream.runCollect(helper.run(input.request, input.options)).pipe(Effect.map((c) => [...c])),
        [2]
      )
    }))
})

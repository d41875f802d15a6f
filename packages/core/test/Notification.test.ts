import { Notification, NotificationStore, Verifier } from "@effect-wechatpay/core"
import { HttpServerRequest, KeyValueStore } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Logger, Redacted, Schema, TestClock } from "effect"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { generateKeyPair } from "./utils/keys.js"
import { API_V3_KEY, build as buildAt, OPENID, resource, SERIAL } from "./utils/notifications.js"
import { recording } from "./utils/tracer.js"

const NOW = 1_700_000_000

const Transaction = Schema.Struct({
  out_trade_no: Schema.String,
  trade_state: Schema.Literal("SUCCESS", "REFUND", "NOTPAY"),
  payer: Schema.Struct({ openid: Schema.String }),
  amount: Schema.Struct({ total: Schema.Number })
})

const build = (options: Omit<Parameters<typeof buildAt>[0], "timestamp"> & { readonly timestamp?: number }) =>
  buildAt({ ...options, timestamp: options.timestamp ?? NOW })

const keys = Effect.cached(Effect.all([generateKeyPair, generateKeyPair]))

const setup = Effect.gen(function*() {
  yield* TestClock.setTime(NOW * 1000)
  const [platform, other] = yield* yield* keys
  const layer = Notification.layer({ apiV3Key: Redacted.make(API_V3_KEY) }).pipe(
    Layer.provide(Layer.orDie(Verifier.layer({ publicKeys: { [SERIAL]: platform.publicKey } })))
  )
  return { platform, other, layer }
})

const leaks = (text: string) => [API_V3_KEY, OPENID, "1217752501201407033233368018"].filter((s) => text.includes(s))

describe("Notification", () => {
  it.effect("decode verifies, decrypts and decodes a notification built by wechatpay-axios-plugin", () =>
    Effect.gen(function*() {
      const { layer, platform } = yield* setup
      const decoded = yield* Notification.decode(build({ key: platform.privateKey }), Transaction).pipe(
        Effect.provide(layer)
      )
      assert.strictEqual(decoded.id, "EV-2018022511223320873")
      assert.strictEqual(decoded.event_type, "TRANSACTION.SUCCESS")
      assert.strictEqual(decoded.create_time, "2015-05-20T13:29:35+08:00")
      assert.strictEqual(decoded.summary, "支付成功")
      assert.strictEqual(decoded.resource.payer.openid, OPENID)
      assert.strictEqual(decoded.resource.amount.total, 100)
      // Raw bytes, as a server hands them over, decode the same.
      const signed = build({ key: platform.privateKey })
      const again = yield* Notification.decode({ ...signed, body: new TextEncoder().encode(signed.body) }, Transaction)
        .pipe(Effect.provide(layer))
      assert.strictEqual(again.resource.trade_state, "SUCCESS")
    }))

  it.effect("tampered, stale, wrong-key, unknown-serial, probe, undecryptable and off-schema ones fail with reasons", () =>
    Effect.gen(function*() {
      const { layer, other, platform } = yield* setup
      const good = build({ key: platform.privateKey })
      const cases: Array<[string, Notification.Input]> = [
        ["BadSignature", { ...good, body: good.body.replace("TRANSACTION.SUCCESS", "TRANSACTION.REFUND") }],
        ["StaleTimestamp", build({ key: platform.privateKey, timestamp: NOW - 300 })],
        ["BadSignature", build({ key: other.privateKey })],
        ["UnknownSerial", build({ key: other.privateKey, serial: "PUB_KEY_ID_0100000000000999" })],
        ["SignatureProbe", { ...good, headers: { ...good.headers, "Wechatpay-Signature": "WECHATPAY/SIGNTEST/abc=" } }],
        ["MissingHeaders", { ...good, headers: { ...good.headers, "Wechatpay-Nonce": "" } }],
        ["Decryption", build({ key: platform.privateKey, apiV3Key: "0123456789abcdef0123456789abcdef" })],
        ["Schema", build({ key: platform.privateKey, plaintext: { ...resource, trade_state: "PAID" } })],
        ["Schema", build({ key: platform.privateKey, plaintext: "not an object" })]
      ]
      const notJson = "{\"id\":1}"
      const signedJunk = build({ key: platform.privateKey })
      const timestamp = signedJunk.headers["Wechatpay-Timestamp"]!
      const nonce = signedJunk.headers["Wechatpay-Nonce"]!
      cases.push(["Malformed", {
        body: notJson,
        headers: {
          ...signedJunk.headers,
          "Wechatpay-Signature": Rsa.sign(
            Formatter.response(timestamp, nonce, notJson),
            Rsa.from(platform.privateKey, "private")
          )
        }
      }])
      for (const [expected, input] of cases) {
        const exit = yield* Effect.exit(Notification.decode(input, Transaction).pipe(Effect.provide(layer)))
        assert.isTrue(Exit.isFailure(exit), expected)
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause) as Notification.NotificationError
          assert.strictEqual(error.reason, expected)
          assert.deepStrictEqual(leaks(Cause.pretty(exit.cause) + JSON.stringify(error) + error.message), [], expected)
        }
      }
      const unconfigured = Notification.layer({ apiV3Key: undefined }).pipe(
        Layer.provide(Layer.orDie(Verifier.layer({ publicKeys: { [SERIAL]: platform.publicKey } })))
      )
      const error = yield* Effect.flip(Notification.decode(good, Transaction).pipe(Effect.provide(unconfigured)))
      assert.strictEqual(error.reason, "NotConfigured")
    }))

  it.effect("httpApp answers by status: 204 once per id, 4xx for refused, 500 for a failed handler, then retried", () =>
    Effect.gen(function*() {
      const { layer, other, platform } = yield* setup
      const handled: Array<string> = []
      let failNext = false
      const logs: Array<string> = []
      const makeApp = Notification.httpApp(Transaction, (n) =>
        Effect.suspend(() => {
          if (failNext) {
            failNext = false
            return Effect.fail({ _tag: "DatabaseDown", openid: n.resource.payer.openid })
          }
          handled.push(n.id)
          return Effect.void
        }))
      const post = (input: { readonly body: string; readonly headers: Record<string, string> }) =>
        Effect.gen(function*() {
          const request = new Request("http://merchant.test/notify", {
            method: "POST",
            headers: input.headers,
            body: input.body
          })
          const response = yield* Effect.provideService(
            yield* makeApp,
            HttpServerRequest.HttpServerRequest,
            HttpServerRequest.fromWeb(request)
          )
          const body = response.body._tag === "Uint8Array" ? new TextDecoder().decode(response.body.body) : ""
          return { status: response.status, body }
        })
      const run = Effect.gen(function*() {
        const first = build({ key: platform.privateKey, id: "EV-1" })
        assert.strictEqual((yield* post(first)).status, 204)
        // WeChat retries the same notification: acknowledged, not handled again.
        assert.strictEqual((yield* post(build({ key: platform.privateKey, id: "EV-1" }))).status, 204)
        assert.deepStrictEqual(handled, ["EV-1"])
        // A failing handler answers 500 and records nothing, so the retry runs it.
        failNext = true
        const failed = yield* post(build({ key: platform.privateKey, id: "EV-2" }))
        assert.strictEqual(failed.status, 500)
        assert.strictEqual(JSON.parse(failed.body).code, "FAIL")
        assert.strictEqual((yield* post(build({ key: platform.privateKey, id: "EV-2" }))).status, 204)
        assert.deepStrictEqual(handled, ["EV-1", "EV-2"])
        const tampered = yield* post({ ...first, body: first.body.replace("EV-1", "EV-3") })
        assert.strictEqual(tampered.status, 401)
        assert.deepStrictEqual(JSON.parse(tampered.body), {
          code: "FAIL",
          message: "BadSignature: the signature does not match the body"
        })
        assert.strictEqual((yield* post(build({ key: platform.privateKey, timestamp: NOW - 600 }))).status, 401)
        assert.strictEqual((yield* post(build({ key: other.privateKey }))).status, 401)
        assert.strictEqual(
          (yield* post({ ...first, headers: { "Wechatpay-Timestamp": String(NOW) } })).status,
          400
        )
        const huge = yield* post({ ...first, body: first.body + " ".repeat(2 * 1024 * 1024) })
        assert.strictEqual(huge.status, 413)
        assert.include(huge.body, "at most 1 MiB")
        const undecryptable = build({ key: platform.privateKey, apiV3Key: "0123456789abcdef0123456789abcdef" })
        assert.strictEqual((yield* post(undecryptable)).status, 400)
        const offSchema = yield* post(build({ key: platform.privateKey, plaintext: { ...resource, amount: "x" } }))
        assert.strictEqual(offSchema.status, 500)
        assert.deepStrictEqual(leaks(offSchema.body), [])
        assert.deepStrictEqual(handled, ["EV-1", "EV-2"])
      })
      const spans = recording()
      yield* run.pipe(
        Effect.provide(Layer.merge(layer, NotificationStore.layerMemory())),
        Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))),
        Effect.withTracer(spans.tracer)
      )
      assert.isTrue(logs.some((line) => line.includes("DatabaseDown")))
      assert.isTrue(logs.some((line) => line.includes("BadSignature")))
      assert.deepStrictEqual(leaks(logs.join("\n")), [])
      // Spans carry the id, the event type and the reason, never the key or the resource.
      assert.isTrue(spans.lines.some((line) => line.includes("wechatpay.notification.reason=BadSignature")))
      assert.isTrue(spans.lines.some((line) => line.includes("wechatpay.notification.id=EV-1")))
      assert.deepStrictEqual(leaks(spans.lines.join("\n")), [])
    }))

  it.effect("stores: the memory store is bounded and expires; the KeyValueStore adapter remembers per time to live", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW * 1000)
      const memory = yield* NotificationStore.makeMemory({ capacity: 2 })
      assert.isFalse(yield* memory.isHandled("a"))
      yield* memory.markHandled("a", "1 hour")
      assert.isTrue(yield* memory.isHandled("a"))
      yield* memory.markHandled("b", "1 hour")
      yield* memory.markHandled("c", "1 hour")
      // Past capacity the oldest is forgotten.
      assert.isFalse(yield* memory.isHandled("a"))
      assert.isTrue(yield* memory.isHandled("c"))
      yield* TestClock.adjust("2 hours")
      assert.isFalse(yield* memory.isHandled("c"))

      const shared = yield* NotificationStore.makeKeyValueStore().pipe(Effect.provide(KeyValueStore.layerMemory))
      assert.isFalse(yield* shared.isHandled("EV-1"))
      yield* shared.markHandled("EV-1", "1 hour")
      assert.isTrue(yield* shared.isHandled("EV-1"))
      yield* TestClock.adjust("61 minutes")
      assert.isFalse(yield* shared.isHandled("EV-1"))
    }))

  it.effect("httpApp fails when it is built without an APIv3 key, naming the option and the variable", () =>
    Effect.gen(function*() {
      const { platform } = yield* setup
      const unconfigured = Notification.layer({ apiV3Key: undefined }).pipe(
        Layer.provide(Layer.orDie(Verifier.layer({ publicKeys: { [SERIAL]: platform.publicKey } })))
      )
      const error = yield* Effect.flip(
        Notification.httpApp(Transaction, () => Effect.void).pipe(Effect.provide(unconfigured))
      )
      assert.strictEqual(error.reason, "NotConfigured")
      assert.include(error.message, "apiV3Key")
      assert.include(error.message, "WECHATPAY_API_V3_KEY")
    }))
})

import { Verifier } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import { generateKeyPair } from "./utils/keys.js"

const NOW = 1_700_000_000

describe("Verifier", () => {
  const setup = Effect.gen(function*() {
    yield* TestClock.setTime(NOW * 1000)
    const current = yield* generateKeyPair
    const previous = yield* generateKeyPair
    const verifier = yield* Verifier.make({
      publicKeys: {
        PUB_KEY_ID_0100000000000001: current.publicKey,
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1": previous.publicKey
      }
    })
    // Signed by the independent implementation, as WeChat would.
    const sign = (
      body: string,
      options: { key?: string; serial?: string; timestamp?: number; nonce?: string } = {}
    ) => {
      const timestamp = String(options.timestamp ?? NOW)
      const nonce = options.nonce ?? Formatter.nonce()
      return {
        status: 200,
        body,
        headers: {
          "wechatpay-timestamp": timestamp,
          "wechatpay-nonce": nonce,
          "wechatpay-serial": options.serial ?? "PUB_KEY_ID_0100000000000001",
          "wechatpay-signature": Rsa.sign(
            Formatter.response(timestamp, nonce, body),
            Rsa.from(options.key ?? current.privateKey, "private")
          ),
          "request-id": "08F78BB5AF0610D302A9E2C00E3E6CCC-0"
        } as Record<string, string>
      }
    }
    return { verifier, sign, previous }
  })

  const reason = (effect: Effect.Effect<void, { readonly reason: string }>) =>
    Effect.map(Effect.flip(effect), (e) => e.reason)

  it.effect("accepts a response signed by a known key, in public-key and certificate mode alike", () =>
    Effect.gen(function*() {
      const { previous, sign, verifier } = yield* setup
      yield* verifier.verify(sign("{\"token\":\"t\"}"))
      yield* verifier.verify(
        sign("{\"a\":\"名\"}", { key: previous.privateKey, serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1" })
      )
      // Raw bytes verify the same as the string.
      const signed = sign("{\"a\":\"名\"}")
      yield* verifier.verify({ ...signed, body: new TextEncoder().encode(signed.body) })
      // Header names in any case (a callback's raw headers).
      const upper = Object.fromEntries(
        Object.entries(signed.headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (s) => s.toUpperCase()), v])
      )
      yield* verifier.verify({ body: signed.body, headers: upper })
    }))

  it.effect("MissingHeaders for each absent header, a repeated header, or a non-numeric timestamp", () =>
    Effect.gen(function*() {
      const { sign, verifier } = yield* setup
      for (const name of ["wechatpay-timestamp", "wechatpay-nonce", "wechatpay-serial", "wechatpay-signature"]) {
        const signed = sign("{}")
        delete signed.headers[name]
        assert.strictEqual(yield* reason(verifier.verify(signed)), "MissingHeaders")
      }
      const signed = sign("{}")
      assert.strictEqual(
        yield* reason(verifier.verify({ ...signed, headers: { ...signed.headers, "wechatpay-serial": ["a", "b"] } })),
        "MissingHeaders"
      )
      assert.strictEqual(
        yield* reason(verifier.verify({ ...signed, headers: { ...signed.headers, "wechatpay-timestamp": "17e8" } })),
        "MissingHeaders"
      )
    }))

  it.effect("UnknownSerial, SignatureProbe, BadSignature", () =>
    Effect.gen(function*() {
      const { sign, verifier } = yield* setup
      const other = yield* generateKeyPair
      assert.strictEqual(yield* reason(verifier.verify(sign("{}", { serial: "PUB_KEY_ID_0199999" }))), "UnknownSerial")
      const probe = sign("{}")
      probe.headers["wechatpay-signature"] = `WECHATPAY/SIGNTEST/${probe.headers["wechatpay-signature"]}`
      assert.strictEqual(yield* reason(verifier.verify(probe)), "SignatureProbe")
      assert.strictEqual(yield* reason(verifier.verify(sign("{}", { key: other.privateKey }))), "BadSignature")
      const tampered = sign("{\"token\":\"a\"}")
      assert.strictEqual(yield* reason(verifier.verify({ ...tampered, body: "{\"token\":\"b\"}" })), "BadSignature")
      const notBase64 = sign("{}")
      notBase64.headers["wechatpay-signature"] = "%%%not-base64%%%"
      assert.strictEqual(yield* reason(verifier.verify(notBase64)), "BadSignature")
    }))

  it.effect("StaleTimestamp at 300 s of skew either way, by the Clock", () =>
    Effect.gen(function*() {
      const { sign, verifier } = yield* setup
      yield* verifier.verify(sign("{}", { timestamp: NOW - 299 }))
      yield* verifier.verify(sign("{}", { timestamp: NOW + 299 }))
      assert.strictEqual(yield* reason(verifier.verify(sign("{}", { timestamp: NOW - 300 }))), "StaleTimestamp")
      assert.strictEqual(yield* reason(verifier.verify(sign("{}", { timestamp: NOW + 300 }))), "StaleTimestamp")
      // The same response goes stale as the clock moves on.
      const signed = sign("{}")
      yield* verifier.verify(signed)
      yield* TestClock.adjust("300 seconds")
      const error = yield* Effect.flip(verifier.verify(signed))
      assert.strictEqual(error.reason, "StaleTimestamp")
      assert.strictEqual(error.requestId, "08F78BB5AF0610D302A9E2C00E3E6CCC-0")
    }))
})

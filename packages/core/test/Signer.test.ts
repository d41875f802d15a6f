import { Signer } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Redacted, TestClock } from "effect"
import * as Crypto from "node:crypto"
import { Formatter, Rsa } from "wechatpay-axios-plugin"
import * as Primitives from "../src/internal/crypto/primitives.js"
import * as Vectors from "./fixtures/WechatpayGo.js"
import { parseAuthorization } from "./utils/keys.js"

const options = {
  mchid: "1900000001",
  serialNo: "F5765756002FDD77",
  privateKey: Redacted.make(Vectors.privateKeyPem)
}

describe("Signer", () => {
  it("reproduces wechatpay-go's published SHA256withRSA vector", () => {
    const key = Primitives.parsePrivateKey(Vectors.privateKeyPem)
    assert.strictEqual(Primitives.signSync(key, Vectors.message), Vectors.signature)
  })

  it.effect("signs on the threadpool to the same bytes, queueing past its limit", () =>
    Effect.gen(function*() {
      const sign = Primitives.threadpoolSigner(Primitives.parsePrivateKey(Vectors.privateKeyPem), 1)
      const signatures = yield* Effect.all(Array.from({ length: 8 }, () => sign(Vectors.message)), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(signatures, Array.from({ length: 8 }, () => Vectors.signature))
      // A queued signature that is interrupted gives its place up; the rest still complete.
      const fibers = yield* Effect.forEach(Array.from({ length: 4 }, () => sign(Vectors.message)), Effect.fork)
      yield* Fiber.interrupt(fibers[2]!)
      for (const index of [0, 1, 3]) assert.strictEqual(yield* Fiber.join(fibers[index]!), Vectors.signature)
    }))

  it("builds the message exactly: every line ends in \\n, GET has an empty body line", () => {
    assert.strictEqual(
      Signer.message({ method: "GET", target: "/v3/certificates?a=1", body: "" }, 1554208460, "N0"),
      "GET\n/v3/certificates?a=1\n1554208460\nN0\n\n"
    )
    const bytes = Signer.message(
      { method: "POST", target: "/p", body: new TextEncoder().encode("{\"a\":\"张\"}") },
      1,
      "N"
    )
    assert.strictEqual(Buffer.from(bytes as Uint8Array).toString("utf8"), "POST\n/p\n1\nN\n{\"a\":\"张\"}\n")
    // The same message as the independent implementation's formatter.
    assert.strictEqual(
      Signer.message({ method: "POST", target: "/p", body: "{}" }, 1, "N"),
      Formatter.request("POST", "/p", 1, "N", "{}")
    )
  })

  it.effect("formats the header with the Clock's timestamp, a fresh 32-char nonce, and a signature the oracle verifies", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_123_456)
      const signer = yield* Signer.make(options)
      const body = JSON.stringify({ openid: "o", name: "密文" })
      for (const offload of [false, true]) {
        const header = Redacted.value(
          yield* signer.authorize({ method: "POST", target: "/v3/x?y=1", body }, { offload })
        )
        assert.match(
          header,
          /^WECHATPAY2-SHA256-RSA2048 mchid="[^"]+",nonce_str="[^"]+",timestamp="\d+",serial_no="[^"]+",signature="[^"]+"$/
        )
        const { params, scheme } = parseAuthorization(header)
        assert.strictEqual(scheme, "WECHATPAY2-SHA256-RSA2048")
        assert.strictEqual(params.mchid, "1900000001")
        assert.strictEqual(params.serial_no, "F5765756002FDD77")
        assert.strictEqual(params.timestamp, "1700000123")
        assert.match(params.nonce_str!, /^[A-Za-z0-9]{32}$/)
        const signed = Formatter.request("POST", "/v3/x?y=1", params.timestamp!, params.nonce_str!, body)
        assert.isTrue(Rsa.verify(signed, params.signature!, Rsa.from(Vectors.publicKeyPem, Rsa.KEY_TYPE_PUBLIC)))
        // Signed over the exact target and body: any change breaks it.
        assert.isFalse(
          Rsa.verify(
            signed.replace("y=1", "y=2"),
            params.signature!,
            Rsa.from(Vectors.publicKeyPem, Rsa.KEY_TYPE_PUBLIC)
          )
        )
      }
    }))

  it.effect("uses a fresh nonce per request", () =>
    Effect.gen(function*() {
      const signer = yield* Signer.make(options)
      const nonces = new Set<string>()
      for (let i = 0; i < 50; i++) {
        const header = Redacted.value(yield* signer.authorize({ method: "GET", target: "/", body: "" }))
        nonces.add(parseAuthorization(header).params.nonce_str!)
      }
      assert.strictEqual(nonces.size, 50)
    }))

  it.effect("redacts the header value and refuses a malformed key without echoing it", () =>
    Effect.gen(function*() {
      const signer = yield* Signer.make(options)
      const header = yield* signer.authorize({ method: "GET", target: "/", body: "" })
      assert.strictEqual(String(header), "<redacted>")
      assert.notInclude(JSON.stringify({ header }), "WECHATPAY2")

      // Not a key: PEM armour around junk (built up, so no scanner mistakes this file for one holding a key).
      const armour = "PRIVATE" + " KEY"
      const secret = `-----BEGIN ${armour}-----\nTOPSECRETMATERIAL\n-----END ${armour}-----`
      const error = yield* Effect.flip(Signer.make({ ...options, privateKey: Redacted.make(secret) }))
      assert.strictEqual(error._tag, "InvalidOptionError")
      assert.strictEqual(error.option, "merchantPrivateKey")
      assert.notInclude(`${error.message} ${JSON.stringify(error)} ${String(error)}`, "TOPSECRET")
    }))

  it.effect("refuses identifiers that could break the header", () =>
    Effect.gen(function*() {
      for (
        const [field, value] of [["mchid", "19\"00"], ["mchid", ""], ["serialNo", "A,B"], ["serialNo", "A B"], [
          "serialNo",
          "A\r\nB"
        ]] as const
      ) {
        const error = yield* Effect.flip(Signer.make({ ...options, [field]: value }))
        assert.strictEqual(error._tag, "InvalidOptionError")
        assert.strictEqual(error.option, field === "mchid" ? "mchid" : "merchantSerialNo")
      }
    }))

  it.effect("refuses a key that is not RSA", () =>
    Effect.gen(function*() {
      const { privateKey } = Crypto.generateKeyPairSync("ec", { namedCurve: "P-256" })
      const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString()
      const error = yield* Effect.flip(Signer.make({ ...options, privateKey: Redacted.make(pem) }))
      assert.include(error.description, "RSA")
    }))
})

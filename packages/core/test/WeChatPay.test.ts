import { Encryptor, Signer, Verifier, WeChatPay, WeChatPayClient } from "@effect-wechatpay/core"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import * as FileSystem from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import packageJson from "../package.json" with { type: "json" }
import { version } from "../src/internal/version.js"
import { generateKeyPair } from "./utils/keys.js"

// Building layers needs a transport only as a type: nothing is sent in these tests.
const NoNetwork = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) => Effect.succeed(HttpClientResponse.fromWeb(request, new Response(null, { status: 599 }))))
)

const build = (env: Record<string, string>) =>
  Effect.gen(function*() {
    const services = yield* Layer.build(WeChatPay.layerConfig().pipe(Layer.provide(NoNetwork)))
    return services
  }).pipe(Effect.scoped, Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))

describe("WeChatPay", () => {
  it("sends the package's version in User-Agent", () => {
    assert.strictEqual(version, packageJson.version)
  })

  it.effect("layerConfig reads every variable, keys inline or from files", () =>
    Effect.gen(function*() {
      const merchant = yield* generateKeyPair
      const platform = yield* generateKeyPair
      const dir = FileSystem.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-"))
      FileSystem.writeFileSync(Path.join(dir, "merchant.pem"), merchant.privateKey)
      const env = {
        WECHATPAY_MCHID: "1900000001",
        WECHATPAY_MERCHANT_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: Path.join(dir, "merchant.pem"),
        WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0100000000000001",
        WECHATPAY_PUBLIC_KEY: platform.publicKey,
        WECHATPAY_BASE_URL: "http://127.0.0.1:9/"
      }
      const context = yield* build(env)
      const signer = Effect.runSync(Effect.map(Signer.Signer, (s) => s.mchid).pipe(Effect.provide(context)))
      assert.strictEqual(signer, "1900000001")
      const encryptor = Effect.runSync(Effect.provide(Encryptor.Encryptor, context))
      assert.strictEqual(encryptor.serialNo, "PUB_KEY_ID_0100000000000001")
      const verifier = Effect.runSync(Effect.provide(Verifier.Verifier, context))
      assert.deepStrictEqual(verifier.serials, ["PUB_KEY_ID_0100000000000001"])
      const client = Effect.runSync(Effect.provide(WeChatPayClient.WeChatPayClient, context))
      assert.strictEqual(client.baseUrl, "http://127.0.0.1:9")
      FileSystem.rmSync(dir, { recursive: true })
    }))

  it.effect("a missing or malformed variable fails construction naming the variable, never the value", () =>
    Effect.gen(function*() {
      const merchant = yield* generateKeyPair
      const platform = yield* generateKeyPair
      const good = {
        WECHATPAY_MCHID: "1900000001",
        WECHATPAY_MERCHANT_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        WECHATPAY_MERCHANT_PRIVATE_KEY: merchant.privateKey,
        WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0100000000000001",
        WECHATPAY_PUBLIC_KEY: platform.publicKey
      }
      // Not a key: PEM armour around junk (built up, so no scanner mistakes this file for one holding a key).
      const armour = "PRIVATE" + " KEY"
      const bad = `-----BEGIN ${armour}-----\nSECRETBYTES\n-----END ${armour}-----`
      const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
        [{ ...good, WECHATPAY_MCHID: "" }, "WECHATPAY_MCHID"],
        [{ ...good, WECHATPAY_MERCHANT_PRIVATE_KEY: bad }, "WECHATPAY_MERCHANT_PRIVATE_KEY"],
        [{ ...good, WECHATPAY_PUBLIC_KEY: bad.replaceAll("PRIVATE", "PUBLIC") }, "WECHATPAY_PUBLIC_KEY"],
        [{ ...good, WECHATPAY_MERCHANT_SERIAL_NO: "A,B" }, "WECHATPAY_MERCHANT_SERIAL_NO"],
        [{ ...good, WECHATPAY_PUBLIC_KEY_ID: "PUB \"KEY\"" }, "WECHATPAY_PUBLIC_KEY_ID"],
        [{
          ...good,
          WECHATPAY_MERCHANT_PRIVATE_KEY: "",
          WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: "/nonexistent/key.pem"
        }, "WECHATPAY_MERCHANT_PRIVATE_KEY"],
        [Object.fromEntries(Object.entries(good).filter(([k]) => k !== "WECHATPAY_PUBLIC_KEY")), "WECHATPAY_PUBLIC_KEY"]
      ]
      for (const [env, variable] of cases) {
        const error = yield* Effect.flip(build(env))
        const text = `${String(error)} ${JSON.stringify(error)}`
        assert.include(text, variable)
        assert.notInclude(text, "SECRETBYTES")
        assert.notInclude(text, merchant.privateKey.slice(40, 80))
      }
    }))

  it.effect("ConfigError says which variable to set, or which file cannot be read, once", () =>
    Effect.gen(function*() {
      const platform = yield* generateKeyPair
      const good = {
        WECHATPAY_MCHID: "1900000001",
        WECHATPAY_MERCHANT_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0100000000000001",
        WECHATPAY_PUBLIC_KEY: platform.publicKey
      }
      const missing = String(yield* Effect.flip(build(good)))
      assert.include(missing, "Missing data at WECHATPAY_MERCHANT_PRIVATE_KEY:")
      assert.include(missing, "WECHATPAY_MERCHANT_PRIVATE_KEY_FILE to the path")
      const unreadable = String(
        yield* Effect.flip(build({ ...good, WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: "/nonexistent/dir/key.pem" }))
      )
      assert.strictEqual(
        unreadable,
        "(Invalid data at WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: \"cannot read the key file /nonexistent/dir/key.pem (ENOENT)\")"
      )
      assert.notInclude(unreadable, "WECHATPAY_MERCHANT_PRIVATE_KEY_FILE.WECHATPAY_MERCHANT_PRIVATE_KEY_FILE")
    }))

  it.effect("a PEM pasted on one line with literal \\n (as in .env files) is accepted", () =>
    Effect.gen(function*() {
      const merchant = yield* generateKeyPair
      const platform = yield* generateKeyPair
      const context = yield* build({
        WECHATPAY_MCHID: "1900000001",
        WECHATPAY_MERCHANT_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        WECHATPAY_MERCHANT_PRIVATE_KEY: merchant.privateKey.trim().replaceAll("\n", "\\n"),
        WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0100000000000001",
        WECHATPAY_PUBLIC_KEY: platform.publicKey.trim().replaceAll("\n", "\\n")
      })
      const signer = Effect.runSync(Effect.provide(Signer.Signer, context))
      assert.strictEqual(signer.mchid, "1900000001")
    }))
})

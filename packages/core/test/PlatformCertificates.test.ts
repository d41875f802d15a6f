import { Encryptor, Notification, PlatformCertificates, Signer, Verifier, WeChatPay } from "@effect-wechatpay/core"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigProvider, Duration, Effect, Exit, Layer, Logger, Redacted, TestClock } from "effect"
import { generateKeyPair } from "./utils/keys.js"
import { certificate, fakeClient, type FakeWeChat, signed } from "./utils/platform.js"

const NOW = Date.UTC(2026, 0, 15)
const DAY = 86_400_000
const API_V3_KEY = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"

const setup = Effect.gen(function*() {
  yield* TestClock.setTime(NOW)
  const merchant = yield* generateKeyPair
  const [first, second, publicKey] = yield* Effect.all([generateKeyPair, generateKeyPair, generateKeyPair], {
    concurrency: "unbounded"
  })
  const current = yield* certificate(first.privateKey, NOW - 30 * DAY, NOW + 365 * DAY)
  const next = yield* certificate(second.privateKey, NOW - DAY, NOW + 5 * 365 * DAY)
  const state: FakeWeChat = {
    listed: [current],
    signWith: undefined,
    status: 200,
    downloads: 0,
    apiV3Key: API_V3_KEY,
    authorizations: []
  }
  const layer = (options: Partial<WeChatPay.Options> = {}) =>
    WeChatPay.layer({
      mchid: "1900000001",
      merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      merchantPrivateKey: Redacted.make(merchant.privateKey),
      apiV3Key: Redacted.make(API_V3_KEY),
      baseUrl: "https://wechatpay.test",
      ...options
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state))))
  return { merchant, current, next, publicKey, state, layer }
})

const answer = (key: string, serial: string) =>
  Effect.map(TestClock.currentTimeMillis, (millis) => {
    const body = "{\"ok\":true}"
    return { status: 200, body, headers: signed(body, key, serial, Math.floor(millis / 1000)) }
  })

const reason = <A>(effect: Effect.Effect<A, { readonly reason: string }>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

describe("PlatformCertificates", () => {
  it.effect("certificate mode: downloads, decrypts, verifies by any-case serial, encrypts with the newest", () =>
    Effect.gen(function*() {
      const { current, layer, state } = yield* setup
      const context = yield* Layer.build(layer())
      const verifier = Effect.runSync(Effect.provide(Verifier.Verifier, context))
      const encryptor = Effect.runSync(Effect.provide(Encryptor.Encryptor, context))
      assert.strictEqual(state.downloads, 1)
      assert.match(state.authorizations[0]!, /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",/)
      assert.deepStrictEqual(verifier.serials, [current.serialNo])
      assert.strictEqual(encryptor.serialNo, current.serialNo)
      yield* verifier.verify(yield* answer(current.privateKey, current.serialNo.toLowerCase()))
      // Fields encrypted with the certificate the request names.
      const ciphertext = yield* encryptor.encrypt(Redacted.make("张三"))
      const Crypto = yield* Effect.promise(() => import("node:crypto"))
      const plain = Crypto.privateDecrypt(
        { key: current.privateKey, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
        Buffer.from(ciphertext, "base64")
      )
      assert.strictEqual(plain.toString("utf8"), "张三")
    }).pipe(Effect.scoped))

  it.effect("rotation: an unknown serial re-downloads at most once a minute, then fails with UnknownSerial", () =>
    Effect.gen(function*() {
      const { current, layer, next, publicKey, state } = yield* setup
      const verifier = yield* Effect.provide(Verifier.Verifier, yield* Layer.build(layer()))
      // WeChat lists the new certificate, then signs with it.
      state.listed = [current, next]
      // Concurrent answers naming the new serial share one download.
      const signedByNext = yield* Effect.all(Array.from({ length: 8 }, () => answer(next.privateKey, next.serialNo)))
      yield* Effect.forEach(signedByNext, (signed) => verifier.verify(signed), { concurrency: "unbounded" })
      assert.strictEqual(state.downloads, 2)
      assert.deepStrictEqual([...verifier.serials].sort(), [current.serialNo, next.serialNo].sort())
      // A serial nobody lists: one download at most per minute.
      yield* TestClock.adjust("61 seconds")
      assert.strictEqual(yield* reason(verifier.verify(yield* answer(publicKey.privateKey, "7ABC"))), "UnknownSerial")
      assert.strictEqual(yield* reason(verifier.verify(yield* answer(publicKey.privateKey, "7ABC"))), "UnknownSerial")
      assert.strictEqual(state.downloads, 3)
      yield* TestClock.adjust("61 seconds")
      yield* Effect.flip(verifier.verify(yield* answer(publicKey.privateKey, "7ABC")))
      assert.strictEqual(state.downloads, 4)
    }).pipe(Effect.scoped))

  it.effect("the encryption certificate stays through a rotation and switches only near its expiry", () =>
    Effect.gen(function*() {
      const { current, merchant, next, state } = yield* setup
      const certificates = yield* PlatformCertificates.make({
        baseUrl: "https://wechatpay.test",
        apiV3Key: Redacted.make(API_V3_KEY),
        refreshInterval: "1000 days"
      }).pipe(
        Effect.provide(Signer.layer({
          mchid: "1900000001",
          serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
          privateKey: Redacted.make(merchant.privateKey)
        })),
        Effect.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state)))
      )
      const encryptor = yield* Encryptor.makeWithCertificates.pipe(
        Effect.provideService(PlatformCertificates.PlatformCertificates, certificates)
      )
      assert.strictEqual(encryptor.serialNo, current.serialNo)
      state.listed = [current, next]
      yield* certificates.refresh
      assert.strictEqual(certificates.certificates.length, 2)
      // The newer certificate is known, but requests keep naming the one their fields were encrypted with.
      assert.strictEqual(encryptor.serialNo, current.serialNo)
      yield* TestClock.adjust("359 days")
      yield* certificates.refresh
      assert.strictEqual(encryptor.serialNo, next.serialNo)
    }).pipe(Effect.scoped))

  it.effect("a certificate the latest verified list leaves out verifies for the 10-minute grace, then never", () =>
    Effect.gen(function*() {
      const { current, merchant, next, state } = yield* setup
      const certificates = yield* PlatformCertificates.make({
        baseUrl: "https://wechatpay.test",
        apiV3Key: Redacted.make(API_V3_KEY),
        refreshInterval: "1000 days"
      }).pipe(
        Effect.provide(Signer.layer({
          mchid: "1900000001",
          serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
          privateKey: Redacted.make(merchant.privateKey)
        })),
        Effect.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state)))
      )
      const provided = Effect.provideService(PlatformCertificates.PlatformCertificates, certificates)
      const verifier = yield* provided(Verifier.makeWithCertificates({}))
      const encryptor = yield* provided(Encryptor.makeWithCertificates)
      assert.strictEqual(encryptor.serialNo, current.serialNo)
      // An answer signed with `current` is on its way when WeChat withdraws it for `next` (which signs the list).
      const inFlight = yield* answer(current.privateKey, current.serialNo)
      state.listed = [next]
      state.signWith = { key: next.privateKey, serial: next.serialNo }
      yield* certificates.refresh
      assert.deepStrictEqual(certificates.certificates.map((c) => c.serialNo), [next.serialNo])
      // Requests are no longer encrypted for it.
      assert.strictEqual(encryptor.serialNo, next.serialNo)
      // Within the grace: what it signed still verifies; a later list that still leaves it out does not extend it.
      yield* TestClock.adjust("4 minutes")
      yield* verifier.verify(inFlight)
      yield* certificates.refresh
      yield* TestClock.adjust("5 minutes")
      yield* verifier.verify(yield* answer(current.privateKey, current.serialNo))
      // Past it: unknown (after the one re-download it asks for, which still leaves it out), `next` still verifies.
      yield* TestClock.adjust("61 seconds")
      assert.isUndefined(certificates.get(current.serialNo))
      const downloads = state.downloads
      assert.strictEqual(
        yield* reason(verifier.verify(yield* answer(current.privateKey, current.serialNo))),
        "UnknownSerial"
      )
      assert.strictEqual(state.downloads, downloads + 1)
      yield* verifier.verify(yield* answer(next.privateKey, next.serialNo))
      assert.strictEqual(Duration.toMillis(PlatformCertificates.GRACE_PERIOD), 10 * 60_000)
    }).pipe(Effect.scoped))

  it.effect("both validity dates are checked: not trusted before its validFrom, nor after its validTo", () =>
    Effect.gen(function*() {
      const { current, layer, merchant, state } = yield* setup
      const [early, brief] = yield* Effect.all([generateKeyPair, generateKeyPair], { concurrency: "unbounded" })
      const future = yield* certificate(early.privateKey, NOW + DAY, NOW + 365 * DAY)
      // A list of only a certificate not yet valid (signed by it) is not trusted at all.
      state.listed = [future]
      const error = yield* Effect.flip(Effect.scoped(Layer.build(layer())))
      assert.strictEqual((error as PlatformCertificates.CertificateError).reason, "Expired")
      assert.include(error.message, "not yet valid")
      // Listed beside a valid one, it does not verify before its date, and does once its date has come.
      state.listed = [current, future]
      const context = yield* Layer.build(layer({ certificateRefreshInterval: "1 hour" }))
      const verifier = yield* Effect.provide(Verifier.Verifier, context)
      assert.deepStrictEqual(verifier.serials, [current.serialNo])
      assert.strictEqual(
        yield* reason(verifier.verify(yield* answer(early.privateKey, future.serialNo))),
        "UnknownSerial"
      )
      yield* TestClock.adjust("25 hours")
      yield* verifier.verify(yield* answer(early.privateKey, future.serialNo))
      // Expiry is checked when it is used, not only at the next download.
      const shortLived = yield* certificate(brief.privateKey, NOW, NOW + 25 * 3_600_000 + 30 * 60_000)
      state.listed = [shortLived, current]
      const certificates = yield* PlatformCertificates.make({
        baseUrl: "https://wechatpay.test",
        apiV3Key: Redacted.make(API_V3_KEY),
        refreshInterval: "1000 days"
      }).pipe(
        Effect.provide(Signer.layer({
          mchid: "1900000001",
          serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
          privateKey: Redacted.make(merchant.privateKey)
        })),
        Effect.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state)))
      )
      assert.strictEqual(certificates.get(shortLived.serialNo)?.serialNo, shortLived.serialNo)
      yield* TestClock.adjust("1 hour")
      assert.isUndefined(certificates.get(shortLived.serialNo))
      assert.deepStrictEqual(certificates.certificates.map((c) => c.serialNo), [current.serialNo])
    }).pipe(Effect.scoped))

  it.effect("the scoped refresh fiber downloads on its schedule and stops with the layer", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* setup
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Layer.build(layer({ certificateRefreshInterval: "1 hour" }))
        yield* TestClock.adjust("1 hour")
        yield* TestClock.adjust("1 hour")
        assert.strictEqual(state.downloads, 3)
      }))
      yield* TestClock.adjust("3 hours")
      assert.strictEqual(state.downloads, 3)
    }))

  it.effect("public-key-only merchant: 404 无可用的平台证书 fails the build telling to configure the public key", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* setup
      state.status = 404
      const error = yield* Effect.flip(Layer.build(layer()))
      assert.strictEqual(error._tag, "CertificateError")
      assert.strictEqual((error as PlatformCertificates.CertificateError).reason, "NoCertificates")
      assert.include(error.message, "configure the WeChat Pay public key")
      assert.include(error.message, "WECHATPAY_PUBLIC_KEY_ID")
    }).pipe(Effect.scoped))

  it.effect("mixed mode: a failed download never breaks the public key; answers signed by either key verify", () =>
    Effect.gen(function*() {
      const { current, layer, publicKey, state } = yield* setup
      const mixed = layer({
        platformPublicKeyId: "PUB_KEY_ID_0100000000000001",
        platformPublicKey: publicKey.publicKey
      })
      const logs: Array<string> = []
      const logger = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))
      // A public-key-only merchant (404): said once, no scheduled downloads, the public key verifies.
      state.status = 404
      const degraded = yield* Layer.build(Layer.provide(mixed, logger))
      const verifier = yield* Effect.provide(Verifier.Verifier, degraded)
      yield* verifier.verify(yield* answer(publicKey.privateKey, "PUB_KEY_ID_0100000000000001"))
      assert.isTrue(logs.some((line) => line.includes("none for this merchant")))
      yield* TestClock.adjust("3 hours")
      assert.strictEqual(state.downloads, 1)
      // Any other failure is a warning, and the schedule keeps trying.
      state.status = 500
      yield* Layer.build(Layer.provide(mixed, logger))
      assert.isTrue(logs.some((line) => line.includes("Status: HTTP 500")))
      state.status = 200
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(state.downloads, 3)
      // downloadCertificates: false keeps the APIv3 key for callbacks only.
      yield* Layer.build(layer({
        platformPublicKeyId: "PUB_KEY_ID_0100000000000001",
        platformPublicKey: publicKey.publicKey,
        downloadCertificates: false
      }))
      assert.strictEqual(state.downloads, 3)
      // Once WeChat has certificates, both keys verify; encryption stays with the public key.
      state.status = 200
      const context = yield* Layer.build(mixed)
      const both = yield* Effect.provide(Verifier.Verifier, context)
      yield* both.verify(yield* answer(publicKey.privateKey, "PUB_KEY_ID_0100000000000001"))
      yield* both.verify(yield* answer(current.privateKey, current.serialNo))
      assert.strictEqual((yield* Effect.provide(Encryptor.Encryptor, context)).serialNo, "PUB_KEY_ID_0100000000000001")
    }).pipe(Effect.scoped))

  it.effect("a download that is not WeChat's is refused with its reason, and no error shows the APIv3 key", () =>
    Effect.gen(function*() {
      const { current, layer, next, publicKey, state } = yield* setup
      const failures: Array<string> = []
      const attempt = Effect.gen(function*() {
        const exit = yield* Effect.exit(Layer.build(layer()))
        assert.isTrue(Exit.isFailure(exit))
        const text = Exit.isFailure(exit) ? Cause.pretty(exit.cause) + JSON.stringify(exit.cause) : ""
        assert.notInclude(text, API_V3_KEY)
        assert.notInclude(text, "BEGIN CERTIFICATE")
        failures.push(Exit.isFailure(exit) ? (Cause.squash(exit.cause) as { reason: string }).reason : "")
      }).pipe(Effect.scoped)
      state.apiV3Key = "0123456789abcdef0123456789abcdef"
      yield* attempt
      state.apiV3Key = API_V3_KEY
      state.signWith = { key: publicKey.privateKey, serial: current.serialNo }
      yield* attempt
      state.signWith = { key: publicKey.privateKey, serial: "PUB_KEY_ID_0100000000000001" }
      yield* attempt
      state.signWith = undefined
      state.listed = [{ ...current, validTo: NOW - DAY }]
      const expired = yield* certificate(current.privateKey, NOW - 400 * DAY, NOW - DAY)
      state.listed = [expired]
      yield* attempt
      state.listed = [next]
      state.status = 500
      yield* attempt
      assert.deepStrictEqual(failures, ["Decryption", "Unverified", "Unverified", "Expired", "Status"])
    }))

  it.effect("fixed certificates verify without any download; layerConfig reads WECHATPAY_API_V3_KEY", () =>
    Effect.gen(function*() {
      const { current, layer, merchant, state } = yield* setup
      const fixed = yield* Layer.build(layer({ apiV3Key: undefined, platformCertificates: [current.pem] }))
      const verifier = yield* Effect.provide(Verifier.Verifier, fixed)
      yield* verifier.verify(yield* answer(current.privateKey, current.serialNo))
      assert.strictEqual((yield* Effect.provide(Encryptor.Encryptor, fixed)).serialNo, current.serialNo)
      assert.strictEqual(state.downloads, 0)
      const env = new Map([
        ["WECHATPAY_MCHID", "1900000001"],
        ["WECHATPAY_MERCHANT_SERIAL_NO", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"],
        ["WECHATPAY_MERCHANT_PRIVATE_KEY", merchant.privateKey],
        ["WECHATPAY_API_V3_KEY", API_V3_KEY],
        ["WECHATPAY_BASE_URL", "https://wechatpay.test"]
      ])
      const configured = yield* Layer.build(
        WeChatPay.layerConfig().pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state))))
      ).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(env)))
      assert.strictEqual((yield* Effect.provide(Encryptor.Encryptor, configured)).serialNo, current.serialNo)
      assert.strictEqual(state.downloads, 1)
      // Without the APIv3 key the public key is required again, named by its variable.
      env.delete("WECHATPAY_API_V3_KEY")
      const missing = yield* Effect.flip(
        Layer.build(
          WeChatPay.layerConfig().pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state))))
        )
          .pipe(Effect.withConfigProvider(ConfigProvider.fromMap(env)))
      )
      assert.include(String(missing), "WECHATPAY_PUBLIC_KEY_ID")
    }).pipe(Effect.scoped))

  it.effect("layerConfig: WECHATPAY_DOWNLOAD_CERTIFICATES=false or the override keeps the APIv3 key for callbacks", () =>
    Effect.gen(function*() {
      const { merchant, publicKey, state } = yield* setup
      const env = new Map([
        ["WECHATPAY_MCHID", "1900000001"],
        ["WECHATPAY_MERCHANT_SERIAL_NO", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"],
        ["WECHATPAY_MERCHANT_PRIVATE_KEY", merchant.privateKey],
        ["WECHATPAY_PUBLIC_KEY_ID", "PUB_KEY_ID_0100000000000001"],
        ["WECHATPAY_PUBLIC_KEY", publicKey.publicKey],
        ["WECHATPAY_API_V3_KEY", API_V3_KEY],
        ["WECHATPAY_BASE_URL", "https://wechatpay.test"]
      ])
      const build = (overrides?: WeChatPay.ConfigOverrides) =>
        Layer.build(
          WeChatPay.layerConfig(overrides).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fakeClient(state))))
        ).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(env)))
      // Mixed mode downloads by default …
      yield* build()
      assert.strictEqual(state.downloads, 1)
      // … not with the variable set to false, nor with the override (which wins over the variable).
      env.set("WECHATPAY_DOWNLOAD_CERTIFICATES", "false")
      const callbacksOnly = yield* build()
      assert.strictEqual(state.downloads, 1)
      // The APIv3 key still decrypts callbacks there: the Notification service is built with it.
      assert.isDefined(yield* Effect.provide(Notification.Notification, callbacksOnly))
      yield* build({ downloadCertificates: true })
      assert.strictEqual(state.downloads, 2)
      env.delete("WECHATPAY_DOWNLOAD_CERTIFICATES")
      yield* build({ downloadCertificates: false })
      assert.strictEqual(state.downloads, 2)
      // A value that is not a boolean names the variable, never echoes a key.
      env.set("WECHATPAY_DOWNLOAD_CERTIFICATES", "sometimes")
      const invalid = yield* Effect.flip(build())
      assert.include(String(invalid), "WECHATPAY_DOWNLOAD_CERTIFICATES")
    }).pipe(Effect.scoped))
})

import { Encryptor, Sensitive } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, ParseResult, Redacted, Schema } from "effect"
import * as NodeCrypto from "node:crypto"
import { Rsa } from "wechatpay-axios-plugin"
import * as Primitives from "../src/internal/crypto/primitives.js"
import * as Vectors from "./fixtures/WechatpayGo.js"
import { generateKeyPair } from "./utils/keys.js"

describe("Encryptor", () => {
  it.effect("uses the parameters of wechatpay-go's published OAEP ciphertext (SHA-1, never SHA-256)", () =>
    Effect.gen(function*() {
      const privateKey = NodeCrypto.createPrivateKey(Vectors.privateKeyPem)
      const decrypt = (ciphertext: string) =>
        NodeCrypto.privateDecrypt(
          { key: privateKey, padding: NodeCrypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
          Buffer.from(ciphertext, "base64")
        ).toString("utf8")
      // The published ciphertext opens with these parameters …
      assert.strictEqual(decrypt(Vectors.oaepCiphertext), Vectors.oaepPlaintext)
      // … and so does ours, under the vector's key.
      const encryptor = yield* Encryptor.make({ serialNo: "PUB_KEY_ID_1", publicKey: Vectors.publicKeyPem })
      assert.strictEqual(decrypt(yield* encryptor.encrypt(Redacted.make(Vectors.oaepPlaintext))), Vectors.oaepPlaintext)
    }))

  it.effect("encrypts so that the independent implementation decrypts it", () =>
    Effect.gen(function*() {
      const keys = yield* generateKeyPair
      const encryptor = yield* Encryptor.make({ serialNo: "PUB_KEY_ID_0112345", publicKey: keys.publicKey })
      assert.strictEqual(encryptor.serialNo, "PUB_KEY_ID_0112345")
      assert.strictEqual(encryptor.maxPlaintextBytes, 214)
      for (const plaintext of ["张三", "110101199003072316", "x".repeat(214), "名".repeat(71)]) {
        const ciphertext = yield* encryptor.encrypt(Redacted.make(plaintext))
        assert.isTrue(Primitives.isBase64(ciphertext))
        assert.strictEqual(Rsa.decrypt(ciphertext, Rsa.from(keys.privateKey, "private")), plaintext)
      }
      // OAEP is randomised: the same plaintext never encrypts twice the same way.
      const a = yield* encryptor.encrypt(Redacted.make("张三"))
      const b = yield* encryptor.encrypt(Redacted.make("张三"))
      assert.notStrictEqual(a, b)
    }))

  it.effect("refuses empty and over-long plaintexts without showing them", () =>
    Effect.gen(function*() {
      const keys = yield* generateKeyPair
      const encryptor = yield* Encryptor.make({ serialNo: "PUB_KEY_ID_1", publicKey: keys.publicKey })
      const empty = yield* Effect.flip(encryptor.encrypt(Redacted.make("")))
      assert.strictEqual(empty.reason, "Empty")
      const long = yield* Effect.flip(encryptor.encrypt(Redacted.make("名".repeat(72)))) // 216 bytes
      assert.strictEqual(long.reason, "TooLong")
      assert.notInclude(`${long.message}${JSON.stringify(long)}`, "名")
    }))

  it.effect("EncryptedString encodes through the Encryptor and never echoes the plaintext in a ParseError", () =>
    Effect.gen(function*() {
      const keys = yield* generateKeyPair
      const encryptor = yield* Encryptor.make({ serialNo: "PUB_KEY_ID_1", publicKey: keys.publicKey })
      const Body = Schema.Struct({ user_name: Sensitive.EncryptedString })
      const encode = (u: unknown) =>
        Schema.encodeUnknown(Body)(u).pipe(Effect.provideService(Encryptor.Encryptor, encryptor), Effect.either)

      const ok = yield* encode({ user_name: Redacted.make("张三") })
      assert.isTrue(Either.isRight(ok))
      if (Either.isRight(ok)) {
        assert.strictEqual(Rsa.decrypt(ok.right.user_name, Rsa.from(keys.privateKey, "private")), "张三")
      }

      for (
        const bad of [{ user_name: Redacted.make("秘".repeat(100)) }, { user_name: Redacted.make("") }, {
          user_name: "秘密明文"
        }]
      ) {
        const result = yield* encode(bad)
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) {
          const text = `${result.left.message} ${String(result.left)} ${JSON.stringify(result.left)} ${
            ParseResult.TreeFormatter.formatErrorSync(result.left)
          }`
          assert.notInclude(text, "秘")
        }
      }
      // Decoding ciphertext is refused: only the platform private key can.
      const decoded = yield* Effect.either(
        Schema.decodeUnknown(Body)({ user_name: "abc" }).pipe(Effect.provideService(Encryptor.Encryptor, encryptor))
      )
      assert.isTrue(Either.isLeft(decoded))
    }))
})

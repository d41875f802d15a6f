import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Redacted, Schema } from "effect"
import * as Crypto from "node:crypto"
import * as Encryptor from "../src/Encryptor.js"
import * as SyncEncryption from "../src/internal/crypto/syncEncryption.js"
import * as Sensitive from "../src/Sensitive.js"
import { generateKeyPair } from "./utils/keys.js"

const Body = Schema.Struct({ user_name: Sensitive.EncryptedString, project_name: Schema.String })
const encode = Schema.encode(Body)
const input = { user_name: Redacted.make("张三"), project_name: "城市配送" }

const decrypt = (privateKey: string, ciphertext: string) =>
  Crypto.privateDecrypt(
    { key: privateKey, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(ciphertext, "base64")
  ).toString("utf8")

describe("internal/syncEncryption", () => {
  it.effect("with one of the SDK's encryptors in scope, the encoding is an Either: encrypted on the spot", () =>
    Effect.gen(function*() {
      const keys = yield* generateKeyPair
      const encryptor = yield* Encryptor.make({
        serialNo: "PUB_KEY_ID_0114232134912410000000000000",
        publicKey: keys.publicKey
      })
      const result = SyncEncryption.encodeWith(encryptor, () => encode(input))
      assert.isTrue(Either.isEither(result))
      const encoded = yield* Effect.provideService(result, Encryptor.Encryptor, encryptor)
      assert.strictEqual(decrypt(keys.privateKey, encoded.user_name), "张三")
      assert.strictEqual(encoded.project_name, "城市配送")
      // Outside the scope, the same encoding goes through the context, as before.
      assert.isFalse(Either.isEither(encode(input)))
      const again = yield* Effect.provideService(encode(input), Encryptor.Encryptor, encryptor)
      assert.strictEqual(decrypt(keys.privateKey, again.user_name), "张三")
    }))

  it.effect("refusals are the same either way, and never show the plaintext", () =>
    Effect.gen(function*() {
      const keys = yield* generateKeyPair
      const encryptor = yield* Encryptor.make({
        serialNo: "PUB_KEY_ID_0114232134912410000000000000",
        publicKey: keys.publicKey
      })
      for (const plaintext of ["", "名".repeat(80)]) {
        const value = { ...input, user_name: Redacted.make(plaintext) }
        const sync = yield* Effect.flip(
          Effect.provideService(
            SyncEncryption.encodeWith(encryptor, () => encode(value)),
            Encryptor.Encryptor,
            encryptor
          )
        )
        const viaContext = yield* Effect.flip(Effect.provideService(encode(value), Encryptor.Encryptor, encryptor))
        assert.strictEqual(sync.message, viaContext.message)
        if (plaintext !== "") assert.notInclude(sync.message, plaintext)
      }
    }))

  it("an encryptor without a synchronous form, and a throwing encoding, leave nothing in scope", () => {
    const own = Encryptor.Encryptor.of({ serialNo: "S", maxPlaintextBytes: 214, encrypt: () => Effect.succeed("c") })
    SyncEncryption.encodeWith(own, () => assert.isUndefined(SyncEncryption.inScope()))
    const form = () => Either.right("c")
    const registered = SyncEncryption.register(
      Encryptor.Encryptor.of({ serialNo: "S", maxPlaintextBytes: 214, encrypt: () => Effect.succeed("c") }),
      form
    )
    assert.throws(() =>
      SyncEncryption.encodeWith(registered, () => {
        assert.strictEqual(SyncEncryption.inScope(), form)
        throw new Error("boom")
      })
    )
    assert.isUndefined(SyncEncryption.inScope())
  })
})

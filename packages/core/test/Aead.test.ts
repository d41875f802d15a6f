import { Aead } from "@effect-wechatpay/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Aes } from "wechatpay-axios-plugin"

// The published vector of wechatpay-java's AeadAesCipherTest (DESIGN.md §4).
const key = Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
const resource = {
  algorithm: "AEAD_AES_256_GCM",
  nonce: "uluk4a9R25RW",
  associated_data: "associatedData",
  ciphertext: "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="
}

describe("Aead", () => {
  it.effect("decrypts wechatpay-java's published vector", () =>
    Effect.gen(function*() {
      assert.strictEqual(Redacted.value(yield* Aead.decrypt(key, resource)), "message")
    }))

  it.effect("decrypts what the independent implementation encrypted", () =>
    Effect.gen(function*() {
      const ciphertext = Aes.AesGcm.encrypt(
        "{\"serial_no\":\"5157F09E\"}",
        Redacted.value(key),
        "n0nce1234567",
        "certificate"
      )
      const plaintext = yield* Aead.decrypt(key, { nonce: "n0nce1234567", associated_data: "certificate", ciphertext })
      assert.strictEqual(Redacted.value(plaintext), "{\"serial_no\":\"5157F09E\"}")
    }))

  it.effect("fails on a wrong key, AAD, tampered data or algorithm, without leaking the key", () =>
    Effect.gen(function*() {
      const failures = [
        Aead.decrypt(Redacted.make("b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"), resource),
        Aead.decrypt(key, { ...resource, associated_data: "other" }),
        Aead.decrypt(key, { ...resource, ciphertext: "vlwSiIajGClcvcOYvOQ7+l+0PAbzzwI=" }),
        Aead.decrypt(key, { ...resource, algorithm: "AEAD_SM4_GCM" }),
        Aead.decrypt(Redacted.make("short"), resource)
      ]
      for (const failure of failures) {
        const error = yield* Effect.flip(failure)
        assert.strictEqual(error._tag, "DecryptError")
        assert.notInclude(JSON.stringify(error) + error.message, "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
      }
    }))
})

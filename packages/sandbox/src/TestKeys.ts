/**
 * Throwaway RSA keys and identifiers for tests, examples and the sandbox CLI. They are generated at run time
 * so that no key, not even a test one, is ever committed.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as crypto from "./internal/crypto.js"

/**
 * An RSA key pair as PEM: the public key as SPKI and the private key as PKCS#8,
 * the formats WeChat Pay hands out.
 *
 * @example
 * ```ts
 * import type { TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const isPem = (pair: TestKeys.KeyPair) => pair.publicKey.startsWith("-----BEGIN PUBLIC KEY-----")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyPair {
  readonly publicKey: string
  readonly privateKey: string
}

/**
 * A fresh RSA-2048 key pair. Generation runs on libuv's threadpool (tens of milliseconds), so do it once
 * per test file, not per test.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const program = Effect.map(TestKeys.generate, (pair) => pair.publicKey)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate: Effect.Effect<KeyPair> = Effect.async<KeyPair>((resume) => {
  Crypto.generateKeyPair(
    "rsa",
    {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" }
    },
    (error, publicKey, privateKey) =>
      resume(error === null ? Effect.succeed({ publicKey, privateKey }) : Effect.die(error))
  )
})

/**
 * A random merchant API certificate serial: 40 upper-case hex digits.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const serial = Effect.runSync(TestKeys.serialNo) // "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"-like
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serialNo: Effect.Effect<string> = Effect.sync(() => crypto.hex(20))

/**
 * A random platform public key id in WeChat's `PUB_KEY_ID_…` shape.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const id = Effect.runSync(TestKeys.publicKeyId) // "PUB_KEY_ID_0112…"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const publicKeyId: Effect.Effect<string> = Effect.sync(() => `PUB_KEY_ID_01${crypto.digits(28)}`)

/**
 * Everything a merchant and a simulated WeChat Pay need to talk to each other.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const serial = Effect.map(TestKeys.generateSet(), (keys: TestKeys.KeySet) => keys.merchantSerialNo)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface KeySet {
  readonly mchid: string
  readonly merchantSerialNo: string
  /** For the client's signer. */
  readonly merchantPrivateKey: string
  /** For the simulator, to verify requests. */
  readonly merchantPublicKey: string
  /** For the simulator, to sign answers and decrypt sensitive fields. */
  readonly platformPrivateKey: string
  /** For the client's verifier and encryptor. */
  readonly platformPublicKey: string
  readonly platformPublicKeyId: string
  /** The merchant's APIv3 key (32 letters and digits): certificates and notifications are encrypted with it. */
  readonly apiV3Key: string
}

/**
 * Generates a merchant key pair and a platform key pair (concurrently) with fresh identifiers. The result
 * has every field of `Simulator.Options`, so it can be passed to `Simulator.layer` as is.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Simulator, TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const SimulatorLive = Layer.unwrapEffect(Effect.map(TestKeys.generateSet(), Simulator.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateSet = (options?: { readonly mchid?: string | undefined }): Effect.Effect<KeySet> =>
  Effect.map(
    Effect.all([generate, generate, serialNo, publicKeyId], { concurrency: "unbounded" }),
    ([merchant, platform, merchantSerialNo, platformPublicKeyId]) => ({
      mchid: options?.mchid ?? "1900000001",
      merchantSerialNo,
      merchantPrivateKey: merchant.privateKey,
      merchantPublicKey: merchant.publicKey,
      platformPrivateKey: platform.privateKey,
      platformPublicKey: platform.publicKey,
      platformPublicKeyId,
      apiV3Key: crypto.alphanumeric(32)
    })
  )

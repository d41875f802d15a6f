/**
 * The cryptographic primitives of APIv3, on node:crypto. Keys are parsed once into `KeyObject`s by
 * the services; nothing here ever logs or formats a key.
 */
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as Os from "node:os"
import * as Cancelable from "../runtime/cancelable.js"

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// Random bytes drawn 4 KiB at a time and each used once: one call into the CSPRNG per ~85 nonces, not per nonce.
const pool = Buffer.alloc(4096)
let drawn = pool.length

/** The next random byte. */
const randomByte = (): number => {
  if (drawn === pool.length) {
    Crypto.randomFillSync(pool)
    drawn = 0
  }
  return pool[drawn++]!
}

/** A fresh 32-character alphanumeric nonce (rejection sampling keeps it uniform). */
export const nonce = (length = 32): string => {
  let out = ""
  while (out.length < length) {
    const byte = randomByte()
    // 248 = 4 × 62: bytes at or above it would bias the first characters.
    if (byte < 248) out += ALPHANUMERIC[byte % 62]
  }
  return out
}

/** SHA256withRSA (PKCS#1 v1.5) over `message`, standard base64, on the calling thread. */
export const signSync = (key: Crypto.KeyObject, message: string | Uint8Array): string =>
  Crypto.sign("sha256", typeof message === "string" ? Buffer.from(message) : message, key).toString("base64")

/**
 * A signer on libuv's threadpool that keeps at most one signature per spare core in flight and queues
 * the rest. More would only preempt the main thread, which has the rest of every call to do: on two
 * cores, one signing thread beats four.
 */
export const threadpoolSigner = (
  key: Crypto.KeyObject,
  maxInFlight = Math.max(1, Os.availableParallelism() - 1)
): (message: string | Uint8Array) => Effect.Effect<string> => {
  let signing = 0
  const waiting: Array<() => void> = []
  return (message) =>
    Cancelable.async<string, never>((resume) => {
      const start = () => {
        signing++
        Crypto.sign("sha256", typeof message === "string" ? Buffer.from(message) : message, key, (error, signature) => {
          signing--
          waiting.shift()?.()
          resume(error ? Effect.die(error) : Effect.succeed(signature.toString("base64")))
        })
      }
      if (signing < maxInFlight) start()
      else waiting.push(start)
      // Interrupted while queued: give the place up.
      return Effect.sync(() => {
        const index = waiting.indexOf(start)
        if (index >= 0) waiting.splice(index, 1)
      })
    })
}

/** Verifies a base64 SHA256withRSA signature; a malformed signature is simply not valid. */
export const verify = (key: Crypto.KeyObject, message: string | Uint8Array, signature: string): boolean => {
  if (!isBase64(signature)) return false
  try {
    return Crypto.verify(
      "sha256",
      typeof message === "string" ? Buffer.from(message) : message,
      key,
      Buffer.from(signature, "base64")
    )
  } catch {
    return false
  }
}

/** RSAES-OAEP with SHA-1 and MGF1-SHA-1, empty label: what WeChat decrypts sensitive fields with. */
export const oaepEncrypt = (key: Crypto.KeyObject, plaintext: string): string =>
  Crypto.publicEncrypt(
    { key, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(plaintext, "utf8")
  ).toString("base64")

/** The largest plaintext RSA-OAEP-SHA1 can carry for a key: k − 2·hLen − 2 bytes (214 for RSA-2048). */
export const oaepMaxPlaintextBytes = (key: Crypto.KeyObject): number =>
  ((key.asymmetricKeyDetails?.modulusLength ?? 2048) >> 3) - 2 * 20 - 2

/**
 * AEAD_AES_256_GCM decryption as APIv3 uses it for certificates and callbacks: key = the 32-byte
 * APIv3 key, IV = the UTF-8 nonce, AAD = associated data, ciphertext = base64(data ‖ 16-byte tag).
 */
export const aesGcmDecrypt = (options: {
  readonly key: string | Uint8Array
  readonly nonce: string
  readonly associatedData: string
  readonly ciphertext: string
}): string => {
  const raw = Buffer.from(options.ciphertext, "base64")
  if (raw.length < 16) throw new Error("ciphertext shorter than the authentication tag")
  const decipher = Crypto.createDecipheriv(
    "aes-256-gcm",
    typeof options.key === "string" ? Buffer.from(options.key, "utf8") : options.key,
    Buffer.from(options.nonce, "utf8")
  )
  decipher.setAAD(Buffer.from(options.associatedData, "utf8"))
  decipher.setAuthTag(raw.subarray(raw.length - 16))
  return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString("utf8")
}

// With the length a multiple of 4, this is exactly standard padded base64, in one linear pass (the form with
// groups of four backtracks: 5 µs per answer's signature).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Strict standard base64 (node's decoder silently skips garbage, so check first). */
export const isBase64 = (s: string): boolean => s.length > 0 && s.length % 4 === 0 && BASE64.test(s)

/** Parses a PEM private key; throws a message that names the problem, never the key. */
export const parsePrivateKey = (pem: string): Crypto.KeyObject => {
  const key = Crypto.createPrivateKey({ key: pem, format: "pem" })
  if (key.asymmetricKeyType !== "rsa") throw new Error(`expected an RSA private key, got ${key.asymmetricKeyType}`)
  return key
}

/** Parses a PEM public key, or the public key of a PEM certificate. */
export const parsePublicKey = (pem: string): Crypto.KeyObject => {
  const key = pem.includes("BEGIN CERTIFICATE")
    ? new Crypto.X509Certificate(pem).publicKey
    : Crypto.createPublicKey({ key: pem, format: "pem" })
  if (key.asymmetricKeyType !== "rsa") throw new Error(`expected an RSA public key, got ${key.asymmetricKeyType}`)
  return key
}

/**
 * Decrypts a base64 RSAES-OAEP (SHA-1, MGF1-SHA-1, empty label) ciphertext with the merchant private key, as
 * WeChat encrypts answer fields to the merchant (wechatpay-go `utils.DecryptOAEP`); `undefined` when it is not
 * strict base64, does not decrypt, or is not UTF-8 text.
 */
export const oaepDecrypt = (key: Crypto.KeyObject, ciphertext: string): string | undefined => {
  if (!isBase64(ciphertext)) return undefined
  try {
    const plaintext = Crypto.privateDecrypt(
      { key, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      Buffer.from(ciphertext, "base64")
    )
    return utf8Strict.decode(plaintext)
  } catch {
    return undefined
  }
}

const utf8Strict = new TextDecoder("utf-8", { fatal: true })

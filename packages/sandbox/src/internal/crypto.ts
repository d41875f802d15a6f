/**
 * The simulator's own protocol crypto, written against `node:crypto` directly. It deliberately shares no
 * code with `@effect-wechatpay/core`, so a bug in the client's signing cannot be cancelled out by the
 * same bug here.
 *
 * @internal
 */
import * as Crypto from "node:crypto"

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/**
 * A random string of letters and digits, like WeChat's `Wechatpay-Nonce`.
 *
 * @example
 * ```ts
 * alphanumeric(32) // "f3Kq…"
 * ```
 * @internal
 */
export const alphanumeric = (size: number): string => {
  let out = ""
  while (out.length < size) {
    for (const byte of Crypto.randomBytes(size)) {
      // 248 = 4 × 62: rejecting the top bytes keeps every character equally likely.
      if (byte < 248 && out.length < size) out += ALPHANUMERICS[byte % 62]
    }
  }
  return out
}

/**
 * A random string of decimal digits.
 *
 * @example
 * ```ts
 * digits(28) // "0391…"
 * ```
 * @internal
 */
export const digits = (size: number): string => {
  let out = ""
  for (let i = 0; i < size; i++) out += Crypto.randomInt(10).toString()
  return out
}

/**
 * Upper-case hex of `bytes` random bytes (`Request-ID`, certificate serials).
 *
 * @example
 * ```ts
 * hex(20) // 40 hex digits
 * ```
 * @internal
 */
/**
 * A random UUID, for notification ids.
 *
 * @example
 * ```ts
 * uuid() // "1b4e28ba-2fa1-11d2-883f-0016d3cca427"-like
 * ```
 * @internal
 */
export const uuid = (): string => Crypto.randomUUID()

export const hex = (bytes: number): string => Crypto.randomBytes(bytes).toString("hex").toUpperCase()

/**
 * Parses a PEM (or passes a `KeyObject` through) as a public key; a private key yields its public half.
 *
 * @example
 * ```ts
 * const key = publicKey(pem)
 * ```
 * @internal
 */
export const publicKey = (key: string | Crypto.KeyObject): Crypto.KeyObject =>
  typeof key === "string" ? Crypto.createPublicKey(key) : key.type === "private" ? Crypto.createPublicKey(key) : key

/**
 * Parses a PEM (or passes a `KeyObject` through) as a private key.
 *
 * @example
 * ```ts
 * const key = privateKey(pem)
 * ```
 * @internal
 */
export const privateKey = (key: string | Crypto.KeyObject): Crypto.KeyObject =>
  typeof key === "string" ? Crypto.createPrivateKey(key) : key

/**
 * SHA256withRSA (PKCS#1 v1.5) over the UTF-8 bytes of `message`, standard base64.
 *
 * @example
 * ```ts
 * sign("1700000000\nnonce\n{}\n", platformPrivateKey)
 * ```
 * @internal
 */
export const sign = (message: string, key: Crypto.KeyObject): string =>
  Crypto.sign("sha256", Buffer.from(message, "utf8"), { key, padding: Crypto.constants.RSA_PKCS1_PADDING })
    .toString("base64")

// Buffer.from(…, "base64") silently skips junk, so without this check `valid signature + "!!"` would pass.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Whether `signature` (strict standard base64) is a SHA256withRSA signature of `message` by `key`.
 *
 * @example
 * ```ts
 * verify(message, signature, merchantPublicKey) // true | false
 * ```
 * @internal
 */
export const verify = (message: string, signature: string, key: Crypto.KeyObject): boolean => {
  if (signature.length === 0 || !BASE64.test(signature)) return false
  try {
    return Crypto.verify(
      "sha256",
      Buffer.from(message, "utf8"),
      { key, padding: Crypto.constants.RSA_PKCS1_PADDING },
      Buffer.from(signature, "base64")
    )
  } catch {
    return false
  }
}

/**
 * RSAES-OAEP (SHA-1, MGF1-SHA-1, empty label) decryption of a base64 ciphertext, as WeChat does for sensitive
 * fields; `undefined` when it is not valid base64 or does not decrypt with `key`.
 *
 * @example
 * ```ts
 * decrypt(ciphertext, platformPrivateKey) // "张三" | undefined
 * ```
 * @internal
 */
export const decrypt = (ciphertext: string, key: Crypto.KeyObject): string | undefined => {
  if (ciphertext.length === 0 || !BASE64.test(ciphertext)) return undefined
  try {
    return Crypto.privateDecrypt(
      { key, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      Buffer.from(ciphertext, "base64")
    ).toString("utf8")
  } catch {
    return undefined
  }
}

/**
 * RSAES-OAEP (SHA-1, MGF1-SHA-1) encryption to `key`, base64: how WeChat encrypts an answer's field to the merchant
 * (a transfer detail's `username`).
 *
 * @example
 * ```ts
 * encrypt("张三", merchantPublicKey)
 * ```
 * @internal
 */
export const encrypt = (plaintext: string, key: Crypto.KeyObject): string =>
  Crypto.publicEncrypt(
    { key, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(plaintext, "utf8")
  ).toString("base64")

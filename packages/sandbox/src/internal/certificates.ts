/**
 * Platform certificates as WeChat hands them out: X.509 certificates (created with `@peculiar/x509`, never a
 * hand-written ASN.1 encoder) listed by `GET /v3/certificates`, each encrypted with AEAD_AES_256_GCM under the
 * merchant's APIv3 key. Written on `node:crypto`, sharing no code with `@effect-wechatpay/core`.
 *
 * @internal
 */
import * as x509 from "@peculiar/x509"
import * as Crypto from "node:crypto"
import { alphanumeric } from "./crypto.js"

/** The path of the download. @internal */
export const PATH = "/v3/certificates"

/**
 * One platform certificate the simulator holds: its serial (40 upper-case hex digits), validity, PEM and key.
 *
 * @internal
 */
export interface PlatformCertificate {
  readonly serialNo: string
  readonly validFrom: number
  readonly validTo: number
  readonly pem: string
  readonly privateKey: Crypto.KeyObject
}

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }

/**
 * A self-signed certificate for the key pair, valid from `validFrom` to `validTo` (milliseconds).
 *
 * @example
 * ```ts
 * const certificate = await create({ privateKey, serialNo: hex(20), validFrom: now, validTo: now + 5 * YEAR })
 * ```
 * @internal
 */
export const create = async (options: {
  readonly privateKey: string | Crypto.KeyObject
  readonly serialNo: string
  readonly validFrom: number
  readonly validTo: number
}): Promise<PlatformCertificate> => {
  const privateKey = typeof options.privateKey === "string"
    ? Crypto.createPrivateKey(options.privateKey)
    : options.privateKey
  const publicKey = Crypto.createPublicKey(privateKey)
  const subtle = Crypto.webcrypto.subtle
  const keys = {
    privateKey: await subtle.importKey("pkcs8", privateKey.export({ type: "pkcs8", format: "der" }), ALGORITHM, true, [
      "sign"
    ]),
    publicKey: await subtle.importKey("spki", publicKey.export({ type: "spki", format: "der" }), ALGORITHM, true, [
      "verify"
    ])
  } as CryptoKeyPair
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: options.serialNo,
    // WeChat's platform certificates name the issuing merchant platform in their subject.
    name: "CN=Tenpay.com Root CA Sandbox, O=Tenpay.com, C=CN",
    notBefore: new Date(options.validFrom),
    notAfter: new Date(options.validTo),
    signingAlgorithm: ALGORITHM,
    keys
  }, Crypto.webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1])
  return {
    serialNo: options.serialNo.toUpperCase(),
    validFrom: options.validFrom,
    validTo: options.validTo,
    pem: certificate.toString("pem"),
    privateKey
  }
}

/**
 * AEAD_AES_256_GCM as WeChat encrypts certificates and notification resources: key = the APIv3 key, IV = the
 * UTF-8 nonce (12 characters), AAD = the associated data, ciphertext = base64(data ‖ 16-byte tag).
 *
 * @example
 * ```ts
 * seal("plaintext", apiV3Key, "certificate")
 * ```
 * @internal
 */
export const seal = (plaintext: string, apiV3Key: string, associatedData: string) => {
  const nonce = alphanumeric(12)
  const cipher = Crypto.createCipheriv("aes-256-gcm", Buffer.from(apiV3Key, "utf8"), Buffer.from(nonce, "utf8"))
  cipher.setAAD(Buffer.from(associatedData, "utf8"))
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()])
  return { algorithm: "AEAD_AES_256_GCM", nonce, associated_data: associatedData, ciphertext: data.toString("base64") }
}

/**
 * RFC 3339 in China Standard Time, as WeChat writes `effective_time` and `create_time`.
 *
 * @example
 * ```ts
 * chinaTime(0) // "1970-01-01T08:00:00+08:00"
 * ```
 * @internal
 */
export const chinaTime = (millis: number): string =>
  `${new Date(Math.floor(millis / 1000) * 1000 + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`

/**
 * The body of `GET /v3/certificates`: every listed certificate, encrypted with the APIv3 key.
 *
 * @example
 * ```ts
 * render([current, next], apiV3Key)
 * ```
 * @internal
 */
export const render = (certificates: ReadonlyArray<PlatformCertificate>, apiV3Key: string): string =>
  JSON.stringify({
    data: certificates.map((certificate) => ({
      serial_no: certificate.serialNo,
      effective_time: chinaTime(certificate.validFrom),
      expire_time: chinaTime(certificate.validTo),
      encrypt_certificate: seal(certificate.pem, apiV3Key, "certificate")
    }))
  })

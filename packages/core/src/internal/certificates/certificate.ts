/**
 * A platform certificate as the key ring holds it, parsed from its PEM: what a program configured with fixed
 * certificates needs at start, without the download machinery (`download.ts`, loaded the first time a program
 * downloads the list).
 */
import * as Crypto from "node:crypto"
import { normalizeSerial } from "../crypto/signature.js"

/** One platform certificate: its serial (upper-case hex, as WeChat shows it), validity and public key. */
export interface Certificate {
  readonly serialNo: string
  /** Milliseconds since the epoch. */
  readonly validFrom: number
  /** Milliseconds since the epoch. */
  readonly validTo: number
  readonly publicKey: Crypto.KeyObject
  readonly pem: string
}

/** Why a download failed, before it becomes a `CertificateError`. */
export interface Failure {
  readonly reason: "NoCertificates" | "Transport" | "Status" | "Malformed" | "Decryption" | "Unverified" | "Expired"
  readonly description: string
  readonly status?: number
  readonly requestId?: string
}

export const PATH = "/v3/certificates"

/** Parses a PEM certificate with node's `X509Certificate`; `undefined` when it is not an RSA certificate. */
export const parseCertificate = (pem: string): Certificate | undefined => {
  try {
    const x509 = new Crypto.X509Certificate(pem)
    const publicKey = x509.publicKey
    if (publicKey.asymmetricKeyType !== "rsa") return undefined
    return {
      serialNo: normalizeSerial(x509.serialNumber),
      validFrom: Date.parse(x509.validFrom),
      validTo: Date.parse(x509.validTo),
      publicKey,
      pem
    }
  } catch {
    return undefined
  }
}

/**
 * WeChat's side of the platform keys, in one of three modes: the WeChat Pay public key (`PUB_KEY_ID_…`), platform
 * certificates (listed by `GET /v3/certificates`, rotated on demand), or both during a migration. It says which key
 * signs answers and notifications and which private key decrypts a request's sensitive fields, by the serial the
 * request names.
 *
 * @internal
 */
import type { KeyObject } from "node:crypto"
import * as Certificates from "./certificates.js"

/**
 * The key mode: `publicKey` (the default), `certificate`, or `mixed` (both; answers are signed by `signer`).
 *
 * @internal
 */
export type KeyMode = "publicKey" | "certificate" | "mixed"

/**
 * A private key and the serial that names it.
 *
 * @internal
 */
export interface NamedKey {
  readonly serial: string
  readonly privateKey: KeyObject
}

/**
 * The platform keys of one simulator. Mutable: rotation lists a new certificate, then signs with it.
 *
 * @internal
 */
export class KeyRing {
  /** Listed by `/v3/certificates`, oldest first. */
  certificates: Array<Certificates.PlatformCertificate>
  /** The serial of the certificate that signs (certificate mode, or mixed mode with `signer` "certificate"). */
  inUse: string | undefined
  /** In mixed mode, which key signs answers and notifications. */
  signer: "publicKey" | "certificate"

  constructor(
    readonly mode: KeyMode,
    readonly publicKey: NamedKey,
    certificates: ReadonlyArray<Certificates.PlatformCertificate>,
    readonly apiV3Key: string | undefined
  ) {
    this.certificates = [...certificates]
    this.inUse = certificates.at(-1)?.serialNo
    this.signer = mode === "certificate" ? "certificate" : "publicKey"
  }

  /** The key that signs what the simulator sends now. */
  signing(): NamedKey {
    if (this.mode === "publicKey" || this.signer === "publicKey") return this.publicKey
    const certificate = this.certificates.find((c) => c.serialNo === this.inUse)!
    return { serial: certificate.serialNo, privateKey: certificate.privateKey }
  }

  /**
   * The key that signs the answer to a request naming `serial` in its `Wechatpay-Serial`: in mixed mode, the key it
   * names when that is the public key or a listed certificate (a merchant migrating chooses which key verifies its
   * answers, WeChat's 如何从平台证书切换成微信支付公钥 §4.5); otherwise, and in the other modes, `signing()`.
   */
  signingFor(serial: string | undefined): NamedKey {
    if (this.mode !== "mixed" || serial === undefined) return this.signing()
    const wanted = serial.toUpperCase()
    if (wanted === this.publicKey.serial.toUpperCase()) return this.publicKey
    const certificate = this.certificates.find((c) => c.serialNo === wanted)
    return certificate === undefined
      ? this.signing()
      : { serial: certificate.serialNo, privateKey: certificate.privateKey }
  }

  /**
   * The private key for the serial a request names, compared case-insensitively as WeChat does; otherwise the
   * key the mode expects, so that the request fails with WeChat's own "unknown serial" answer.
   */
  decrypting(serial: string | undefined): NamedKey {
    const wanted = serial?.toUpperCase()
    const certificate = this.mode === "publicKey" ? undefined : this.certificates.find((c) => c.serialNo === wanted)
    if (certificate !== undefined) return { serial: serial!, privateKey: certificate.privateKey }
    if (this.mode !== "certificate") return this.publicKey
    const current = this.certificates.find((c) => c.serialNo === this.inUse)!
    return { serial: current.serialNo, privateKey: current.privateKey }
  }

  /** The certificates `/v3/certificates` lists at `now`: every one not yet expired. */
  listed(now: number): ReadonlyArray<Certificates.PlatformCertificate> {
    return this.certificates.filter((c) => c.validTo > now)
  }
}

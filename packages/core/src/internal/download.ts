/**
 * The download of `GET /v3/certificates` itself: sign, send, read, decrypt, parse, check dates and the signature.
 * It fails with a plain `Failure` that `PlatformCertificates` turns into its public `CertificateError`.
 */
import { Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import { Clock, Effect, Redacted, Schema } from "effect"
import * as Crypto from "node:crypto"
import * as Aead from "../Aead.js"
import * as Signer from "../Signer.js"
import * as Http from "./http.js"
import { normalizeSerial, verifyWith } from "./verify.js"
import { version } from "./version.js"

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

const EncryptedCertificate = Schema.Struct({
  serial_no: Schema.String,
  effective_time: Schema.optional(Schema.String),
  expire_time: Schema.optional(Schema.String),
  encrypt_certificate: Schema.Struct({
    algorithm: Schema.optional(Schema.String),
    nonce: Schema.String,
    associated_data: Schema.optional(Schema.String),
    ciphertext: Schema.String
  })
})
const DownloadBody = Schema.parseJson(Schema.Struct({ data: Schema.Array(EncryptedCertificate) }))
const decodeBody = Schema.decodeUnknown(DownloadBody, { onExcessProperty: "ignore" })
const ErrorBody = Schema.parseJson(Schema.Struct({ code: Schema.String, message: Schema.optional(Schema.String) }))
const decodeErrorBody = Schema.decodeUnknownOption(ErrorBody)

const userAgent = `effect-wechatpay/${version} (@effect-wechatpay/core; certificates)`

export interface DownloadOptions {
  readonly baseUrl: string
  readonly apiV3Key: Redacted.Redacted<string>
  readonly trusted?: ReadonlyMap<string, Crypto.KeyObject> | undefined
}

/** Downloads, decrypts and checks the certificates once; expired ones are left out. */
export const download = (options: DownloadOptions) =>
  Effect.gen(function*() {
    const signer = yield* Signer.Signer
    const httpClient = yield* HttpClient.HttpClient
    const authorization = yield* signer.authorize({ method: "GET", target: PATH, body: "" })
    const request = HttpClientRequest.get(options.baseUrl.replace(/\/+$/, "") + PATH, {
      headers: { accept: "application/json", "user-agent": userAgent, authorization: Redacted.value(authorization) }
    })
    const fail = (reason: Failure["reason"], description: string, status?: number, requestId?: string): Failure => ({
      reason,
      description,
      ...(status !== undefined ? { status } : {}),
      ...(requestId !== undefined ? { requestId } : {})
    })
    const response = yield* httpClient.execute(request).pipe(
      // The platform's spans record request headers: Authorization stays redacted whatever the program set.
      Effect.locallyWith(
        Headers.currentRedactedNames,
        (names) => names.includes("authorization") ? names : [...names, "authorization"]
      ),
      Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => fail("Transport", "no answer within 10 seconds") }),
      Effect.mapError((e) => "_tag" in e ? fail("Transport", `the download failed: ${e.reason}`) : e)
    )
    const status = response.status
    const requestId: string | undefined = response.headers["request-id"]
    const raw = new Uint8Array(
      yield* Effect.mapError(response.arrayBuffer, () => fail("Transport", "the body could not be read", status))
    )
    const text = new TextDecoder().decode(raw)
    if (status < 200 || status >= 300) {
      const body = decodeErrorBody(text)
      const said = body._tag === "Some" ? `${body.value.code} ${body.value.message ?? ""}`.trim() : Http.excerpt(text)
      return yield* Effect.fail(
        status === 404
          ? fail("NoCertificates", `HTTP 404 ${said}`, status, requestId)
          : fail("Status", `HTTP ${status} ${said}`, status, requestId)
      )
    }
    const body = yield* Effect.mapError(
      decodeBody(text),
      () => fail("Malformed", "the answer is not a certificate list", status, requestId)
    )
    const now = yield* Clock.currentTimeMillis
    const downloaded = new Map<string, Certificate>()
    for (const entry of body.data) {
      const pem = yield* Effect.mapError(
        Aead.decrypt(options.apiV3Key, entry.encrypt_certificate),
        () =>
          fail("Decryption", `certificate ${entry.serial_no} does not decrypt with the APIv3 key`, status, requestId)
      )
      const certificate = parseCertificate(Redacted.value(pem))
      if (certificate === undefined) {
        return yield* Effect.fail(fail("Malformed", `certificate ${entry.serial_no} is not an RSA X.509 certificate`))
      }
      if (certificate.serialNo !== normalizeSerial(entry.serial_no)) {
        return yield* Effect.fail(
          fail("Malformed", `serial_no ${entry.serial_no} names another certificate`, status, requestId)
        )
      }
      if (certificate.validTo > now) downloaded.set(certificate.serialNo, certificate)
    }
    if (downloaded.size === 0) {
      return yield* Effect.fail(fail("Expired", "every downloaded certificate has expired", status, requestId))
    }
    // The download vouches for itself: it must be signed by one of the certificates it carries (or a trusted key).
    yield* verifyWith({ headers: response.headers, body: raw, status }, {
      get: (serial) => downloaded.get(serial)?.publicKey ?? options.trusted?.get(serial),
      known: () => [...downloaded.keys()]
    }).pipe(
      Effect.mapError((e) => fail("Unverified", `the download's signature: ${e.message}`, status, requestId))
    )
    return Array.from(downloaded.values())
  })

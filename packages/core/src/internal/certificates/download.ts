/**
 * The download of `GET /v3/certificates` itself: sign, send, read, decrypt, parse, check dates and the signature.
 * It fails with a plain `Failure` that `PlatformCertificates` turns into its public `CertificateError`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import * as Aead from "../../Aead.js"
import * as Signer from "../../Signer.js"
import { normalizeSerial, verifyWith } from "../crypto/signature.js"
import { sanitize } from "../errors/sanitize.js"
import * as Bounded from "../http/boundedBody.js"
import * as Http from "../http/classify.js"
import * as Outbound from "../http/outbound.js"
import * as Timeout from "../runtime/timeout.js"
import { version } from "../version.js"

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

/** The most bytes the answer may hold when the options do not say: the calls' default (4 MiB). */
export const DEFAULT_MAX_BODY_SIZE = Bounded.DEFAULT_MAX_BYTES

/** How long the download may take, request and body, when the options do not say: a call attempt's default. */
export const DEFAULT_TIMEOUT = Duration.seconds(10)

export interface DownloadOptions {
  readonly baseUrl: string
  readonly apiV3Key: Redacted.Redacted<string>
  readonly trusted?: ReadonlyMap<string, Crypto.KeyObject> | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly maxBodySize?: number | undefined
}

const fail = (reason: Failure["reason"], description: string, status?: number, requestId?: string): Failure => ({
  reason,
  description,
  ...(status !== undefined ? { status } : {}),
  ...(requestId !== undefined ? { requestId } : {})
})

/** A serial from the unsigned list, as it may appear in a message: one line, bounded. */
const serialOf = (serial: string) => JSON.stringify(sanitize(serial, 64))

/**
 * Sends the signed request and reads the answer whole, within one deadline and at most `maxBodySize` bytes, as a
 * call's attempt is read: a body that stalls or drips fails at the deadline, a long one at the limit without
 * being read whole (the transport closes the connection), and `fetch` does not follow a redirect.
 */
const exchange = (
  httpClient: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  timeoutMillis: number,
  maxBodySize: number
) =>
  Timeout.timeoutWith(
    Effect.flatMap(
      httpClient.execute(request).pipe(
        Outbound.withoutRedirects,
        Outbound.redactAuthorization,
        Effect.mapError((e) => {
          const code = e._tag === "RequestError" ? Http.causeCode(e.cause) : undefined
          return fail("Transport", `the download failed: ${e.reason}${code !== undefined ? ` (${code})` : ""}`)
        })
      ),
      (response) =>
        Effect.map(
          Effect.mapError(Bounded.read(response, maxBodySize), (error) =>
            fail(
              "Transport",
              Bounded.describe(error._tag === "TooLarge" ? error : error.cause) ?? "the body could not be read",
              response.status
            )),
          (raw): readonly [HttpClientResponse.HttpClientResponse, Uint8Array] => [response, raw]
        )
    ),
    timeoutMillis,
    Effect.failSync(() => fail("Transport", `no answer read whole within ${timeoutMillis} ms (the timeout)`))
  )

/** Why a non-2xx answer failed: a redirect (never followed), or WeChat's code and message, sanitised. */
const refused = (response: HttpClientResponse.HttpClientResponse, text: string): Failure => {
  const { status } = response
  const requestId: string | undefined = response.headers["request-id"]
  const location = response.headers["location"]
  if (status >= 300 && status < 400) {
    const to = location !== undefined ? ` to ${JSON.stringify(sanitize(location, 200))}` : ""
    return fail("Status", `HTTP ${status}: a redirect${to}, not followed`, status, requestId)
  }
  // Error bodies are not signed: anyone on the path writes them, so they reach a message as one bounded line.
  const body = decodeErrorBody(text)
  const said = body._tag === "Some"
    ? `${sanitize(body.value.code, 120)} ${sanitize(body.value.message ?? "")}`.trim()
    : Http.excerpt(text)
  return fail(status === 404 ? "NoCertificates" : "Status", `HTTP ${status} ${said}`, status, requestId)
}

/**
 * Downloads, decrypts and checks the certificates once; those outside their validity dates (expired, or not yet
 * valid, by the `Clock`) are left out.
 */
export const download = (options: DownloadOptions) =>
  Effect.gen(function*() {
    const signer = yield* Signer.Signer
    const httpClient = yield* HttpClient.HttpClient
    const authorization = yield* signer.authorize({ method: "GET", target: PATH, body: "" })
    const request = HttpClientRequest.get(options.baseUrl.replace(/\/+$/, "") + PATH).pipe(
      Outbound.defaultHeaders,
      HttpClientRequest.setHeaders({ "user-agent": userAgent, authorization: Redacted.value(authorization) })
    )
    const timeoutMillis = Duration.toMillis(Duration.decode(options.timeout ?? DEFAULT_TIMEOUT))
    const [response, raw] = yield* exchange(
      httpClient,
      request,
      timeoutMillis,
      options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE
    )
    const status = response.status
    const requestId: string | undefined = response.headers["request-id"]
    const text = new TextDecoder().decode(raw)
    if (status < 200 || status >= 300) return yield* Effect.fail(refused(response, text))
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
          fail(
            "Decryption",
            `certificate ${serialOf(entry.serial_no)} does not decrypt with the APIv3 key`,
            status,
            requestId
          )
      )
      const certificate = parseCertificate(Redacted.value(pem))
      if (certificate === undefined) {
        return yield* Effect.fail(
          fail(
            "Malformed",
            `certificate ${serialOf(entry.serial_no)} is not an RSA X.509 certificate`,
            status,
            requestId
          )
        )
      }
      if (certificate.serialNo !== normalizeSerial(entry.serial_no)) {
        return yield* Effect.fail(
          fail("Malformed", `serial_no ${serialOf(entry.serial_no)} names another certificate`, status, requestId)
        )
      }
      // Both dates: a certificate not yet valid is no more trusted than an expired one.
      if (certificate.validFrom <= now && now < certificate.validTo) downloaded.set(certificate.serialNo, certificate)
    }
    if (downloaded.size === 0) {
      return yield* Effect.fail(
        fail(
          "Expired",
          "no downloaded certificate is valid now (each has expired or is not yet valid)",
          status,
          requestId
        )
      )
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

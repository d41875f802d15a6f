/**
 * WeChat Pay platform certificates, downloaded from `GET /v3/certificates`: each `encrypt_certificate` is
 * decrypted with the APIv3 key (AEAD_AES_256_GCM), parsed with node's `X509Certificate`, checked for its
 * validity dates, and the download is accepted only when its own signature verifies with the certificates it
 * carries (as wechatpay-go's `core/downloader` does). The service keeps them by serial, refreshes them on a
 * schedule in a scoped fiber, and re-downloads at most once a minute when asked for a serial it does not know.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import type { Redacted, Scope } from "effect"
import { Clock, Context, Duration, Effect, Layer, Schema } from "effect"
import type * as Crypto from "node:crypto"
import * as Internal from "./internal/download.js"
import { normalizeSerial } from "./internal/verify.js"
import type * as Signer from "./Signer.js"

/**
 * Why certificates could not be had. `NoCertificates` is WeChat's 404 `无可用的平台证书`: the merchant has a
 * WeChat Pay public key instead, and its message says to configure it. No reason ever carries the APIv3 key,
 * a decrypted certificate or the `Authorization` header.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * declare const build: Effect.Effect<void, PlatformCertificates.CertificateError>
 * const handled = build.pipe(
 *   Effect.catchTag("CertificateError", (e) =>
 *     e.reason === "NoCertificates" ? Effect.dieMessage(e.message) : Effect.fail(e))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class CertificateError extends Schema.TaggedError<CertificateError>(
  "@effect-wechatpay/core/CertificateError"
)("CertificateError", {
  reason: Schema.Literal("NoCertificates", "Transport", "Status", "Malformed", "Decryption", "Unverified", "Expired"),
  /** Why, in words; never contains a key, a certificate or a signature. */
  description: Schema.String,
  status: Schema.optional(Schema.Number),
  requestId: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.reason === "NoCertificates"
      ? "this merchant has no platform certificates (404 无可用的平台证书): configure the WeChat Pay public key " +
        "(platformPublicKeyId and platformPublicKey, or WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY)"
      : `${this.reason}: ${this.description}`
  }
}

/**
 * One platform certificate: its serial (upper-case hex, as WeChat shows it), validity (milliseconds since the
 * epoch) and public key.
 *
 * @example
 * ```ts
 * import type { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const isValidAt = (c: PlatformCertificates.Certificate, millis: number) =>
 *   c.validFrom <= millis && millis < c.validTo
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Certificate = Internal.Certificate

/**
 * The path certificates are downloaded from.
 *
 * @example
 * ```ts
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const url = `https://api.mch.weixin.qq.com${PlatformCertificates.PATH}`
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const PATH = Internal.PATH

/**
 * Parses a PEM certificate with node's `X509Certificate`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * declare const pem: string
 * const serial = Effect.map(PlatformCertificates.parse(pem), (c) => c.serialNo)
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (pem: string): Effect.Effect<Certificate, CertificateError> =>
  Effect.suspend(() => {
    const certificate = Internal.parseCertificate(pem)
    return certificate !== undefined
      ? Effect.succeed(certificate)
      : Effect.fail(new CertificateError({ reason: "Malformed", description: "not a PEM RSA X.509 certificate" }))
  })

/**
 * What {@link download} needs.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const options: PlatformCertificates.DownloadOptions = {
 *   baseUrl: "https://api.mch.weixin.qq.com",
 *   apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface DownloadOptions extends Internal.DownloadOptions {
  readonly baseUrl: string
  /** The APIv3 key (32 bytes) that decrypts `encrypt_certificate`. */
  readonly apiV3Key: Redacted.Redacted<string>
  /** Keys the download may also be signed with (the WeChat Pay public key in mixed mode), by upper-case serial. */
  readonly trusted?: ReadonlyMap<string, Crypto.KeyObject> | undefined
}

/**
 * Downloads, decrypts and checks the platform certificates once; expired ones are left out.
 *
 * Signed with the `Signer` and sent through the platform `HttpClient` directly, so it works on every transport.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const serials = PlatformCertificates.download({
 *   baseUrl: "https://api.mch.weixin.qq.com",
 *   apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
 * }).pipe(Effect.map((certificates) => certificates.map((c) => c.serialNo)))
 * ```
 *
 * @since 0.1.0
 * @category downloading
 */
export const download = (
  options: DownloadOptions
): Effect.Effect<ReadonlyArray<Certificate>, CertificateError, Signer.Signer | HttpClient.HttpClient> =>
  Internal.download(options).pipe(
    Effect.mapError((failure) => new CertificateError(failure)),
    Effect.withSpan("PlatformCertificates.download")
  )

/**
 * The key ring's certificate source: the certificates downloaded so far, by serial.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const serials = Effect.map(PlatformCertificates.PlatformCertificates, (c) => c.certificates.map((x) => x.serialNo))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The certificates held now, newest first. */
  readonly certificates: ReadonlyArray<Certificate>
  /**
   * The certificate to encrypt with: the valid one that expires last, kept until it nears expiry (7 days) so that
   * a rotation does not switch it under a request being built.
   */
  readonly newest: Certificate | undefined
  /** The certificate held with this upper-case serial, without downloading. */
  readonly get: (serial: string) => Certificate | undefined
  /**
   * The certificate with this serial (any case). An unknown serial triggers a download, at most once a minute
   * across all callers; a failed download is logged and answers `undefined`.
   */
  readonly lookup: (serial: string) => Effect.Effect<Certificate | undefined>
  /** Downloads now and replaces the certificates held. */
  readonly refresh: Effect.Effect<void, CertificateError>
}

/**
 * The downloaded platform certificates.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const refreshed = Effect.flatMap(PlatformCertificates.PlatformCertificates, (c) => c.refresh)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class PlatformCertificates extends Context.Tag("@effect-wechatpay/core/PlatformCertificates")<
  PlatformCertificates,
  Service
>() {}

/**
 * What {@link make} needs: where to download from, the APIv3 key and the refresh schedule.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const options: PlatformCertificates.Options = {
 *   baseUrl: "https://api.mch.weixin.qq.com",
 *   apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"),
 *   refreshInterval: "1 hour"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends DownloadOptions {
  /** How often certificates are downloaded again (default 1 hour; wechatpay-java refreshes every 60 minutes). */
  readonly refreshInterval?: Duration.DurationInput | undefined
  /**
   * When `true` (mixed mode: a WeChat Pay public key also verifies), a failed first download is logged and the
   * service starts empty instead of failing: certificates must never break a working public key.
   */
  readonly optional?: boolean | undefined
}

/** An unknown serial re-downloads at most this often. */
const MIN_REFETCH_MILLIS = 60_000

/** The encryption certificate is kept until it has less than this left, then the newest valid one takes over. */
const SWITCH_BEFORE_EXPIRY_MILLIS = 7 * 86_400_000

// Sticky on purpose: a caller reads `serialNo` after encrypting, so a switch between the two would send fields
// encrypted with one certificate under another's serial. Switching only near expiry (WeChat keeps listing the
// previous certificate meanwhile) makes that window a once-in-years event instead of one per rotation.
const newestOf = (
  certificates: ReadonlyArray<Certificate>,
  now: number,
  current: Certificate | undefined
): Certificate | undefined => {
  if (
    current !== undefined && current.validTo - now > SWITCH_BEFORE_EXPIRY_MILLIS &&
    certificates.some((c) => c.serialNo === current.serialNo)
  ) return current
  let newest: Certificate | undefined
  for (const c of certificates) {
    if (c.validFrom <= now && c.validTo > now && (newest === undefined || c.validTo > newest.validTo)) newest = c
  }
  return newest
}

const logFailure = (error: CertificateError) =>
  Effect.logWarning(`platform certificates: ${error.message}`).pipe(
    Effect.annotateLogs({ "wechatpay.certificates.reason": error.reason })
  )

/**
 * Downloads the certificates (failing the build unless `optional`) and refreshes them every `refreshInterval`
 * in a fiber that lives as long as the scope.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const program = Effect.gen(function*() {
 *   const certificates = yield* PlatformCertificates.make({
 *     baseUrl: "https://api.mch.weixin.qq.com",
 *     apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
 *   })
 *   return certificates.newest?.serialNo
 * }).pipe(Effect.scoped)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Service, CertificateError, Signer.Signer | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<Signer.Signer | HttpClient.HttpClient>()
    const interval = Duration.decode(options.refreshInterval ?? "1 hour")
    let held = new Map<string, Certificate>()
    let list: ReadonlyArray<Certificate> = []
    let newest: Certificate | undefined
    // Only refetches for unknown serials are rate-limited: a rotation right after a scheduled download still works.
    let lastRefetch = Number.NEGATIVE_INFINITY
    const lock = yield* Effect.makeSemaphore(1)

    // Callers hold `lock` around this: one download at a time.
    const refreshUnlocked = Effect.gen(function*() {
      const downloaded = yield* Effect.provide(download(options), context)
      const now = yield* Clock.currentTimeMillis
      // Certificates dropped from the list stay usable until they expire: answers signed a moment ago still verify.
      const next = new Map<string, Certificate>()
      for (const c of held.values()) if (c.validTo > now) next.set(c.serialNo, c)
      for (const c of downloaded) next.set(c.serialNo, c)
      held = next
      list = Array.from(next.values()).sort((a, b) => b.validFrom - a.validFrom)
      newest = newestOf(list, now, newest)
    })
    const refresh = lock.withPermits(1)(refreshUnlocked)

    const first = yield* options.optional === true ? Effect.either(refresh) : Effect.as(refresh, undefined)
    if (first?._tag === "Left") {
      // A merchant with only a WeChat Pay public key has no certificates (404): say it once and stop asking on a
      // schedule; an unknown serial may still ask, at most once a minute, in case the merchant migrates.
      if (first.left.reason === "NoCertificates") {
        yield* Effect.logInfo("platform certificates: none for this merchant; verifying with the WeChat Pay public key")
      } else {
        yield* logFailure(first.left)
      }
    }
    if (first?._tag !== "Left" || first.left.reason !== "NoCertificates") {
      yield* Effect.sleep(interval).pipe(
        Effect.zipRight(Effect.catchAll(refresh, logFailure)),
        Effect.forever,
        Effect.forkScoped
      )
    }

    const lookup = (serial: string): Effect.Effect<Certificate | undefined> =>
      Effect.suspend(() => {
        const wanted = normalizeSerial(serial)
        const found = held.get(wanted)
        if (found !== undefined) return Effect.succeed(found)
        return Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          // Another caller may have downloaded while this one waited: look again before going to WeChat.
          if (held.has(wanted) || now - lastRefetch < MIN_REFETCH_MILLIS) return held.get(wanted)
          lastRefetch = now
          yield* refreshUnlocked.pipe(Effect.catchAll(logFailure), Effect.withSpan("PlatformCertificates.refetch"))
          return held.get(wanted)
        }).pipe(lock.withPermits(1))
      })

    return PlatformCertificates.of({
      get certificates() {
        return list
      },
      get newest() {
        return newest
      },
      get: (serial) => held.get(serial),
      lookup,
      refresh
    })
  })

/**
 * Provides {@link PlatformCertificates} built by {@link make}; the refresh fiber stops with the layer.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * const CertificatesLive = PlatformCertificates.layer({
 *   baseUrl: "https://api.mch.weixin.qq.com",
 *   apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<PlatformCertificates, CertificateError, Signer.Signer | HttpClient.HttpClient> =>
  Layer.scoped(PlatformCertificates, make(options))

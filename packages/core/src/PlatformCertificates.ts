/**
 * WeChat Pay platform certificates, downloaded from `GET /v3/certificates`: each `encrypt_certificate` is
 * decrypted with the APIv3 key (AEAD_AES_256_GCM), parsed with node's `X509Certificate`, checked for both its
 * validity dates, and the download is accepted only when its own signature verifies with the certificates it
 * carries (as wechatpay-go's `core/downloader` does). It is sent and read like a call's attempt: one timeout over
 * the request and its body, at most `maxBodySize` bytes, no redirect followed, server text sanitised.
 *
 * The service holds what the latest verified list names, refreshes it on a schedule in a scoped fiber, and
 * re-downloads at most once a minute when asked for a serial it does not know. A certificate the list stops
 * naming stays trusted for {@link GRACE_PERIOD} only, so that answers signed with it a moment ago still verify.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type { Redacted, Scope } from "effect"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Crypto from "node:crypto"
import * as Internal from "./internal/certificates/download.js"
import * as Ring from "./internal/certificates/ring.js"
import { normalizeSerial } from "./internal/crypto/signature.js"
import { sanitize } from "./internal/errors/sanitize.js"
import type * as Signer from "./Signer.js"

/**
 * Why certificates could not be had. `NoCertificates` is WeChat's 404 `无可用的平台证书`: the merchant has a
 * WeChat Pay public key instead, and its message says to configure it. `Transport`: no answer read whole within
 * the timeout, or one over `maxBodySize`, or the connection failed. `Status`: another non-2xx answer, a redirect
 * included (never followed). `Expired`: no listed certificate is within its validity dates. No reason ever
 * carries the APIv3 key, a decrypted certificate or the `Authorization` header, and server text in it is one
 * line, control characters escaped.
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
      : `${this.reason}: ${sanitize(this.description, 400)}`
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
  /** How long it may take, request and body (default 10 s; `WeChatPay.layer` passes `timeout`): else `Transport`. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The most bytes its answer may hold (default 4 MiB; `WeChatPay.layer` passes `maxBodySize`): else `Transport`. */
  readonly maxBodySize?: number | undefined
}

/**
 * Downloads, decrypts and checks the platform certificates once; those outside their validity dates (expired,
 * or not yet valid, by the `Clock`) are left out.
 *
 * Signed with the `Signer` and sent through the platform `HttpClient` directly, so it works on every transport,
 * bounded by `timeout` and `maxBodySize`.
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
  /**
   * The certificates of the latest verified list that are valid now, newest first (one the list stopped naming
   * still verifies during {@link GRACE_PERIOD}, but is not shown here).
   */
  readonly certificates: ReadonlyArray<Certificate>
  /**
   * The certificate to encrypt with: the valid one that expires last, kept until it nears expiry (7 days) so that
   * a rotation does not switch it under a request being built.
   */
  readonly newest: Certificate | undefined
  /**
   * The certificate trusted now with this upper-case serial, without downloading: within both its validity dates,
   * and listed by the latest verified download or within {@link GRACE_PERIOD} of the first one that was not.
   */
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

/**
 * How long a certificate stays trusted once the latest verified download stopped listing it: 10 minutes, twice the
 * 5-minute `Wechatpay-Timestamp` window, by when whatever WeChat signed with it before is stale anyway (for any
 * clock skew under which answers verify at all). Answers in flight verify; a withdrawn certificate, soon no more.
 *
 * @example
 * ```ts
 * import { Duration } from "effect"
 * import { PlatformCertificates } from "@effect-wechatpay/core"
 *
 * console.log(Duration.format(PlatformCertificates.GRACE_PERIOD)) // 10m
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const GRACE_PERIOD: Duration.Duration = Duration.millis(Ring.GRACE_MILLIS)

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
    // Read in place by the synchronous `get` (the verifier's hot path); TestClock in tests.
    const clock = yield* Effect.clock
    const interval = Duration.decode(options.refreshInterval ?? "1 hour")
    let held: ReadonlyMap<string, Ring.Held> = new Map()
    let list: ReadonlyArray<Certificate> = []
    let newest: Certificate | undefined
    // Only refetches for unknown serials are rate-limited: a rotation right after a scheduled download still works.
    let lastRefetch = Number.NEGATIVE_INFINITY
    const lock = yield* Effect.makeSemaphore(1)

    // Callers hold `lock` around this: one download at a time.
    const refreshUnlocked = Effect.gen(function*() {
      const downloaded = yield* Effect.provide(download(options), context)
      const now = yield* Clock.currentTimeMillis
      // The verified list replaces what was held; a certificate it no longer names verifies only for its grace.
      held = Ring.replace(held, downloaded, now)
      list = [...downloaded].sort((a, b) => b.validFrom - a.validFrom)
      newest = Ring.newestOf(list, now, newest)
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

    const get = (serial: string) => Ring.trusted(held, serial, clock.unsafeCurrentTimeMillis())

    const lookup = (serial: string): Effect.Effect<Certificate | undefined> =>
      Effect.suspend(() => {
        const wanted = normalizeSerial(serial)
        const found = get(wanted)
        if (found !== undefined) return Effect.succeed(found)
        return Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          // Another caller may have downloaded while this one waited: look again before going to WeChat.
          const again = Ring.trusted(held, wanted, now)
          if (again !== undefined || now - lastRefetch < MIN_REFETCH_MILLIS) return again
          lastRefetch = now
          yield* refreshUnlocked.pipe(Effect.catchAll(logFailure), Effect.withSpan("PlatformCertificates.refetch"))
          return get(wanted)
        }).pipe(lock.withPermits(1))
      })

    return PlatformCertificates.of({
      get certificates() {
        const now = clock.unsafeCurrentTimeMillis()
        return list.filter((c) => c.validFrom <= now && now < c.validTo)
      },
      get newest() {
        return newest
      },
      get,
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

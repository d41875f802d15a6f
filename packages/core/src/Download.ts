/**
 * WeChat's files (bills, e-receipts): named by a signed, verified metadata answer (`download_url`, `hash_type`,
 * `hash_value`) and fetched with a signed GET whose answer WeChat does not sign. The digest is then the only
 * proof, and this module checks it: {@link stream} fails at its end with `DigestMismatch` when the bytes are not
 * the ones the metadata named, and {@link toFile} puts a file at the path only once they were.
 *
 * The GET goes only to the client's configured API host or its backup: a `download_url` on any other host,
 * scheme or port, or with credentials, fails with `ForeignHost` before anything is sent. It is signed over the
 * URL's path and query like every request, never follows a redirect, and is bounded: a size limit counted on
 * the inflated bytes, an idle timeout and a deadline. It streams in constant memory.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Body from "./internal/download/body.js"
import { sanitize } from "./internal/errors/sanitize.js"
import type * as WeChatPayClient from "./WeChatPayClient.js"

/**
 * What a WeChat answer names a file by (a bill, a receipt): the signed, verified metadata.
 *
 * @example
 * ```ts
 * import type { Download } from "@effect-wechatpay/core"
 *
 * const bill: Download.FileMetadata = {
 *   download_url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=xxx",
 *   hash_type: "SHA1",
 *   hash_value: "79bb0f45fc4c42234a918000b2668d689e2bde04"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FileMetadata {
  /** Where WeChat serves the file: valid minutes at most (30 s for bills, 10 minutes for receipts). */
  readonly download_url: string
  /** `SHA1` (bills) or `SHA256` (receipts), any case; another fails as `UnsupportedHash`, nothing sent. */
  readonly hash_type: string
  /** The digest in hex, any case. */
  readonly hash_value: string
}

/**
 * The most bytes a file may hold, inflated, unless {@link Options.maxBytes} says otherwise: 1 GiB. A trade bill
 * row is about 300–400 bytes, so this is some three million rows, a very large merchant's day; a receipt is a
 * PDF of kilobytes. It bounds the disk and CPU a broken or hostile answer (a gzip bomb) can cost; memory is
 * constant whatever the size.
 *
 * @example
 * ```ts
 * import { Download } from "@effect-wechatpay/core"
 *
 * const options: Download.Options = { maxBytes: 4 * Download.DEFAULT_MAX_BYTES }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024

/**
 * How long the download may go without a byte (the answer's head included) unless {@link Options.idleTimeout}
 * says otherwise: 30 seconds, three call-attempt timeouts.
 *
 * @example
 * ```ts
 * import { Duration } from "effect"
 * import { Download } from "@effect-wechatpay/core"
 *
 * console.log(Duration.format(Download.DEFAULT_IDLE_TIMEOUT)) // "30s"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_IDLE_TIMEOUT: Duration.Duration = Duration.seconds(30)

/**
 * How long the whole download may take unless {@link Options.timeout} says otherwise: 30 minutes, the default
 * limit at under 1 MB/s.
 *
 * @example
 * ```ts
 * import { Duration } from "effect"
 * import { Download } from "@effect-wechatpay/core"
 *
 * console.log(Duration.format(Download.DEFAULT_TIMEOUT)) // "30m"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.minutes(30)

/**
 * How one download is read; every field is optional.
 *
 * @example
 * ```ts
 * import type { Download } from "@effect-wechatpay/core"
 *
 * // A bill asked for with tar_type=GZIP
 * const options: Download.Options = { gzip: true, maxBytes: 256 * 1024 * 1024, idleTimeout: "10 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The file was asked for gzip (`tar_type=GZIP`): it is inflated, and the digest is over the inflated bytes. */
  readonly gzip?: boolean | undefined
  /** The most bytes the file may hold, inflated (default {@link DEFAULT_MAX_BYTES}); past it: `TooLarge`. */
  readonly maxBytes?: number | undefined
  /** No byte for this long (default {@link DEFAULT_IDLE_TIMEOUT}): `Timeout`, and the connection is closed. */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /** The whole download's deadline (default {@link DEFAULT_TIMEOUT}): `Timeout`. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * {@link toFile} only: told the bytes written so far (inflated, not yet verified) after each chunk, to show
   * progress. It runs on the download's fiber: keep it quick (store the figure; draw it on a schedule of your own).
   */
  readonly onProgress?: ((bytes: number) => Effect.Effect<void>) | undefined
}

/**
 * Why a download failed. `DigestMismatch`: the bytes are not the ones the metadata named (corrupted, truncated,
 * or another file) — do not use them. `TooLarge`: past `maxBytes` (inflated) or a `Content-Length` over it.
 * `UnsupportedHash`: a `hash_type` other than SHA1/SHA256, nothing sent. `Expired`: WeChat's 400
 * `INVALID_REQUEST`, which its download page answers for a `download_url` that has expired or was altered (ask
 * for the metadata again). `ForeignHost`: the `download_url` is not on the configured API host or its backup,
 * nothing sent. `Status`: another non-2xx answer (a redirect included, never followed), with WeChat's `code`.
 * `Transport`: the connection or the file system failed. `Timeout`: the idle timeout or the deadline.
 * `Malformed`: metadata that cannot be used, or a body that does not inflate as gzip. Server text in it is one
 * bounded line; the `download_url`'s query (its token) is never in it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { Download } from "@effect-wechatpay/core"
 *
 * declare const saved: Effect.Effect<number, Download.DownloadError>
 * const retried = saved.pipe(
 *   Effect.catchTag("DownloadError", (e) => e.reason === "Expired" ? Effect.succeed(0) : Effect.fail(e))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class DownloadError extends Schema.TaggedError<DownloadError>("@effect-wechatpay/core/DownloadError")(
  "DownloadError",
  {
    reason: Schema.Literal(
      "DigestMismatch",
      "TooLarge",
      "UnsupportedHash",
      "Expired",
      "ForeignHost",
      "Status",
      "Transport",
      "Timeout",
      "Malformed"
    ),
    /** Why, in words. */
    description: Schema.String,
    /** The answer's HTTP status, when there was one. */
    status: Schema.optional(Schema.Number),
    /** WeChat's error code, when its error body had one. */
    code: Schema.optional(Schema.String),
    requestId: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    return `${this.reason}: ${sanitize(this.description, 400)}`
  }
}

const toError = (failure: Body.Failure) => new DownloadError(failure)

const positiveDuration = (name: string, input: Duration.DurationInput | undefined, fallback: Duration.Duration) => {
  const duration = input === undefined ? fallback : Duration.decode(input)
  if (!(Duration.greaterThan(duration, Duration.zero) && Duration.isFinite(duration))) {
    throw new RangeError(`Download: ${name} must be a positive, finite duration`)
  }
  return duration
}

const resolve = (options: Options) => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    throw new RangeError("Download: maxBytes must be a positive integer")
  }
  return {
    gzip: options.gzip === true,
    maxBytes,
    idle: positiveDuration("idleTimeout", options.idleTimeout, DEFAULT_IDLE_TIMEOUT),
    timeout: positiveDuration("timeout", options.timeout, DEFAULT_TIMEOUT)
  }
}

/**
 * The file named by `metadata`, as a stream of its bytes (inflated when `options.gzip`), read from the
 * configured API host with a signed GET. The bytes flow as they arrive, digested as they go; the stream fails
 * **at its end** with `DigestMismatch` when they are not the ones the metadata named, so a consumer must not
 * act on them before it has ended (or use {@link toFile}). Memory stays constant whatever the size.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Download } from "@effect-wechatpay/core"
 *
 * declare const bill: Download.FileMetadata
 * const lines = Download.stream(bill, { gzip: true }).pipe(
 *   Stream.decodeText(),
 *   Stream.splitLines,
 *   Stream.runCount
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream = (
  metadata: FileMetadata,
  options: Options = {}
): Stream.Stream<Uint8Array, DownloadError, WeChatPayClient.WeChatPayClient> =>
  Stream.suspend(() => {
    const resolved = resolve(options)
    const timeoutMillis = Duration.toMillis(resolved.timeout)
    const deadline = Effect.zipRight(
      Effect.sleep(resolved.timeout),
      Effect.fail(
        new DownloadError({ reason: "Timeout", description: `not downloaded within ${timeoutMillis} ms (the timeout)` })
      )
    )
    return Stream.unwrap(open(metadata, resolved)).pipe(
      // The deadline covers the whole: the request, the head of the answer and every byte of the body.
      Stream.interruptWhen(deadline),
      Stream.withSpan("Download.stream", {
        kind: "client",
        attributes: { "wechatpay.hash_type": sanitize(metadata.hash_type, 16), "wechatpay.gzip": resolved.gzip }
      })
    )
  })

// The request, the answer's head and the body pipeline (gzip, digests, the temporary file) are loaded the first time
// a program downloads a file: most programs never do, and need not pay for them at start.
const open = (metadata: FileMetadata, resolved: ReturnType<typeof resolve>) =>
  Effect.flatMap(
    Effect.promise(() => import("./internal/download/open.js")),
    (module) => module.open(metadata, resolved, toError)
  )

/**
 * Downloads the file named by `metadata` to `path`: into a temporary file beside it (same directory, a unique
 * name, created exclusively), renamed onto `path` only once the digest matched; on any failure or interruption
 * the temporary file is removed, so no unverified file ever stands at `path` and none is left beside it. An
 * existing file at `path` is replaced only by a verified one. Gives the bytes written (inflated) and the path.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Download } from "@effect-wechatpay/core"
 *
 * declare const receipt: Download.FileMetadata
 * const saved = Download.toFile(receipt, "/var/receipts/1000000001.pdf").pipe(
 *   Effect.tap(({ bytes }) => Effect.log(`receipt saved, ${bytes} bytes`))
 * )
 *
 * // Progress: the bytes so far, kept for a display of one's own to read.
 * let received = 0
 * const watched = Download.toFile(receipt, "/var/receipts/1000000001.pdf", {
 *   onProgress: (bytes) => Effect.sync(() => (received = bytes))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const toFile = (
  metadata: FileMetadata,
  path: string,
  options: Options = {}
): Effect.Effect<{ readonly bytes: number; readonly path: string }, DownloadError, WeChatPayClient.WeChatPayClient> =>
  Effect.promise(() => import("./internal/download/file.js")).pipe(
    Effect.flatMap((File) => File.write(stream(metadata, options), path, options.onProgress)),
    Effect.mapError((failure) => failure instanceof DownloadError ? failure : toError(failure)),
    Effect.map((bytes) => ({ bytes, path })),
    Effect.withSpan("Download.toFile")
  )

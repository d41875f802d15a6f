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
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import { Duration, Effect, Option, Schema, Stream } from "effect"
import * as Body from "./internal/download/body.js"
import * as File from "./internal/download/file.js"
import * as Target from "./internal/download/target.js"
import { sanitize } from "./internal/errors/sanitize.js"
import * as Bounded from "./internal/http/boundedBody.js"
import * as Http from "./internal/http/classify.js"
import * as WeChatPayClient from "./WeChatPayClient.js"

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

/** The most of an error answer read, to find WeChat's code and message in it. */
const MAX_ERROR_BODY = 64 * 1024

const ErrorBody = Schema.parseJson(Schema.Struct({ code: Schema.String, message: Schema.optional(Schema.String) }))
const decodeErrorBody = Schema.decodeUnknownOption(ErrorBody)

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

/** A non-2xx answer: its typed failure, from WeChat's JSON error body (sanitised) when it has one. */
const refused = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.gen(function*() {
    const { status } = response
    const requestId: string | undefined = response.headers["request-id"]
    const extra = { status, ...(requestId !== undefined ? { requestId } : {}) }
    const location = response.headers["location"]
    if (status >= 300 && status < 400) {
      // Let go of the body unread: the transport closes the connection.
      yield* Effect.ignore(Stream.runDrain(Stream.take(response.stream, 1)))
      const to = location !== undefined ? ` to ${JSON.stringify(sanitize(location.replace(/[?#].*$/s, ""), 200))}` : ""
      return Body.failure("Status", `HTTP ${status}: a redirect${to}, not followed`, extra)
    }
    const raw = yield* Effect.orElseSucceed(Bounded.read(response, MAX_ERROR_BODY), () => new Uint8Array(0))
    const text = new TextDecoder().decode(raw)
    const body = decodeErrorBody(text)
    if (Option.isNone(body)) return Body.failure("Status", `HTTP ${status}: ${Http.excerpt(text)}`, extra)
    const code = sanitize(body.value.code, 64)
    const said = `${code} ${sanitize(body.value.message ?? "", 200)}`.trim()
    if (status === 400 && body.value.code === "INVALID_REQUEST") {
      return Body.failure(
        "Expired",
        `HTTP 400 ${said}: WeChat refuses a download_url that has expired or was altered; ask for the file's metadata again`,
        { ...extra, code }
      )
    }
    return Body.failure("Status", `HTTP ${status} ${said}`, { ...extra, code })
  })

/** The transport's body errors: over the transport's own limit is `TooLarge`, anything else `Transport`. */
const wireFailure = (error: { readonly cause?: unknown; readonly reason?: string }) => {
  const tooLarge = Bounded.describe(error.cause)
  return tooLarge !== undefined
    ? Body.failure("TooLarge", tooLarge)
    : Body.failure("Transport", `the file's body could not be read to its end (${error.reason ?? "unknown"})`)
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
      Effect.fail(toError(Body.failure("Timeout", `not downloaded within ${timeoutMillis} ms (the timeout)`)))
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

/** Checks the metadata, sends the signed GET, and gives the file's stream once the answer's head is in. */
const open = (metadata: FileMetadata, { gzip, idle, maxBytes }: ReturnType<typeof resolve>) =>
  Effect.gen(function*() {
    const client = yield* WeChatPayClient.WeChatPayClient
    const digest = Target.digestOf(metadata.hash_type, metadata.hash_value)
    if (Target.isRefusal(digest)) return yield* Effect.fail(toError(digest))
    const hosts = client.backupUrl === undefined ? [client.baseUrl] : [client.baseUrl, client.backupUrl]
    const path = Target.pathOf(metadata.download_url, hosts)
    if (Target.isRefusal(path)) return yield* Effect.fail(toError(path))
    if (client.getUnverified === undefined) {
      return yield* Effect.fail(
        new DownloadError({ reason: "Transport", description: "this WeChatPayClient cannot download files" })
      )
    }
    const idleMillis = Duration.toMillis(idle)
    const idleFailure = () =>
      Body.failure("Timeout", `no byte for ${idleMillis} ms (the idle timeout); the connection was closed`)
    const response = yield* client.getUnverified(path).pipe(
      Effect.mapError((error) => {
        if (error._tag === "RequestTimeout") return toError(Body.failure("Timeout", error.message))
        const code = Http.causeCode(error.cause)
        return toError(
          Body.failure("Transport", `the download failed: ${error.reason}${code !== undefined ? ` (${code})` : ""}`)
        )
      }),
      Effect.timeoutFail({ duration: idle, onTimeout: () => toError(idleFailure()) })
    )
    const { status } = response
    if (status < 200 || status >= 300) {
      return yield* Effect.flatMap(
        Effect.timeoutFail(refused(response), { duration: idle, onTimeout: () => toError(idleFailure()) }),
        (failure) => Effect.fail(toError(failure))
      )
    }
    const length = response.headers["content-length"]
    if (!gzip && length !== undefined && /^\d+$/.test(length.trim()) && Number(length) > maxBytes) {
      // Let go of the body unread: the transport closes the connection.
      yield* Effect.ignore(Stream.runDrain(Stream.take(response.stream, 1)))
      return yield* Effect.fail(toError(Body.failure(
        "TooLarge",
        `the file's Content-Length ${Number(length)} exceeds the ${maxBytes}-byte limit; nothing was read`,
        { status }
      )))
    }
    const wire = response.stream.pipe(
      Stream.mapError(wireFailure),
      // Per pull: no byte for this long fails, and ending the stream closes the connection.
      Stream.timeoutFail(idleFailure, idle),
      // The lean transport's own body limit, here no lower than this download's.
      Stream.provideService(
        HttpIncomingMessage.MaxBodySize,
        Option.some(FileSystem.Size(Body.wireLimit(maxBytes, gzip)))
      )
    )
    return Stream.mapError(
      Body.file(wire, {
        gzip,
        maxBytes,
        algorithm: digest.algorithm,
        expected: digest.expected,
        hashType: metadata.hash_type.trim().toUpperCase()
      }),
      toError
    )
  })

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
  Effect.map(
    File.write(stream(metadata, options), path, options.onProgress).pipe(
      Effect.mapError((failure) => failure instanceof DownloadError ? failure : toError(failure))
    ),
    (bytes) => ({ bytes, path })
  ).pipe(Effect.withSpan("Download.toFile"))

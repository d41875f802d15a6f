/**
 * The download's request and the head of its answer: `Download.stream` loads this module (and with it the body
 * pipeline, gzip and the digests) with a dynamic `import()` the first time a program downloads a file, so a program
 * that never does pays nothing for it at start.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as WeChatPayClient from "../../WeChatPayClient.js"
import { sanitize } from "../errors/sanitize.js"
import * as Bounded from "../http/boundedBody.js"
import * as Http from "../http/classify.js"
import * as Body from "./body.js"
import * as Target from "./target.js"

/** How one download is read, checked by `Download`. */
export interface Resolved {
  readonly gzip: boolean
  readonly maxBytes: number
  readonly idle: Duration.Duration
  readonly timeout: Duration.Duration
}

/** The most of an error answer read, to find WeChat's code and message in it. */
const MAX_ERROR_BODY = 64 * 1024

const ErrorBody = Schema.parseJson(Schema.Struct({ code: Schema.String, message: Schema.optional(Schema.String) }))
const decodeErrorBody = Schema.decodeUnknownOption(ErrorBody)

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
 * Checks the metadata, sends the signed GET, and gives the file's stream once the answer's head is in; every
 * failure goes through `toError` (`Download`'s error class).
 */
export const open = <E>(
  metadata: { readonly download_url: string; readonly hash_type: string; readonly hash_value: string },
  { gzip, idle, maxBytes }: Resolved,
  toError: (failure: Body.Failure) => E
): Effect.Effect<Stream.Stream<Uint8Array, E>, E, WeChatPayClient.WeChatPayClient> =>
  Effect.gen(function*() {
    const client = yield* WeChatPayClient.WeChatPayClient
    const digest = Target.digestOf(metadata.hash_type, metadata.hash_value)
    if (Target.isRefusal(digest)) return yield* Effect.fail(toError(digest))
    const hosts = client.backupUrl === undefined ? [client.baseUrl] : [client.baseUrl, client.backupUrl]
    const path = Target.pathOf(metadata.download_url, hosts)
    if (Target.isRefusal(path)) return yield* Effect.fail(toError(path))
    if (client.getUnverified === undefined) {
      return yield* Effect.fail(toError(Body.failure("Transport", "this WeChatPayClient cannot download files")))
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

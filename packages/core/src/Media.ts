/**
 * WeChat's media uploads: an image (`Media.upload`, `POST /v3/merchant/media/upload`: JPG, BMP or PNG, at most
 * 2 MiB) or a video (`Media.uploadVideo`, `POST /v3/merchant/media/video_upload`: avi, wmv, mpeg, mp4, mov, mkv,
 * flv, f4v, m4v or rmvb, at most 5 MiB), answered with the `media_id` other calls (merchant onboarding, complaints…)
 * name the file by.
 *
 * The content is read once — bytes, a file path or a stream — its SHA-256 computed as it streams; a file past the
 * limit, whose extension the API does not accept, or whose first bytes are not of the format its extension names, is
 * refused with a `RequestValidationError` and nothing is sent. The body is multipart: a `meta` part, the compact JSON
 * `{"filename":…,"sha256":…}`, then the `file` part; the request is signed over the `meta` JSON exactly as sent
 * (wechatpay-go `core/client.go` `Upload`, WeChat's pages: "参与签名计算的请求主体为meta的json串"), and runs through
 * `WeChatPayClient.execute`: the answer is verified, decoded and retried like every call's.
 *
 * Its error channel is a declared call's (`Endpoint.Error<never>`): the codes every call may answer
 * (`Endpoint.commonErrors`, PARAM_ERROR and NO_AUTH among them); the upload pages also list `SYSTEMERROR` and
 * `FREQUENCY_LIMIT_EXCEED`, spelled unlike the other APIs' `SYSTEM_ERROR` / `FREQUENCY_LIMITED`: those arrive as
 * `UnknownApiError` with the code kept (retried all the same when WeChat answers them with a 5xx or 429).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Endpoint from "./Endpoint.js"
import * as CallCodes from "./internal/errors/callCodes.js"
import type * as Content from "./internal/media/content.js"
import * as Format from "./internal/media/format.js"
import * as WeChatPayClient from "./WeChatPayClient.js"
import * as WeChatPayError from "./WeChatPayError.js"

/**
 * What to upload: the file's name (its extension says its format, and must be one the API accepts) and its
 * content — its bytes, the path of a file to read, or a stream of its bytes.
 *
 * @example
 * ```ts
 * import type { Media } from "@effect-wechatpay/core"
 *
 * const fromDisk: Media.Upload = { filename: "storefront.png", content: "/srv/uploads/storefront.png" }
 * const fromMemory: Media.Upload = { filename: "logo.jpg", content: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Upload<E = never, R = never> {
  /** Sent in `meta` and in the file part; 1 to 128 characters (the upload pages' `filename` string[1,128]). */
  readonly filename: string
  /** The bytes, a file path (read as it is sent, its size checked first), or a stream of the bytes. */
  readonly content: Content.Content<E, R>
}

/**
 * WeChat's answer: the uploaded file's id (`media_id`, string(512) on the upload pages).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Media } from "@effect-wechatpay/core"
 *
 * const answer = Schema.decodeUnknownSync(Media.MediaId)({ media_id: "H1ihR9JUtVj-J7CJqBUY5ZOrG_Je75H-rKhZUQcnp4" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediaId = Schema.Struct({ media_id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(512)) })

/**
 * The decoded answer of {@link MediaId}.
 *
 * @example
 * ```ts
 * import type { Media } from "@effect-wechatpay/core"
 *
 * const idOf = (answer: Media.MediaId) => answer.media_id
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type MediaId = Schema.Schema.Type<typeof MediaId>

/**
 * The most bytes an image may have: 2 MiB (图片上传API: "文件大小不能超过2M").
 *
 * @example
 * ```ts
 * import { Media } from "@effect-wechatpay/core"
 *
 * const fits = (bytes: Uint8Array) => bytes.length <= Media.MAX_IMAGE_BYTES
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_IMAGE_BYTES: number = Format.image.maxBytes

/**
 * The most bytes a video may have: 5 MiB (视频上传: "文件大小不能超过5M").
 *
 * @example
 * ```ts
 * import { Media } from "@effect-wechatpay/core"
 *
 * const fits = (bytes: Uint8Array) => bytes.length <= Media.MAX_VIDEO_BYTES
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_VIDEO_BYTES: number = Format.video.maxBytes

// The pipeline types an error body by every class the SDK has; an upload's channel names only the common codes.
const narrow = CallCodes.narrowTo(Endpoint.commonErrors)

const refuse = (kind: Format.Kind, issues: ReadonlyArray<WeChatPayError.ValidationIssue>) =>
  new WeChatPayError.RequestValidationError({ issues, method: "POST", route: kind.path })

const send = <E, R>(
  kind: Format.Kind,
  { content, filename }: Upload<E, R>
): Effect.Effect<MediaId, Endpoint.Error<never> | E, WeChatPayClient.WeChatPayClient | R> =>
  Effect.gen(function*() {
    if (typeof filename !== "string" || filename.length < 1 || filename.length > Format.MAX_FILENAME_LENGTH) {
      return yield* refuse(kind, [{
        path: "filename",
        message: `must be 1 to ${Format.MAX_FILENAME_LENGTH} characters`
      }])
    }
    const format = Format.byExtension(kind, filename)
    if (format === undefined) {
      return yield* refuse(kind, [{ path: "filename", message: `must end in ${Format.listed(kind)}` }])
    }
    // Reading the content and the multipart encoder (form-data-encoder) are loaded the first time a program uploads:
    // most programs never do, and need not pay for them at start.
    const [{ head, read: readContent, Refusal }, { encode }] = yield* Effect.promise(() =>
      Promise.all([import("./internal/media/content.js"), import("./internal/media/multipart.js")])
    )
    const read = yield* Effect.catchIf(
      readContent(content, kind.maxBytes),
      (e): e is Content.Refusal => e instanceof Refusal,
      (refusal) => Effect.fail(refuse(kind, [{ path: "content", message: refusal.description }]))
    )
    if (!format.matches(head(read.bytes))) {
      return yield* refuse(kind, [{ path: "content", message: `not a ${format.name} file (its first bytes are not)` }])
    }
    // Compact, and sent exactly as signed: the signature covers these characters (WeChat's pages, 签名计算说明).
    const meta = JSON.stringify({ filename, sha256: read.sha256 })
    const body = encode(meta, filename, format.mediaType, read.bytes)
    const client = yield* WeChatPayClient.WeChatPayClient
    return yield* (Effect.mapError(
      client.execute(
        {
          method: "POST",
          path: kind.path,
          route: kind.path,
          multipart: { bytes: body.bytes, contentType: body.contentType, signed: meta }
        },
        MediaId
      ),
      narrow
    ) as Effect.Effect<MediaId, Endpoint.Error<never>>)
  }).pipe(Effect.withSpan(kind.span, { kind: "client", attributes: { "wechatpay.route": kind.path } }))

/**
 * Uploads an image (`POST /v3/merchant/media/upload`): JPG, BMP or PNG, at most 2 MiB, checked by its extension
 * and its first bytes before anything is sent.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Media } from "@effect-wechatpay/core"
 *
 * const program = Effect.gen(function*() {
 *   const { media_id } = yield* Media.upload({ filename: "storefront.png", content: "/srv/uploads/storefront.png" })
 *   return media_id
 * })
 * ```
 *
 * @since 0.1.0
 * @category calls
 */
export const upload = <E = never, R = never>(
  request: Upload<E, R>
): Effect.Effect<MediaId, Endpoint.Error<never> | E, WeChatPayClient.WeChatPayClient | R> => send(Format.image, request)

/**
 * Uploads a video (`POST /v3/merchant/media/video_upload`): avi, wmv, mpeg, mp4, mov, mkv, flv, f4v, m4v or rmvb,
 * at most 5 MiB, checked by its extension and its first bytes before anything is sent.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Media } from "@effect-wechatpay/core"
 *
 * declare const recording: Stream.Stream<Uint8Array>
 * const mediaId = Media.uploadVideo({ filename: "consent.mp4", content: recording }).pipe(
 *   Effect.map((answer) => answer.media_id)
 * )
 * ```
 *
 * @since 0.1.0
 * @category calls
 */
export const uploadVideo = <E = never, R = never>(
  request: Upload<E, R>
): Effect.Effect<MediaId, Endpoint.Error<never> | E, WeChatPayClient.WeChatPayClient | R> => send(Format.video, request)

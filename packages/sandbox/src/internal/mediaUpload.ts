/**
 * `POST /v3/merchant/media/upload` (图片上传API) and `POST /v3/merchant/media/video_upload` (视频上传), checked as
 * WeChat checks them: a `multipart/form-data` body with a `meta` part, the JSON `{"filename","sha256"}` the request
 * was signed over (the engine verified the signature over that part exactly as sent), and a `file` part whose
 * SHA-256 must equal `meta.sha256`, of a format the API lists (by the file name's extension and the file's first
 * bytes), no larger than its limit. Answers `{ "media_id": … }`, signed, and keeps the upload.
 *
 * Sources: 图片上传API (pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter2_1_1.shtml): JPG, BMP, PNG, "文件大小不能超过2M",
 * `filename` string[1,128], `sha256` string[1,64]; 视频上传 (pay.weixin.qq.com/docs/partner/apis/media-upload/media/
 * video-upload.html): avi, wmv, mpeg, mp4, mov, mkv, flv, f4v, m4v, rmvb, "文件大小不能超过5M"; `media_id` string(512).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as NodeCrypto from "node:crypto"
import type { Handler, Route } from "./handler.js"
import * as Multipart from "./multipart.js"
import * as Problem from "./problem.js"
import * as Store from "./store.js"

/**
 * An accepted upload.
 *
 * @internal
 */
export interface Upload {
  readonly path: string
  readonly filename: string
  readonly sha256: string
  readonly size: number
  readonly uploadedAt: number
}

/**
 * Accepted uploads by `media_id`.
 *
 * @internal
 */
export const Uploads = Store.key("mediaUploads", (limits) => new Store.BoundedMap<string, Upload>(limits.idempotency))

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0))
const startsAt = (bytes: Uint8Array, offset: number, expected: ReadonlyArray<number>) =>
  bytes.length >= offset + expected.length && expected.every((b, i) => bytes[offset + i] === b)
const isoBox = (bytes: Uint8Array, types: ReadonlyArray<string>) => types.some((t) => startsAt(bytes, 4, ascii(t)))

interface Kind {
  readonly path: string
  readonly maxBytes: number
  /** By extension, lower case: whether the bytes start as that format does. */
  readonly formats: Readonly<Record<string, (bytes: Uint8Array) => boolean>>
}

const IMAGE: Kind = {
  path: "/v3/merchant/media/upload",
  maxBytes: 2 * 1024 * 1024,
  formats: {
    jpg: (b) => startsAt(b, 0, [0xff, 0xd8, 0xff]),
    bmp: (b) => startsAt(b, 0, ascii("BM")),
    png: (b) => startsAt(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  }
}

const VIDEO: Kind = {
  path: "/v3/merchant/media/video_upload",
  maxBytes: 5 * 1024 * 1024,
  formats: {
    avi: (b) => startsAt(b, 0, ascii("RIFF")) && startsAt(b, 8, ascii("AVI ")),
    wmv: (b) => startsAt(b, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]),
    mpeg: (b) => startsAt(b, 0, [0, 0, 1, 0xba]) || startsAt(b, 0, [0, 0, 1, 0xb3]),
    mp4: (b) => isoBox(b, ["ftyp"]),
    mov: (b) => isoBox(b, ["ftyp", "moov", "mdat", "wide", "free", "skip", "pnot"]),
    mkv: (b) => startsAt(b, 0, [0x1a, 0x45, 0xdf, 0xa3]),
    flv: (b) => startsAt(b, 0, ascii("FLV")),
    f4v: (b) => isoBox(b, ["ftyp"]),
    m4v: (b) => isoBox(b, ["ftyp"]),
    rmvb: (b) => startsAt(b, 0, ascii(".RMF"))
  }
}

// Room for the multipart framing and `meta` around the largest file.
const FRAMING_BYTES = 64 * 1024

/**
 * The most request bytes the loopback server reads for `path`: an upload's limit and its framing, 0 elsewhere.
 *
 * @example
 * ```ts
 * maxRequestBytes("/v3/merchant/media/video_upload") // 5 MiB + 64 KiB
 * ```
 * @internal
 */
export const maxRequestBytes = (path: string): number =>
  path === IMAGE.path ? IMAGE.maxBytes + FRAMING_BYTES : path === VIDEO.path ? VIDEO.maxBytes + FRAMING_BYTES : 0

const invalid = (field: string, issue: string, message: string, value?: unknown) =>
  Either.left(
    Problem.paramError({ field, issue, location: "body", message, ...(value === undefined ? {} : { value }) })
  )

const handler = (kind: Kind): Handler => (context) => {
  const { headers, now, request, state } = context
  if (!Multipart.isMultipart(headers)) {
    return Either.left(Problem.paramError({
      field: "Content-Type",
      ...(headers["content-type"] === undefined ? {} : { value: headers["content-type"] }),
      issue: "must be multipart/form-data",
      location: "header",
      message: "An upload's Content-Type must be multipart/form-data"
    }))
  }
  const body = Multipart.parse(request, headers)
  if (body._tag === "Malformed") return invalid("body", body.reason, "The multipart body could not be parsed")
  const metaPart = body.parts.find((part) => part.name === "meta")
  const file = body.parts.find((part) => part.name === "file")
  if (metaPart === undefined) return invalid("meta", "missing", "The meta part is missing")
  if (file === undefined) return invalid("file", "missing", "The file part is missing")
  let meta: unknown
  try {
    meta = JSON.parse(Multipart.text(metaPart) ?? "")
  } catch {
    return invalid("meta", "not JSON", "The meta part must be a JSON object")
  }
  const { filename, sha256 } = (typeof meta === "object" && meta !== null ? meta : {}) as Record<string, unknown>
  if (typeof filename !== "string" || filename.length < 1 || filename.length > 128) {
    return invalid("meta.filename", "must be a string of 1 to 128 characters", "Invalid filename", filename)
  }
  if (typeof sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    return invalid("meta.sha256", "must be 64 hex digits", "Invalid sha256", sha256)
  }
  const extension = filename.slice(filename.lastIndexOf(".") + 1).toLowerCase()
  const matches = filename.includes(".") ? kind.formats[extension] : undefined
  if (matches === undefined) {
    return invalid(
      "meta.filename",
      `must end in ${Object.keys(kind.formats).join(", ")}`,
      "The file's format is not accepted here",
      filename
    )
  }
  if (file.bytes.length > kind.maxBytes) {
    return invalid("file", `larger than ${kind.maxBytes} bytes`, "The file is too large", file.bytes.length)
  }
  const actual = NodeCrypto.createHash("sha256").update(file.bytes).digest("hex")
  if (actual !== sha256.toLowerCase()) {
    return invalid("meta.sha256", "does not match the file", "The file's sha256 does not match meta.sha256")
  }
  if (!matches(file.bytes)) {
    return invalid("file", `not a ${extension} file`, "The file's content is not of the format its name says")
  }
  return Either.right(() => {
    const mediaId = NodeCrypto.randomBytes(30).toString("base64url")
    state.store(Uploads).set(mediaId, {
      path: kind.path,
      filename,
      sha256: actual,
      size: file.bytes.length,
      uploadedAt: now
    })
    return JSON.stringify({ media_id: mediaId })
  })
}

/**
 * Both upload routes.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "POST", path: IMAGE.path, handle: handler(IMAGE) },
  { method: "POST", path: VIDEO.path, handle: handler(VIDEO) }
]

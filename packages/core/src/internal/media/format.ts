/**
 * What WeChat's upload APIs accept: per kind, the file extensions its page lists, each with the signature its
 * bytes start with (magic bytes) and the part's media type, and the most bytes a file may hold.
 *
 * Sources:
 * - images, `POST /v3/merchant/media/upload` — WeChat's page 图片上传API (pay.weixin.qq.com/wiki/doc/apiv3/apis/
 *   chapter2_1_1.shtml, the merchant copy of wiki/doc/apiv3/wxpay/tool/chapter3_1.shtml): "媒体图片只支持JPG、BMP、PNG
 *   格式，文件大小不能超过2M"; `filename` string[1,128], "必须以JPG、BMP、PNG为后缀"; `sha256` string[1,64].
 * - videos, `POST /v3/merchant/media/video_upload` — WeChat's page 视频上传 (pay.weixin.qq.com/docs/partner/apis/
 *   media-upload/media/video-upload.html, formerly wiki/doc/apiv3_partner/apis/chapter2_1_2.shtml): "媒体视频只支持
 *   avi、wmv、mpeg、mp4、mov、mkv、flv、f4v、m4v、rmvb格式，文件大小不能超过5M"; `filename` "必须以…为后缀".
 * "2M" and "5M" are read as MiB (2 × 1024 × 1024 and 5 × 1024 × 1024 bytes), the larger reading: a file the SDK
 * lets through above WeChat's real limit is answered PARAM_ERROR, whereas one it refused below it could never be sent.
 *
 * The signatures are the containers' own: JPEG's SOI marker, PNG's eight-byte signature, BMP's "BM", RIFF "AVI ",
 * the ASF header GUID (wmv), an MPEG program or sequence header, an ISO base media box (mp4, m4v, f4v: `ftyp`; mov
 * also the older QuickTime atoms), EBML (mkv), "FLV", RealMedia's ".RMF".
 */

/** One accepted format: the extensions that name it, its media type, and whether bytes start as it does. */
export interface Format {
  readonly name: string
  readonly extensions: ReadonlyArray<string>
  readonly mediaType: string
  readonly matches: (head: Uint8Array) => boolean
}

/** An upload API's constraints. */
export interface Kind {
  readonly path: string
  readonly span: string
  readonly maxBytes: number
  readonly formats: ReadonlyArray<Format>
}

/** How many leading bytes `matches` may read. */
export const HEAD_BYTES = 12

const at = (head: Uint8Array, offset: number, bytes: ReadonlyArray<number>): boolean =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b)

const ascii = (text: string): ReadonlyArray<number> => Array.from(text, (c) => c.charCodeAt(0))

const box = (types: ReadonlyArray<string>) => (head: Uint8Array) => types.some((type) => at(head, 4, ascii(type)))

const format = (
  name: string,
  extensions: ReadonlyArray<string>,
  mediaType: string,
  matches: (head: Uint8Array) => boolean
): Format => ({ name, extensions, mediaType, matches })

/** `POST /v3/merchant/media/upload`: JPG, BMP, PNG, at most 2 MiB (sources above). */
export const image: Kind = {
  path: "/v3/merchant/media/upload",
  span: "Media.upload",
  maxBytes: 2 * 1024 * 1024,
  formats: [
    format("JPG", ["jpg"], "image/jpeg", (h) => at(h, 0, [0xff, 0xd8, 0xff])),
    format("BMP", ["bmp"], "image/bmp", (h) => at(h, 0, ascii("BM"))),
    format("PNG", ["png"], "image/png", (h) => at(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ]
}

/** `POST /v3/merchant/media/video_upload`: the ten formats its page lists, at most 5 MiB (sources above). */
export const video: Kind = {
  path: "/v3/merchant/media/video_upload",
  span: "Media.uploadVideo",
  maxBytes: 5 * 1024 * 1024,
  formats: [
    format("AVI", ["avi"], "video/x-msvideo", (h) => at(h, 0, ascii("RIFF")) && at(h, 8, ascii("AVI "))),
    format("WMV", ["wmv"], "video/x-ms-wmv", (h) => at(h, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])),
    format(
      "MPEG",
      ["mpeg"],
      "video/mpeg",
      (h) => at(h, 0, [0x00, 0x00, 0x01, 0xba]) || at(h, 0, [0x00, 0x00, 0x01, 0xb3])
    ),
    format("MP4", ["mp4"], "video/mp4", box(["ftyp"])),
    format("MOV", ["mov"], "video/quicktime", box(["ftyp", "moov", "mdat", "wide", "free", "skip", "pnot"])),
    format("MKV", ["mkv"], "video/x-matroska", (h) => at(h, 0, [0x1a, 0x45, 0xdf, 0xa3])),
    format("FLV", ["flv"], "video/x-flv", (h) => at(h, 0, ascii("FLV"))),
    format("F4V", ["f4v"], "video/x-f4v", box(["ftyp"])),
    format("M4V", ["m4v"], "video/x-m4v", box(["ftyp"])),
    format("RMVB", ["rmvb"], "application/vnd.rn-realmedia-vbr", (h) => at(h, 0, ascii(".RMF")))
  ]
}

/** The most characters a `filename` may have (`filename` string[1,128] on the image page). */
export const MAX_FILENAME_LENGTH = 128

/** The format a file name's extension names, if the kind accepts it (case-insensitive, as `.JPG` is common). */
export const byExtension = (kind: Kind, filename: string): Format | undefined => {
  const dot = filename.lastIndexOf(".")
  if (dot === -1) return undefined
  const extension = filename.slice(dot + 1).toLowerCase()
  return kind.formats.find((f) => f.extensions.includes(extension))
}

/** The extensions a kind accepts, for messages: ".jpg, .bmp, .png". */
export const listed = (kind: Kind): string => kind.formats.flatMap((f) => f.extensions.map((e) => `.${e}`)).join(", ")

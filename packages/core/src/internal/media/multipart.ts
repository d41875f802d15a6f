/**
 * An upload's multipart body, encoded once into bytes by `form-data-encoder` (a maintained, dependency-free encoder
 * of the `multipart/form-data` format, RFC 7578): bytes work on every transport, whereas `HttpBody.formData` is left
 * to the transport to encode (its boundary unknown before sending, and `NodeHttpClient.layerUndici` fails on it with
 * "action is not a function"). Two parts, in WeChat's order (wechatpay-go `services/fileuploader`): `meta`, the
 * compact JSON the request is signed over, then `file`.
 */
import { FormDataEncoder } from "form-data-encoder"

/** The body's bytes and its `Content-Type` (with the boundary). */
export interface Encoded {
  readonly bytes: Uint8Array
  readonly contentType: string
}

/** Encodes `meta` (sent exactly as given) and the file, named `filename`, of media type `mediaType`. */
export const encode = (meta: string, filename: string, mediaType: string, bytes: Uint8Array): Encoded => {
  const form = new FormData()
  form.append("meta", meta)
  // The encoder asks a file for its bytes asynchronously; it yields the file itself from `values()`, so the bytes we
  // already hold go in its place and the encoding stays synchronous.
  const file = new File([], filename, { type: mediaType })
  form.append("file", file)
  const encoder = new FormDataEncoder(form)
  const parts: Array<Uint8Array> = []
  let size = 0
  for (const part of encoder.values()) {
    const chunk = part instanceof Uint8Array ? part : bytes
    parts.push(chunk)
    size += chunk.length
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return { bytes: out, contentType: encoder.contentType }
}

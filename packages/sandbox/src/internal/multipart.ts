/**
 * A `multipart/form-data` request body, parsed as WeChat's upload APIs read it: by `multipasta` (the parser
 * `@effect/platform`'s own `Multipart` is built on), synchronously, so the engine stays synchronous. Parsed once
 * per request (the engine needs the `meta` part to check the signature, the route the whole), from the raw bytes the
 * transport handed in.
 *
 * @internal
 */
import * as MP from "multipasta"
import type { SimulatedRequest } from "./model.js"

/**
 * One part: its name, file name and media type if any, and its bytes.
 *
 * @internal
 */
export interface Part {
  readonly name: string
  readonly filename: string | undefined
  readonly contentType: string
  readonly bytes: Uint8Array
}

/**
 * The parts, in order, or why the body is not a multipart body.
 *
 * @internal
 */
export type Parsed =
  | { readonly _tag: "Parts"; readonly parts: ReadonlyArray<Part> }
  | { readonly _tag: "Malformed"; readonly reason: string }

const parsed = new WeakMap<SimulatedRequest, Parsed>()
const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Whether the request says it carries a multipart body.
 *
 * @example
 * ```ts
 * isMultipart({ "content-type": "multipart/form-data; boundary=x" }) // true
 * ```
 * @internal
 */
export const isMultipart = (headers: Readonly<Record<string, string>>): boolean =>
  (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === "multipart/form-data"

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/**
 * The request's parts (`headers` by lower-case name), parsed on first use.
 *
 * @example
 * ```ts
 * const body = parse(request, headers)
 * ```
 * @internal
 */
export const parse = (request: SimulatedRequest, headers: Readonly<Record<string, string>>): Parsed => {
  const known = parsed.get(request)
  if (known !== undefined) return known
  const parts: Array<Part> = []
  let failure: string | undefined
  let done = false
  const parser = MP.make({
    headers: { ...headers },
    // Every part is kept as bytes: `meta` must be read exactly as sent, and the file is binary.
    isFile: () => true,
    maxParts: 8,
    onField: () => {},
    onFile: (info) => {
      const chunks: Array<Uint8Array> = []
      return (chunk) => {
        if (chunk !== null) return void chunks.push(chunk)
        parts.push({ name: info.name, filename: info.filename, contentType: info.contentType, bytes: concat(chunks) })
      }
    },
    onError: (error) => {
      failure ??= error._tag === "ReachedLimit" ? `too many parts (${error.limit})` : error._tag
    },
    onDone: () => {
      done = true
    }
  })
  parser.write(request.bytes ?? encoder.encode(request.body))
  parser.end()
  const result: Parsed = failure !== undefined || !done
    ? { _tag: "Malformed", reason: failure ?? "EndNotReached" }
    : { _tag: "Parts", parts }
  parsed.set(request, result)
  return result
}

/**
 * A part's bytes as UTF-8 text, `undefined` if they are not valid UTF-8.
 *
 * @example
 * ```ts
 * text(part) // '{"filename":"a.png","sha256":"…"}'
 * ```
 * @internal
 */
export const text = (part: Part): string | undefined => {
  try {
    return decoder.decode(part.bytes)
  } catch {
    return undefined
  }
}

/**
 * What an upload is signed over: its `meta` part's text exactly as sent (WeChat's upload pages: "参与签名计算的请求主体为
 * meta的json串"), or the body text itself for any other request; `undefined` when a multipart body has no readable
 * `meta` (the route then says why).
 *
 * @example
 * ```ts
 * const signed = signedBody(request, headers)
 * ```
 * @internal
 */
export const signedBody = (request: SimulatedRequest, headers: Readonly<Record<string, string>>): string => {
  if (!isMultipart(headers)) return request.body
  const body = parse(request, headers)
  if (body._tag === "Malformed") return ""
  const meta = body.parts.find((part) => part.name === "meta")
  return (meta === undefined ? undefined : text(meta)) ?? ""
}

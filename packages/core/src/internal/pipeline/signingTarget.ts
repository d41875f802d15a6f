/**
 * What a request is signed over, taken from the request exactly as it will be sent: its target (path and
 * query, however the query was given) and its body bytes (whatever body helper made them).
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

// Resolves relative request URLs; never contacted, and never part of what is sent.
const PLACEHOLDER = "http://placeholder.invalid"

/** A request whose query is folded into its URL, and the target to sign: `pathname + search` as sent. */
export interface Target {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly target: string
  readonly relative: boolean
}

/**
 * Folds `urlParams` into the URL, normalised as the transport's URL parser will (dot segments, encoding),
 * so that the signed target and the sent one are the same string. A relative URL stays relative.
 */
export const target = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<Target, HttpClientError.RequestError> => {
  let url: URL
  try {
    url = new URL(request.url, PLACEHOLDER)
    for (const [key, value] of request.urlParams) {
      if (value !== undefined) url.searchParams.append(key, value)
    }
  } catch (cause) {
    return Effect.fail(
      new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause, description: "not a valid URL" })
    )
  }
  const relative = url.origin === PLACEHOLDER && !/^[a-z][a-z0-9+.-]*:/i.test(request.url)
  const path = `${url.pathname}${url.search}`
  // Already as sent (the SDK's own requests): no copy of the request, its headers and body on every attempt.
  if (relative && path === request.url && request.urlParams.length === 0 && request.hash._tag === "None") {
    return Effect.succeed({ request, target: path, relative })
  }
  // A fresh request: urlParams can only be merged into, not cleared, and the fragment is never sent.
  const rebuilt = HttpClientRequest.make(request.method)(relative ? path : `${url.origin}${path}`).pipe(
    HttpClientRequest.setHeaders(request.headers),
    HttpClientRequest.setBody(request.body)
  )
  return Effect.succeed({
    request: rebuilt,
    target: path,
    relative
  })
}

const encoder = new TextEncoder()

// A body whose signature covers other text than its bytes: WeChat's uploads sign their `meta` JSON, not the
// multipart body (wechatpay-go `core/client.go` `Upload`). Keyed by the body object, which every copy of the request
// shares, so the pairing survives the pipeline's rebuilds and dies with the request.
const signedOver = new WeakMap<HttpBody.HttpBody, string>()

/** A bytes body sent as is but signed over `signed` (an upload's `meta` JSON, exactly as the body carries it). */
export const signedAs = (bytes: Uint8Array, contentType: string, signed: string): HttpBody.HttpBody => {
  const body = HttpBody.uint8Array(bytes, contentType)
  signedOver.set(body, signed)
  return body
}

const encodeError = (request: HttpClientRequest.HttpClientRequest, description: string) =>
  new HttpClientError.RequestError({ request, reason: "Encode", description })

/**
 * What the request is signed over — the body bytes that will be sent, or the text a body made by `signedAs` names —
 * and a request that sends exactly them: a stream is read once into
 * bytes (it could not be read twice: once to sign, once to send). A multipart body is refused: its
 * boundary is chosen by the transport, so its bytes cannot be known before sending.
 */
export const body = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<
  { readonly request: HttpClientRequest.HttpClientRequest; readonly body: string | Uint8Array },
  HttpClientError.RequestError
> => {
  const b = request.body
  const signed = signedOver.get(b)
  if (signed !== undefined) return Effect.succeed({ request, body: signed })
  switch (b._tag) {
    case "Empty":
      return Effect.succeed({ request, body: "" })
    case "Uint8Array":
      return Effect.succeed({ request, body: b.body })
    case "Raw":
      return typeof b.body === "string"
        ? Effect.succeed({ request, body: b.body })
        : b.body instanceof Uint8Array
        ? Effect.succeed({ request, body: b.body })
        : Effect.fail(encodeError(request, "a raw body must be a string or bytes to be signed"))
    case "Stream":
      return Stream.runCollect(b.stream).pipe(
        Effect.mapError((cause) =>
          new HttpClientError.RequestError({ request, reason: "Encode", cause, description: "the body stream failed" })
        ),
        Effect.map((chunks) => {
          const bytes = concat(Chunk.toReadonlyArray(chunks))
          return {
            request: HttpClientRequest.setBody(request, HttpBody.uint8Array(bytes, b.contentType)),
            body: bytes
          }
        })
      )
    case "FormData":
      return Effect.fail(
        encodeError(request, "a multipart body cannot be signed as sent (WeChat's upload APIs sign their meta part)")
      )
  }
}

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/** UTF-8 bytes of a JSON body, as `execute` sends them. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text)

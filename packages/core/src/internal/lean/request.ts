/**
 * The request side of `LeanHttpClient`: where a request goes (resolved without the URL parser when the
 * URL is already plain) and how its body is written to node:http.
 *
 * @internal
 */
import type * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import type { Tracer } from "effect"
import * as Option from "effect/Option"
import type * as Http from "node:http"
import type * as Https from "node:https"
import { Readable } from "node:stream"

/** Where an origin's requests go, resolved once per origin rather than once per request. */
interface Target {
  readonly secure: boolean
  readonly hostname: string
  readonly port: number | undefined
}

// Scheme, host and optional port only: anything else (userinfo, an odd host) takes the URL parser.
const ORIGIN = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/
// Characters that WHATWG URL parsing leaves as they are, so sending them unparsed changes nothing.
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/
// `.` and `..` segments are rewritten by URL parsing: leave those to it.
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:[/?]|$)/
// The origin cache is bounded: a client talking to endless hosts should not grow without limit.
const MAX_ORIGINS = 64

const parseOrigin = (origin: string): Target | undefined => {
  const match = ORIGIN.exec(origin)
  if (match === null) return undefined
  const hostname = match[2]!.startsWith("[") ? match[2]!.slice(1, -1) : match[2]!
  return { secure: match[1] === "https", hostname, port: match[3] === undefined ? undefined : Number(match[3]) }
}

/** @internal */
export const requestError = (
  request: HttpClientRequest.HttpClientRequest,
  reason: HttpClientError.RequestError["reason"],
  cause: unknown
) => new HttpClientError.RequestError({ request, reason, cause })

/** What node needs to send a request, plus the origin for the `http.client` span's attributes. */
export interface Resolved extends Http.RequestOptions {
  readonly protocol: "http:" | "https:"
  readonly hostname: string
  readonly port?: number | undefined
  readonly path: string
}

/** @internal */
export const makeResolver = (agents: { readonly http: Http.Agent; readonly https: Https.Agent }) => {
  const origins = new Map<string, Target | undefined>()
  const targetOf = (origin: string): Target | undefined => {
    let target = origins.get(origin)
    if (target === undefined && !origins.has(origin)) {
      target = parseOrigin(origin)
      if (origins.size >= MAX_ORIGINS) origins.clear()
      origins.set(origin, target)
    }
    return target
  }

  /** Host and target for node, parsing the URL only when the string is not already plain. */
  return (request: HttpClientRequest.HttpClientRequest): Resolved | Error => {
    const url = request.url
    if (request.urlParams.length === 0 && Option.isNone(request.hash)) {
      const slash = url.indexOf("/", url.indexOf("://") + 3)
      const target = slash === -1 ? undefined : targetOf(url.slice(0, slash))
      const path = slash === -1 ? "" : url.slice(slash)
      if (target !== undefined && PLAIN_TARGET.test(path) && !DOT_SEGMENT.test(path)) {
        return {
          agent: target.secure ? agents.https : agents.http,
          protocol: target.secure ? "https:" : "http:",
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path,
          headers: request.headers
        }
      }
    }
    const parsed = UrlParams.makeUrl(url, request.urlParams, request.hash)
    if (parsed._tag === "Left") return parsed.left
    const target = parsed.right
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      return new Error(`unsupported protocol ${target.protocol}`)
    }
    const secure = target.protocol === "https:"
    return {
      agent: secure ? agents.https : agents.http,
      protocol: target.protocol,
      hostname: target.hostname.startsWith("[") ? target.hostname.slice(1, -1) : target.hostname,
      port: target.port === "" ? undefined : Number(target.port),
      method: request.method,
      path: target.pathname + target.search,
      headers: request.headers,
      ...(target.username !== "" || target.password !== ""
        ? { auth: `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` }
        : {})
    }
  }
}

/**
 * The attributes `HttpClient.make` gives its `http.client` span, from what was resolved: the URL without
 * userinfo (a password is never an attribute) and without the fragment (it is never sent).
 *
 * @internal
 */
export const urlAttributes = (resolved: Resolved): Record<string, string | number> => {
  const host = resolved.hostname.includes(":") ? `[${resolved.hostname}]` : resolved.hostname
  const origin = `${resolved.protocol}//${host}${resolved.port === undefined ? "" : `:${resolved.port}`}`
  const question = resolved.path.indexOf("?")
  const query = question === -1 ? "" : resolved.path.slice(question + 1)
  return {
    "server.address": origin,
    ...(resolved.port === undefined ? {} : { "server.port": resolved.port }),
    "url.full": origin + resolved.path,
    "url.path": question === -1 ? resolved.path : resolved.path.slice(0, question),
    "url.scheme": resolved.protocol.slice(0, -1),
    ...(query === "" ? {} : { "url.query": query })
  }
}

/**
 * Sets `prefix + name` span attributes for each header, as `HttpClient.make` does, with the value of a
 * name in `redacted` shown as `<redacted>` (what `String` of a `Redacted` prints), without allocating a
 * `Redacted` per header.
 *
 * @internal
 */
export const headerAttributes = (
  span: Tracer.Span,
  prefix: string,
  headers: Headers.Headers,
  redacted: ReadonlyArray<string | RegExp>
): void => {
  for (const name in headers) {
    let hidden = false
    for (const key of redacted) {
      if (typeof key === "string" ? key.toLowerCase() === name : key.test(name)) {
        hidden = true
        break
      }
    }
    span.attribute(prefix + name, hidden ? "<redacted>" : headers[name])
  }
}

/**
 * Writes the body. Bytes (the common case) are written synchronously; streamed bodies arrive here
 * already converted to a node `Readable`, because converting a `Stream` needs the fiber's runtime.
 *
 * @internal
 */
export const writeBody = (
  nodeRequest: Http.ClientRequest,
  request: HttpClientRequest.HttpClientRequest,
  readable: Readable | undefined,
  fail: (error: HttpClientError.RequestError) => void
): void => {
  const pipeFrom = (source: Readable) => {
    source.once("error", (cause) => fail(requestError(request, "Encode", cause)))
    source.pipe(nodeRequest)
  }
  if (readable !== undefined) return pipeFrom(readable)
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return void nodeRequest.end(body.body)
    case "Raw":
      return body.body instanceof Readable
        ? pipeFrom(body.body)
        : void nodeRequest.end(body.body as string | Uint8Array)
    case "FormData": {
      const encoded = new Response(body.formData)
      encoded.headers.forEach((value, key) => nodeRequest.setHeader(key, value))
      return pipeFrom(Readable.fromWeb(encoded.body! as any))
    }
    default:
      return void nodeRequest.end()
  }
}

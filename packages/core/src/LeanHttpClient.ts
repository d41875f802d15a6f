/**
 * A lean `HttpClient.HttpClient` on node:http / node:https, for servers that make many small API calls.
 *
 * `HttpClient.make` (behind `FetchHttpClient` and `NodeHttpClient`) allocates an `AbortController`,
 * parses the URL, opens an `http.client` span and wraps every response for interruption, which costs a
 * noticeable share of a WeChat Pay call's main-thread time. This client keeps what a JSON API needs:
 * a keep-alive connection pool, the request target sent exactly as given (it is what the request is
 * signed over), one `Effect.async` per request and one per body read, and interruption that destroys
 * the underlying request. It opens no span of its own and adds no `traceparent` header.
 *
 * @since 0.1.0
 */
import { Cookies, Headers, HttpClient, HttpClientError, HttpIncomingMessage, UrlParams } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { HttpClientResponse } from "@effect/platform"
import type { Scope } from "effect"
import { Effect, Inspectable, Layer, Option, Stream } from "effect"
import * as Http from "node:http"
import * as Https from "node:https"
import { Readable } from "node:stream"

/**
 * How the lean client pools its connections.
 *
 * @example
 * ```ts
 * import type * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * const options: LeanHttpClient.Options = { keepAlive: true, maxSockets: 64 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Reuse connections between requests (default `true`). */
  readonly keepAlive?: boolean | undefined
  /** Sockets per host, in use or not (default: node's, unlimited). */
  readonly maxSockets?: number | undefined
}

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

const requestError = (
  request: HttpClientRequest.HttpClientRequest,
  reason: HttpClientError.RequestError["reason"],
  cause: unknown
) => new HttpClientError.RequestError({ request, reason, cause })

// A response that is dropped unread would hold its pooled socket forever: destroy it when collected.
const unread = new FinalizationRegistry<Http.IncomingMessage>((source) => {
  source.destroy()
})

type BodyState =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Reading"; readonly waiters: Set<(result: Effect.Effect<Uint8Array, unknown>) => void> }
  | { readonly _tag: "Done"; readonly bytes: Uint8Array }
  | { readonly _tag: "Failed"; readonly cause: unknown }

class LeanResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private state: BodyState = { _tag: "Idle" }
  private cachedHeaders: Headers.Headers | undefined
  // Kept from the start: once the body has been read, the message lets go of its pooled socket.
  private readonly socket: Http.IncomingMessage["socket"] | null

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Http.IncomingMessage
  ) {
    super()
    this.socket = source.socket
    unread.register(this, source, this)
  }

  get status(): number {
    return this.source.statusCode!
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers)
  }

  get cookies(): Cookies.Cookies {
    const setCookie = this.source.headers["set-cookie"]
    return setCookie === undefined ? Cookies.empty : Cookies.fromSetCookie(setCookie)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.fromNullable(this.socket?.remoteAddress)
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  /** The whole body, read once and kept, so `text`, `json` and `arrayBuffer` may all be used. */
  private get bytes(): Effect.Effect<Uint8Array, HttpClientError.ResponseError> {
    const state = this.state
    if (state._tag === "Done") return Effect.succeed(state.bytes)
    if (state._tag === "Failed") return Effect.fail(this.decodeError(state.cause))
    return Effect.flatMap(
      HttpIncomingMessage.MaxBodySize,
      (maxBodySize) =>
        Effect.async<Uint8Array, HttpClientError.ResponseError>((resume) => {
          const waiter = (result: Effect.Effect<Uint8Array, unknown>) =>
            resume(Effect.mapError(result, (cause) => this.decodeError(cause)))
          this.read(Option.isSome(maxBodySize) ? Number(maxBodySize.value) : undefined, waiter)
          return Effect.sync(() => {
            const current = this.state
            if (current._tag !== "Reading") return
            current.waiters.delete(waiter)
            // The last reader gave up: stop the transfer rather than leave the socket half read.
            if (current.waiters.size === 0) this.source.destroy()
          })
        })
    )
  }

  private read(maxBytes: number | undefined, waiter: (result: Effect.Effect<Uint8Array, unknown>) => void): void {
    const state = this.state
    if (state._tag === "Done") return waiter(Effect.succeed(state.bytes))
    if (state._tag === "Failed") return waiter(Effect.fail(state.cause))
    if (state._tag === "Reading") {
      state.waiters.add(waiter)
      return
    }
    const waiters = new Set([waiter])
    this.state = { _tag: "Reading", waiters }
    const source = this.source
    const chunks: Array<Buffer> = []
    let length = 0
    const settle = (next: BodyState & { readonly _tag: "Done" | "Failed" }) => {
      if (this.state._tag !== "Reading") return
      this.state = next
      unread.unregister(this)
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
      source.off("close", onClose)
      const result = next._tag === "Done" ? Effect.succeed(next.bytes) : Effect.fail(next.cause)
      for (const resume of waiters) resume(result)
    }
    const onData = (chunk: Buffer) => {
      length += chunk.length
      if (maxBytes !== undefined && length > maxBytes) {
        settle({ _tag: "Failed", cause: new Error(`the body exceeds ${maxBytes} bytes`) })
        source.destroy()
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      // One exact-size copy: `Buffer.concat` may return a slice of a shared pool, not its own ArrayBuffer.
      const bytes = new Uint8Array(length)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      settle({ _tag: "Done", bytes })
    }
    const onError = (cause: unknown) => settle({ _tag: "Failed", cause })
    const onClose = () => settle({ _tag: "Failed", cause: new Error("the connection closed before the body ended") })
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    source.on("close", onClose)
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.map(this.bytes, (bytes) => bytes.buffer as ArrayBuffer)
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.map(this.bytes, (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(
      this.text,
      (text) =>
        Effect.try({
          try: () => text === "" ? null : JSON.parse(text) as unknown,
          catch: (cause) => this.decodeError(cause)
        })
    )
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.flatMap(this.bytes, (bytes) =>
      Effect.tryPromise({
        try: () =>
          new Response(bytes as Uint8Array<ArrayBuffer>, { headers: this.headers as Record<string, string> })
            .formData(),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.suspend(() => {
      const state = this.state
      if (state._tag === "Done") return Stream.succeed(state.bytes)
      if (state._tag !== "Idle") return Stream.fromEffect(this.bytes)
      unread.unregister(this)
      // Async iteration reads with backpressure and destroys the message when the stream stops early.
      return Stream.fromAsyncIterable(this.source as AsyncIterable<Uint8Array>, (cause) => this.decodeError(cause))
    })
  }

  toJSON(): unknown {
    return {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status,
      headers: Inspectable.redact(this.headers)
    }
  }
}

/**
 * Writes the body. Bytes (the common case) are written synchronously; streamed bodies arrive here
 * already converted to a node `Readable`, because converting a `Stream` needs the fiber's runtime.
 */
const writeBody = (
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

/**
 * Builds the client on its own keep-alive agents, destroyed when the scope closes.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * const status = Effect.scoped(
 *   Effect.gen(function*() {
 *     const client = yield* LeanHttpClient.make({ maxSockets: 64 })
 *     const response = yield* client.get("http://127.0.0.1:8080/health")
 *     return response.status
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const agentOptions: Http.AgentOptions = {
          keepAlive: options.keepAlive ?? true,
          ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {})
        }
        return { http: new Http.Agent(agentOptions), https: new Https.Agent(agentOptions) }
      }),
      (agents) =>
        Effect.sync(() => {
          agents.http.destroy()
          agents.https.destroy()
        })
    ),
    (agents) => {
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
      const resolve = (request: HttpClientRequest.HttpClientRequest): Http.RequestOptions | Error => {
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

      /** One exchange: a single `Effect.async` from writing the request to receiving the head of the answer. */
      const exchange = (request: HttpClientRequest.HttpClientRequest, readable: Readable | undefined) =>
        Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
          const resolved = resolve(request)
          if (resolved instanceof Error) return resume(Effect.fail(requestError(request, "InvalidUrl", resolved)))
          let nodeRequest: Http.ClientRequest
          try {
            nodeRequest = resolved.protocol === "https:" ? Https.request(resolved) : Http.request(resolved)
          } catch (cause) {
            // node refuses some targets and header values synchronously (ERR_UNESCAPED_CHARACTERS, …).
            return resume(Effect.fail(requestError(request, "InvalidUrl", cause)))
          }
          let settled = false
          const fail = (error: HttpClientError.RequestError) => {
            if (settled) return
            settled = true
            readable?.destroy()
            nodeRequest.destroy()
            resume(Effect.fail(error))
          }
          // Kept for the request's whole life: a late socket error must not become an unhandled 'error'.
          nodeRequest.on("error", (cause) => fail(requestError(request, "Transport", cause)))
          nodeRequest.once("response", (source) => {
            if (settled) return source.destroy()
            settled = true
            resume(Effect.succeed(new LeanResponse(request, source)))
          })
          writeBody(nodeRequest, request, readable, fail)
          // Interrupted before the answer arrived: destroying the request closes its socket, so the
          // server sees the call abandoned and the pool does not reuse a half-used connection.
          return Effect.sync(() => {
            if (settled) return
            settled = true
            readable?.destroy()
            nodeRequest.destroy()
          })
        })

      const send = (request: HttpClientRequest.HttpClientRequest) =>
        request.body._tag === "Stream"
          ? Effect.flatMap(
            Stream.toReadableStreamEffect(request.body.stream),
            (stream) => exchange(request, Readable.fromWeb(stream as any))
          )
          : exchange(request, undefined)

      return HttpClient.makeWith(
        (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) => Effect.flatMap(effect, send),
        Effect.succeed
      )
    }
  )

/**
 * The lean client as the `HttpClient` service; its agents (and their sockets) are destroyed when the
 * layer is released.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { WeChatPay } from "@effect-wechatpay/core"
 * import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
 *
 * declare const options: WeChatPay.Options
 * const WeChatPayLive = WeChatPay.layer(options).pipe(Layer.provide(LeanHttpClient.layer({ maxSockets: 64 })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, make(options))

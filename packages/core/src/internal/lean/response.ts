/**
 * The response side of `LeanHttpClient`: a node `IncomingMessage` as an `HttpClientResponse`, its body
 * read once, kept, and bounded.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import * as Cancelable from "../runtime/cancelable.js"
import * as Interruptible from "../runtime/interruptible.js"

/** @internal */
export class ResponseBodyTooLarge extends Schema.TaggedError<ResponseBodyTooLarge>(
  "@effect-wechatpay/core/LeanHttpClient/ResponseBodyTooLarge"
)("ResponseBodyTooLarge", {
  /** The limit, in bytes. */
  limit: Schema.Number,
  /** The length the answer's `Content-Length` declared, when that is what gave it away. */
  declared: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    return this.declared === undefined
      ? `the body exceeds the ${this.limit}-byte limit`
      : `the body's Content-Length ${this.declared} exceeds the ${this.limit}-byte limit`
  }
}

// A response that is dropped unread would hold its pooled socket forever: destroy it when collected.
const unread = new FinalizationRegistry<Http.IncomingMessage>((source) => {
  source.destroy()
})

type BodyState =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Reading"; readonly waiters: Set<(result: Effect.Effect<Uint8Array, unknown>) => void> }
  | { readonly _tag: "Done"; readonly bytes: Uint8Array }
  | { readonly _tag: "Failed"; readonly cause: unknown }

/** @internal */
export class LeanResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private state: BodyState = { _tag: "Idle" }
  private cachedHeaders: Headers.Headers | undefined
  private streaming = false
  // Kept from the start: once the body has been read, the message lets go of its pooled socket.
  private readonly socket: Http.IncomingMessage["socket"] | null

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Http.IncomingMessage,
    private readonly defaultLimit: number,
    /** Clears the exchange's deadline timer: once the body has been read (or has failed), time no longer runs. */
    private readonly release: () => void = () => {}
  ) {
    super()
    this.socket = source.socket
  }

  /**
   * Watches for this response being dropped unread, unless its body is already being read: called once the
   * fiber it was handed to has had its turn. A registration costs the collector on every scavenge, and the
   * SDK's pipeline reads every body at once.
   */
  watchUnread(): void {
    if (this.state._tag === "Idle" && !this.streaming) unread.register(this, this.source, this)
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
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause,
      ...(cause instanceof ResponseBodyTooLarge ? { description: cause.message } : {})
    })
  }

  /** The reading fiber's `MaxBodySize`, else the client's limit. */
  private get limit(): Effect.Effect<number> {
    return Effect.map(
      HttpIncomingMessage.MaxBodySize,
      (size) => Option.isSome(size) ? Number(size.value) : this.defaultLimit
    )
  }

  /** A `Content-Length` over the limit fails before a byte of the body is read. */
  private declaredTooLarge(limit: number): ResponseBodyTooLarge | undefined {
    const declared = Number(this.source.headers["content-length"])
    return declared > limit ? new ResponseBodyTooLarge({ limit, declared }) : undefined
  }

  /** The whole body, read once and kept, so `text`, `json` and `arrayBuffer` may all be used. */
  private get bytes(): Effect.Effect<Uint8Array, HttpClientError.ResponseError> {
    return this.bytesWithin(Number.POSITIVE_INFINITY)
  }

  /**
   * The body within the lower of this response's limit and `maxBytes`: how the SDK's bounded read (`boundedBody.ts`,
   * which looks this key up rather than import this module) reads an answer without `Content-Length`, by the same
   * plain accumulation as `arrayBuffer` rather than through `stream`, which cost about 1 ms of CPU a call more.
   */
  [Symbol.for("@effect-wechatpay/core/BoundedBody/readWithin")](
    maxBytes: number
  ): Effect.Effect<Uint8Array, HttpClientError.ResponseError> {
    return this.bytesWithin(maxBytes)
  }

  private bytesWithin(maxBytes: number): Effect.Effect<Uint8Array, HttpClientError.ResponseError> {
    const state = this.state
    if (state._tag === "Done") return Effect.succeed(state.bytes)
    if (state._tag === "Failed") return Effect.fail(this.decodeError(state.cause))
    return Effect.flatMap(
      this.limit,
      (limit) =>
        Cancelable.async<Uint8Array, HttpClientError.ResponseError>((resume) => {
          const waiter = (result: Effect.Effect<Uint8Array, unknown>) =>
            resume(Effect.mapError(result, (cause) => this.decodeError(cause)))
          this.read(Math.min(limit, maxBytes), waiter)
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

  private read(limit: number, waiter: (result: Effect.Effect<Uint8Array, unknown>) => void): void {
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
      this.release()
      unread.unregister(this)
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
      source.off("close", onClose)
      const result = next._tag === "Done" ? Effect.succeed(next.bytes) : Effect.fail(next.cause)
      for (const resume of waiters) resume(result)
    }
    // Over the limit: stop at once, and destroy the message, which closes its socket, so the server
    // sees the connection closed and the pool never reuses a connection with unread bytes.
    const tooLarge = (cause: ResponseBodyTooLarge) => {
      settle({ _tag: "Failed", cause })
      source.destroy()
    }
    const onData = (chunk: Buffer) => {
      length += chunk.length
      if (length > limit) return tooLarge(new ResponseBodyTooLarge({ limit }))
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
    const declared = this.declaredTooLarge(limit)
    if (declared !== undefined) return tooLarge(declared)
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    source.on("close", onClose)
  }

  /** The exchange's deadline passed: a body being read fails with `cause`, one not yet read is let go of. */
  expire(cause: Error): void {
    const state = this.state
    // Someone is reading (here or through `stream`): they see `cause`.
    if (state._tag === "Reading" || this.streaming) return void this.source.destroy(cause)
    if (state._tag !== "Idle") return
    this.state = { _tag: "Failed", cause }
    unread.unregister(this)
    this.source.destroy()
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
      this.streaming = true
      return Stream.unwrap(Effect.map(this.limit, (limit) => {
        const declared = this.declaredTooLarge(limit)
        if (declared !== undefined) {
          this.source.destroy()
          return Stream.fail(this.decodeError(declared))
        }
        // Async iteration reads with backpressure and destroys the message when the stream stops early,
        // as it does when the limit is passed.
        // Let go of while a read waits (an idle timeout over a stalled body): the message is destroyed at once.
        return Stream.fromAsyncIterable(
          Interruptible.iterable(this.source, bounded(this.source, limit)),
          (cause) => this.decodeError(cause)
        )
      }))
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

/** The chunks of a message, failing once more than `limit` bytes have come. */
async function* bounded(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let length = 0
  for await (const chunk of source) {
    length += chunk.length
    if (length > limit) throw new ResponseBodyTooLarge({ limit })
    yield chunk
  }
}

/**
 * An `HttpClient` whose requests never leave the process: each one is answered by the `Simulator`, so the client's
 * real signing, encryption and verification run against an independent implementation of WeChat Pay.
 *
 * Headers go to the simulator exactly as the request carries them: unlike `fetch`, nothing adds a default
 * `User-Agent` or `Accept`, so a client that forgets them is caught here.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Readable } from "node:stream"
import * as BodyStream from "./internal/bodyStream.js"
import * as Simulator from "./Simulator.js"

const decoder = new TextDecoder()

const encodeError = (request: HttpClientRequest.HttpClientRequest, description: string, cause?: unknown) =>
  new HttpClientError.RequestError({
    request,
    reason: "Encode",
    description,
    ...(cause === undefined ? {} : { cause })
  })

// The body exactly as a socket would carry it: its bytes, and their text for the JSON routes; the simulator verifies
// the signature over these (an upload's over its `meta` part, read from the bytes).
const bodyOf = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<{ readonly body: string; readonly bytes?: Uint8Array }, HttpClientError.RequestError> => {
  const body = request.body
  const of = (bytes: Uint8Array) => ({ body: decoder.decode(bytes), bytes })
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ body: "" })
    case "Uint8Array":
      return Effect.succeed(of(body.body))
    case "Raw":
      if (typeof body.body === "string") return Effect.succeed({ body: body.body })
      if (body.body instanceof Uint8Array) return Effect.succeed(of(body.body))
      return Effect.fail(encodeError(request, "the sandbox accepts only string or Uint8Array raw bodies"))
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map((chunks) => {
          const parts = Chunk.toReadonlyArray(chunks)
          const all = new Uint8Array(parts.reduce((size, part) => size + part.length, 0))
          let offset = 0
          for (const part of parts) {
            all.set(part, offset)
            offset += part.length
          }
          return of(all)
        }),
        Effect.mapError((cause) => encodeError(request, "the request body stream failed", cause))
      )
    case "FormData":
      return Effect.fail(
        encodeError(request, "the sandbox takes a multipart body as bytes (its boundary must be known to sign it)")
      )
  }
}

// Announces the full length but errors after `bytes`, which is what a fetch reader sees when the server breaks the
// connection mid-body.
const truncated = (bytes: Uint8Array, after: number): ReadableStream<Uint8Array> =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      if (after > 0) controller.enqueue(bytes.subarray(0, after))
      controller.error(new Error(`sandbox: connection closed after ${after} of ${bytes.length} body bytes`))
    }
  })

/**
 * An `HttpClient` backed by a given simulator.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SandboxHttpClient, Simulator } from "@effect-wechatpay/sandbox"
 *
 * const client = Effect.map(Simulator.Simulator, SandboxHttpClient.fromSimulator)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSimulator = (simulator: Simulator.Service): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = yield* bodyOf(request)
      const outcome = yield* simulator.handle({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers: request.headers,
        ...body
      })
      // Effect.sleep, not a timer, so TestClock decides when a delayed answer arrives (and timeouts can win).
      if (outcome.delay !== undefined) yield* Effect.sleep(outcome.delay)
      if (outcome._tag === "Drop") {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: new Error("sandbox: connection dropped before any response"),
          description: "connection dropped by the sandbox"
        })
      }
      const { response, truncateAfterBytes } = outcome
      const headers = new Headers()
      for (const [name, value] of Object.entries(response.headers)) {
        for (const one of typeof value === "string" ? [value] : value) headers.append(name, one)
      }
      if (response.stream !== undefined) {
        // A file: its chunks are generated as the reader pulls them, so memory stays constant whatever its size.
        const web = Readable.toWeb(BodyStream.readable(response.stream, truncateAfterBytes))
        return HttpClientResponse.fromWeb(
          request,
          new Response(web as ReadableStream<Uint8Array>, { status: response.status, headers })
        )
      }
      const bytes = new TextEncoder().encode(response.body)
      headers.set("content-length", String(bytes.length))
      const source = truncateAfterBytes === undefined ? bytes : truncated(bytes, truncateAfterBytes)
      // A 204 or 304 has no body at all: the web Response refuses even an empty one.
      const content = (response.status === 204 || response.status === 304) && bytes.length === 0 ? null : source
      return HttpClientResponse.fromWeb(request, new Response(content, { status: response.status, headers }))
    })
  )

/**
 * An `HttpClient` backed by the simulator in context.
 *
 * @example
 * ```ts
 * import { SandboxHttpClient } from "@effect-wechatpay/sandbox"
 *
 * const client = SandboxHttpClient.make
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<HttpClient.HttpClient, never, Simulator.Simulator> = Effect.map(
  Simulator.Simulator,
  fromSimulator
)

/**
 * Provides `HttpClient.HttpClient` answered in memory by the `Simulator`.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { SandboxHttpClient, Simulator, TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const HttpLive = SandboxHttpClient.layer.pipe(
 *   Layer.provideMerge(Layer.unwrapEffect(Effect.map(TestKeys.generateSet(), Simulator.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient, never, Simulator.Simulator> = Layer.effect(
  HttpClient.HttpClient,
  make
)

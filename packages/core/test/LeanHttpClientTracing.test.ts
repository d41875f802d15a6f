import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Tracer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as LeanHttpClient from "../src/LeanHttpClient.js"

/** A loopback server that records each request's headers and answers 200 with a request id. */
const server = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly seen: Array<Http.IncomingHttpHeaders>; readonly http: Http.Server }>(
    (resume) => {
      const seen: Array<Http.IncomingHttpHeaders> = []
      const http = Http.createServer((request, response) => {
        seen.push(request.headers)
        request.resume()
        request.on("end", () => {
          response.writeHead(200, { "content-type": "application/json", "request-id": "r-7" })
          response.end("{}")
        })
      })
      http.listen(0, "127.0.0.1", () => {
        const { port } = http.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, http }))
      })
    }
  ),
  ({ http }) => Effect.sync(() => http.close())
)

/** The current tracer, recording every span it opens. */
const capturing = Effect.map(Effect.tracer, (native) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (...args) => {
      const span = native.span(...args)
      spans.push(span)
      return span
    },
    context: native.context
  })
  return { spans, tracer }
})

const SECRET = "WECHATPAY2-SHA256-RSA2048 signature=\"must-not-be-an-attribute\""

describe("LeanHttpClient tracing", () => {
  it.scopedLive("an http.client span with the platform's attributes, and its traceparent sent", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const { spans, tracer } = yield* capturing
      const client = yield* LeanHttpClient.make()
      const parent = yield* Effect.gen(function*() {
        const parent = yield* Effect.currentSpan
        const response = yield* client.execute(
          HttpClientRequest.get(`${url}/v3/certificates?offset=0`).pipe(
            HttpClientRequest.setHeader("authorization", SECRET)
          )
        )
        yield* response.text
        return parent
      }).pipe(Effect.withSpan("caller"), Effect.withTracer(tracer))
      const span = spans.find((s) => s.name === "http.client GET")
      assert.isDefined(span)
      assert.strictEqual(span!.kind, "client")
      assert.strictEqual(span!.parent._tag === "Some" && span!.parent.value.spanId, parent.spanId)
      const attributes = Object.fromEntries(span!.attributes)
      assert.deepInclude(attributes, {
        "http.request.method": "GET",
        "server.address": url,
        "url.full": `${url}/v3/certificates?offset=0`,
        "url.path": "/v3/certificates",
        "url.query": "offset=0",
        "url.scheme": "http",
        "http.response.status_code": 200,
        "http.response.header.request-id": "r-7"
      })
      // Headers in `Headers.currentRedactedNames` (authorization by default) never reach a span.
      assert.notInclude(JSON.stringify(attributes), "must-not-be-an-attribute")
      assert.strictEqual(attributes["http.request.header.authorization"], "<redacted>")
      // The server sees the http.client span as the remote parent: W3C traceparent, same trace.
      assert.strictEqual(seen[0]!.traceparent, `00-${span!.traceId}-${span!.spanId}-01`)
    }))

  it.scopedLive("tracing off, propagation off, or the request excluded: no traceparent, no span", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const { spans, tracer } = yield* capturing
      const client = yield* LeanHttpClient.make()
      const call = (c: HttpClient.HttpClient) =>
        Effect.flatMap(c.get(`${url}/v3/certificates`), (r) => r.text).pipe(Effect.withTracer(tracer))
      yield* call(client).pipe(Effect.withTracerEnabled(false))
      yield* call(HttpClient.withTracerDisabledWhen(client, (request) => request.url.includes("/v3/")))
      assert.strictEqual(spans.length, 0)
      assert.isUndefined(seen[0]!.traceparent)
      assert.isUndefined(seen[1]!.traceparent)
      // Propagation off: the span is still opened, the header is not sent.
      yield* call(HttpClient.withTracerPropagation(client, false))
      assert.strictEqual(spans.length, 1)
      assert.isUndefined(seen[2]!.traceparent)
      // The platform's span name generator is honoured.
      yield* call(HttpClient.withSpanNameGenerator(client, (request) => `wechatpay ${request.method}`))
      assert.strictEqual(spans[1]!.name, "wechatpay GET")
      assert.isString(seen[3]!.traceparent)
    }))
})

/**
 * Sending one attempt: the request refused when its URL is absolute (the client adds the host, and would otherwise
 * sign for one it does not know), default headers added and signed over exactly what is sent, then the exchange in
 * its own span named by the route template (the platform's span would record identifiers), with the same signed
 * bytes sent to the backup host when the primary could not be connected to.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Signer from "../../Signer.js"
import * as Http from "../http/classify.js"
import { defaultHeaders, manualRedirect, withAuthorization } from "../http/outbound.js"
import * as Local from "../runtime/local.js"
import * as Timeout from "../runtime/timeout.js"
import type { Attempt, Config } from "./attempt.js"
import * as AttemptDeadline from "./attemptDeadline.js"
import * as Call from "./callContext.js"

const ABSOLUTE = /^([a-z][a-z0-9+.-]*:|\/\/)/i

/** Refuses an absolute URL: the client adds the host, and would otherwise sign for one it does not know. */
export const refuseAbsolute = (request: HttpClientRequest.HttpClientRequest) =>
  ABSOLUTE.test(request.url)
    ? Effect.fail(
      new HttpClientError.RequestError({
        request,
        reason: "InvalidUrl",
        description: "give a path (/v3/…): the client adds the host"
      })
    )
    : Effect.succeed(request)

/** `send` and `prepare`, bound to one client's configuration. */
export const make = (
  { backupUrl, baseUrl, counter, httpClient }: Config,
  { keptByTransport, timeoutMillis }: Attempt
) => {
  // The platform's client span records `url.full`, identifiers included: the SDK's requests get their own span,
  // named by the route template, and still carry `traceparent`.
  const noPlatformSpan = () => true

  /**
   * Sends one attempt. `keepDeadline: false` (a file download, whose own timeouts bound it) leaves the attempt's
   * deadline out, so that a transport that keeps it does not tear a long download down at the attempt timeout.
   */
  const send = (request: HttpClientRequest.HttpClientRequest, keepDeadline = true) =>
    // The fiber's refs read in place: one step instead of one per ref, on every attempt.
    Effect.withFiberRuntime<
      HttpClientResponse.HttpClientResponse,
      HttpClientError.RequestError | HttpClientError.ResponseError
    >(
      (fiber) => {
        const declared = fiber.getFiberRef(Call.currentRoute)
        const redacted = fiber.getFiberRef(Headers.currentRedactedNames)
        const propagate = fiber.getFiberRef(HttpClient.currentTracerPropagation)
        const attempt = fiber.getFiberRef(Call.currentAttempt)
        return Effect.useSpan(`http.client ${request.method}`, { kind: "client", captureStackTrace: false }, (span) => {
          span.attribute("http.request.method", request.method)
          span.attribute("url.template", Call.routeOf(declared, request.url.slice(baseUrl.length)))
          if (attempt > 1) span.attribute("wechatpay.attempt", attempt)
          const headers = Headers.redact(request.headers, withAuthorization(redacted))
          for (const name in headers) span.attribute(`http.request.header.${name}`, String(headers[name]))
          const traced = propagate ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span)) : request
          const answered = (host: string) => (response: HttpClientResponse.HttpClientResponse) => {
            span.attribute("wechatpay.host", host)
            span.attribute("http.response.status_code", response.status)
            const requestId = response.headers["request-id"]
            if (requestId !== undefined) span.attribute("wechatpay.request_id", requestId)
            return response
          }
          const primary = Effect.map(httpClient.execute(traced), answered(baseUrl))
          const exchange = backupUrl === undefined ? primary : Effect.catchIf(
            primary,
            // Never connected: the request cannot have run, so the backup host gets the same signed bytes.
            (error) => error.reason === "Transport" && Http.isConnectFailure(error.cause),
            (error) =>
              Effect.logDebug("WeChat Pay: primary host unreachable, sending the same request to the backup host").pipe(
                Effect.annotateLogs({ attempt, host: backupUrl, cause: Http.causeCode(error.cause) ?? "unknown" }),
                Effect.zipRight(
                  httpClient.execute(HttpClientRequest.setUrl(traced, backupUrl + traced.url.slice(baseUrl.length)))
                ),
                Effect.map(answered(backupUrl))
              )
          )
          // The transport runs with the platform's span off and, for fetch (which follows redirects unless told
          // not to; the other transports never do), a RequestInit that makes a redirect an answer.
          const bindings: Array<Local.Binding> = Local.list(
            Local.bind(HttpClient.currentTracerDisabledWhen, noPlatformSpan),
            Local.bind(
              FiberRef.currentContext,
              Context.add(fiber.currentContext, FetchHttpClient.RequestInit, manualRedirect(fiber.currentContext))
            )
          )
          if (keepDeadline && keptByTransport(fiber)) {
            bindings.push(
              Local.bind(AttemptDeadline.current, Timeout.clockOf(fiber).unsafeCurrentTimeMillis() + timeoutMillis)
            )
          }
          return Local.locally(exchange, bindings, counter)
        })
      }
    )

  /** Refuses an absolute URL, adds the default headers, signs over what is sent, then prefixes the host. */
  const prepare = (signer: Signer.Service, request: HttpClientRequest.HttpClientRequest, offload: boolean) =>
    ABSOLUTE.test(request.url)
      ? refuseAbsolute(request)
      : Effect.map(
        Signer.signRequest(signer, defaultHeaders(request), { offload }),
        (signed) => HttpClientRequest.prependUrl(signed, baseUrl)
      )

  return { send, prepare }
}

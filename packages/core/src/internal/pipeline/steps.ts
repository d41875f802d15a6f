/**
 * The steps `WeChatPayClient`'s pipeline is made of, each a small function the combinator chain in
 * `WeChatPayClient.make` puts in order: send (own span, failover), answer (verify or type the error), error
 * mapping, attempt timeout, and for `execute` decoding and the retry schedule.
 */
import type { HttpClientResponse } from "@effect/platform"
import {
  FetchHttpClient,
  Headers,
  HttpClient,
  HttpClientError,
  HttpClientRequest,
  HttpTraceContext
} from "@effect/platform"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import { Clock, Context, Duration, Effect, FiberRef, Option, ParseResult, Schema } from "effect"
import * as Signer from "../../Signer.js"
import * as Verifier from "../../Verifier.js"
import type { CallError } from "../../WeChatPayClient.js"
import * as WeChatPayError from "../../WeChatPayError.js"
import { sanitize } from "../errors/sanitize.js"
import * as Bounded from "../http/boundedBody.js"
import * as Http from "../http/classify.js"
import { defaultHeaders, manualRedirect, withAuthorization } from "../http/outbound.js"
import * as Local from "../runtime/local.js"
import * as Timeout from "../runtime/timeout.js"
import * as AttemptDeadline from "./attemptDeadline.js"
import * as Buffered from "./bufferedAnswer.js"
import * as Call from "./callContext.js"
import * as Echo from "./echo.js"
import * as Replay from "./replay.js"
import * as Validation from "./requestValidation.js"

/** The longest `Retry-After` believed (a day): a wait past the call's deadline fails the call at once anyway. */
const MAX_RETRY_AFTER_SECONDS = 86_400

/** Verified answers remembered for replay detection; past it the oldest are forgotten first. */
const MAX_REMEMBERED_NONCES = 100_000

const utf8 = new TextDecoder("utf-8", { fatal: false })

const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

const decodeErrorBody = Schema.decodeUnknownOption(WeChatPayError.ApiErrorBody)

/** What names the failing attempt in its error. */
type CallContext = Effect.Effect.Success<ReturnType<typeof contextOf>>

/** Method, route template and attempt number of the failing attempt, for its error. */
export const contextOf = (method: string, url: string) =>
  Effect.zipWith(
    FiberRef.get(Call.currentRoute),
    FiberRef.get(Call.currentAttempt),
    (route, attempts) => ({ method, route: Call.routeOf(route, url), attempts })
  )

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

/** What the steps need to know. */
export interface Config {
  readonly baseUrl: string
  readonly backupUrl: string | undefined
  readonly verifier: Verifier.Service
  /** The user's transport. */
  readonly httpClient: HttpClient.HttpClient
  readonly timeout: Duration.Duration
  /** The most bytes an answer's body may hold, inflated or not. */
  readonly maxBodySize: number
  /** Counts the exchanges in flight. */
  readonly counter: Local.Hooks
}

/** The steps, bound to one client's configuration. */
export const make = ({ backupUrl, baseUrl, counter, httpClient, maxBodySize, timeout, verifier }: Config) => {
  const timeoutMillis = Duration.toMillis(timeout)
  // One memory of verified nonces for the client, shared by its fibers: the window is the Verifier's.
  const nonces = Replay.make({ windowSeconds: Verifier.MAX_SKEW_SECONDS, maxEntries: MAX_REMEMBERED_NONCES })
  // The platform's client span records `url.full`, identifiers included: the SDK's requests get their own span,
  // named by the route template, and still carry `traceparent`.
  const noPlatformSpan = () => true
  // A transport that keeps the attempt's deadline itself (the lean one) needs no forked timer: see attemptDeadline.
  const keepsDeadline = AttemptDeadline.keepers.has(httpClient)
  const keptByTransport = (fiber: { getFiberRef<A>(ref: FiberRef.FiberRef<A>): A }) =>
    keepsDeadline && Timeout.isLiveClock(Timeout.clockOf(fiber))

  /** Fails with the error `make` builds from what names `request`'s attempt (method, route, attempt number). */
  const failFor = <E>(request: HttpClientRequest.HttpClientRequest, make: (context: CallContext) => E) =>
    Effect.flatMap(
      contextOf(request.method, request.url.slice(baseUrl.length)),
      (context) => Effect.fail(make(context))
    )

  /** The attempt's time is up. */
  const timedOut = (request: HttpClientRequest.HttpClientRequest) =>
    failFor(request, (context) => new WeChatPayError.RequestTimeout({ scope: "Attempt", timeoutMillis, ...context }))

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

  /** A 2xx answer is returned only once verified; any other becomes its typed error. */
  const answer = (res: HttpClientResponse.HttpClientResponse) => {
    const status = res.status
    const requestId: string | undefined = res.headers["request-id"]
    const fail = (error: (context: CallContext) => CallError) => failFor(res.request, error)
    const unexpected = (description: string, text = "", retryAfter?: number) =>
      fail((context) =>
        new WeChatPayError.UnexpectedResponse({
          status,
          description,
          excerpt: Http.excerpt(text),
          ...context,
          ...(requestId !== undefined ? { requestId } : {}),
          ...(retryAfter !== undefined ? { retryAfter } : {})
        })
      )
    const read = Effect.catchAll(
      Bounded.read(res, maxBodySize),
      (error) =>
        error._tag === "ResponseError" && error.cause instanceof AttemptDeadline.AttemptTimedOut
          ? timedOut(res.request)
          : unexpected(
            Bounded.describe(error._tag === "TooLarge" ? error : error.cause) ??
              "the body could not be read to its end"
          )
    )
    if (status < 200 || status >= 300) return Effect.flatMap(read, (raw) => refused(res, raw, unexpected))
    // The success path is a flat chain, not a generator: every call takes it.
    return Effect.flatMap(read, (raw) =>
      Effect.zipRight(
        Effect.catchAll(verifier.verify({ headers: res.headers, body: raw, status }), (error) =>
          fail((context) =>
            new WeChatPayError.ResponseVerificationError({
              reason: error.reason,
              description: error.description,
              ...(error.status !== undefined ? { status: error.status } : {}),
              ...(error.serial !== undefined ? { serial: error.serial } : {}),
              ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
              ...context
            })
          )),
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, CallError>((fiber) => {
          // Verified, so the nonce and timestamp are there: the same signed answer is data once.
          const now = Timeout.clockOf(fiber).unsafeCurrentTimeMillis()
          if (nonces.admit(res.headers["wechatpay-nonce"]!, Number(res.headers["wechatpay-timestamp"]), now)) {
            return Effect.succeed(Buffered.replay(res, raw))
          }
          return fail((context) =>
            new WeChatPayError.ResponseVerificationError({
              reason: "Replayed",
              description: "this signed answer (its Wechatpay-Nonce) was already accepted: a replayed copy",
              status,
              ...(requestId !== undefined ? { requestId } : {}),
              ...context
            })
          )
        })
      ))
  }

  /** A non-2xx answer, read: its typed error. */
  const refused = (
    res: HttpClientResponse.HttpClientResponse,
    raw: Uint8Array,
    unexpected: (description: string, text?: string, retryAfter?: number) => Effect.Effect<never, CallError>
  ) =>
    Effect.gen(function*() {
      const status = res.status
      const where = yield* contextOf(res.request.method, res.request.url.slice(baseUrl.length))
      const now = yield* Clock.currentTimeMillis
      const retryAfter = Http.retryAfterSeconds(res.headers["retry-after"], now, MAX_RETRY_AFTER_SECONDS)
      const text = utf8.decode(raw)
      const location = res.headers["location"]
      if (status >= 300 && status < 400 && location !== undefined) {
        return yield* unexpected(
          `a redirect to ${JSON.stringify(sanitize(location, 200))}, not followed`,
          text,
          retryAfter
        )
      }
      const body = Option.flatMap(parseJson(text), decodeErrorBody)
      if (Option.isNone(body)) {
        return yield* unexpected("an error answer that is not WeChat's JSON", text, retryAfter)
      }
      yield* Effect.annotateCurrentSpan("wechatpay.code", body.value.code)
      const skew = body.value.code === "SIGN_ERROR" ? Http.clockSkewSeconds(res.headers["date"], now) : undefined
      return yield* Effect.fail(WeChatPayError.fromBody(body.value, {
        status,
        requestId: res.headers["request-id"],
        retryAfter,
        clockSkewSeconds: skew !== undefined && Math.abs(skew) >= Verifier.MAX_SKEW_SECONDS ? skew : undefined,
        ...where
      }))
    })

  // A transport error carries the request it failed on: give back one with neither Authorization nor the
  // path's identifiers, so printing or serializing the error shows neither.
  const sanitizeRequestError = (error: HttpClientError.RequestError) =>
    error.cause instanceof AttemptDeadline.AttemptTimedOut
      ? timedOut(error.request)
      : failFor(error.request, ({ method, route }) =>
        new HttpClientError.RequestError({
          request: HttpClientRequest.make(method as HttpMethod)(route),
          reason: error.reason,
          ...(error.cause !== undefined ? { cause: error.cause } : {}),
          ...(error.description !== undefined ? { description: error.description } : {})
        }))

  // The timeout bounds the exchange, from sending to the verified answer (on a transport that keeps the deadline
  // itself, `send` gives it the deadline instead).
  const attemptTimeout = <A>(effect: Effect.Effect<A, CallError>, request: HttpClientRequest.HttpClientRequest) =>
    keepsDeadline
      ? Effect.withFiberRuntime<A, CallError>((fiber) =>
        keptByTransport(fiber) ? effect : Timeout.timeoutWith(effect, timeoutMillis, timedOut(request))
      )
      : Timeout.timeoutWith(effect, timeoutMillis, timedOut(request))

  /** A body the transport could not read. */
  const unreadable = (error: HttpClientError.ResponseError) =>
    error.cause instanceof AttemptDeadline.AttemptTimedOut ?
      timedOut(error.request) :
      failFor(error.request, (context) =>
        new WeChatPayError.UnexpectedResponse({
          status: error.response.status,
          description: error.reason === "EmptyBody"
            ? "an empty body"
            : Bounded.describe(error.cause) ?? "the body could not be read",
          excerpt: "",
          ...context
        }))

  const decodeAnswer = <A, R>(
    res: HttpClientResponse.HttpClientResponse,
    decode: (u: unknown) => Effect.Effect<A, unknown, R>,
    echo: Readonly<Record<string, unknown>> | undefined
  ): Effect.Effect<A, CallError, R> => {
    // The pipeline's own answers are in memory: read on the spot rather than through `text`'s effect.
    const body = Buffered.bodyOf(res)
    return body === undefined
      ? Effect.flatMap(Effect.orDie(res.text), (text) => decodeText(res, text, decode, echo))
      : decodeText(res, utf8.decode(body), decode, echo)
  }

  const decodeText = <A, R>(
    res: HttpClientResponse.HttpClientResponse,
    text: string,
    decode: (u: unknown) => Effect.Effect<A, unknown, R>,
    echo: Readonly<Record<string, unknown>> | undefined
  ): Effect.Effect<A, CallError, R> => {
    const requestId = res.headers["request-id"]
    const fail = (error: (context: CallContext) => CallError) => failFor(res.request, error)
    const unexpected = (description: string) =>
      fail((context) =>
        new WeChatPayError.UnexpectedResponse({
          status: res.status,
          description,
          excerpt: Http.excerpt(text),
          ...context,
          ...(requestId !== undefined ? { requestId } : {})
        })
      )
    const json = text.length === 0 && res.status === 204 ? Option.some(undefined) : parseJson(text)
    if (Option.isNone(json)) return unexpected("a success whose body is not JSON")
    const decoded = Effect.catchAll(
      decode(json.value),
      (error) =>
        unexpected(
          `a success whose body does not match the response schema${
            ParseResult.isParseError(error) ? ` at ${Validation.failingPaths(error)}` : ""
          }`
        )
    )
    const unbound = echo === undefined ? undefined : Echo.mismatch(json.value, echo)
    if (unbound === undefined) return decoded
    // Decoded first, so that an answer off the schema is that; a well-formed one must then echo the request.
    return Effect.zipRight(
      decoded,
      fail((context) =>
        new WeChatPayError.ResponseVerificationError({
          reason: "EchoMismatch",
          // The field's name only: its value may identify a person.
          description: `the answer's ${unbound.name} ${
            unbound.missing ? "is missing" : "differs from the request's"
          }: it answers another request`,
          status: res.status,
          ...(requestId !== undefined ? { requestId } : {}),
          ...context
        })
      )
    )
  }

  /** The answer step and the mapping of the transport's own errors, as one layer of the client. */
  const verified = (
    effect: Effect.Effect<
      HttpClientResponse.HttpClientResponse,
      HttpClientError.RequestError | HttpClientError.ResponseError
    >
  ) =>
    Effect.catchTags(Effect.flatMap(effect, answer), { RequestError: sanitizeRequestError, ResponseError: unreadable })

  return { send, prepare, verified, attemptTimeout, decodeAnswer, sanitizeRequestError }
}

/**
 * One attempt of a call, as its failures name it: its method, route template and attempt number (`contextOf`,
 * read from the fiber refs the pipeline sets), its timeout (kept by the transport when it can, else a timer around
 * the exchange), and the transport's own errors turned into the SDK's (a `RequestError` without `Authorization`
 * or the path's identifiers, an unreadable body as `UnexpectedResponse`, the attempt's deadline as
 * `RequestTimeout`). The other steps fail through it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import type * as Verifier from "../../Verifier.js"
import type { CallError } from "../../WeChatPayClient.js"
import * as WeChatPayError from "../../WeChatPayError.js"
import * as Bounded from "../http/boundedBody.js"
import type * as Local from "../runtime/local.js"
import * as Timeout from "../runtime/timeout.js"
import * as AttemptDeadline from "./attemptDeadline.js"
import * as Call from "./callContext.js"

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

/** What names the failing attempt in its error. */
export type CallContext = Effect.Effect.Success<ReturnType<typeof contextOf>>

/** Method, route template and attempt number of the failing attempt, for its error. */
export const contextOf = (method: string, url: string) =>
  Effect.zipWith(
    FiberRef.get(Call.currentRoute),
    FiberRef.get(Call.currentAttempt),
    (route, attempts) => ({ method, route: Call.routeOf(route, url), attempts })
  )

/** The attempt's helpers, bound to one client's configuration. */
export const make = ({ baseUrl, httpClient, timeout }: Config) => {
  const timeoutMillis = Duration.toMillis(timeout)
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

  return { timeoutMillis, keptByTransport, failFor, timedOut, sanitizeRequestError, attemptTimeout, unreadable }
}

/** The attempt's helpers. */
export type Attempt = ReturnType<typeof make>

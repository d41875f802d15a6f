/**
 * The two ways a call goes through a client's pipeline besides its `httpClient`: `execute` (a declared call: the
 * body encoded once, every attempt signed afresh over the same bytes, decoded with the call's schema and bound to
 * its request, retried within the call's deadline), and `getUnverified` (a file download: the same signing, span,
 * failover and limits, without verification or the attempt's timeout, for the answer WeChat does not sign).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { Duration } from "effect"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Signer from "../../Signer.js"
import type { ApiRequest, CallError } from "../../WeChatPayClient.js"
import * as WeChatPayError from "../../WeChatPayError.js"
import { redactAuthorization } from "../http/outbound.js"
import * as Local from "../runtime/local.js"
import * as Call from "./callContext.js"
import * as Deadline from "./deadline.js"
import type * as Limits from "./inFlight.js"
import * as Retry from "./retry.js"
import * as Target from "./signingTarget.js"
import type * as Steps from "./steps.js"

/** What `execute` and `getUnverified` are bound to: one client's pipeline and options. */
export interface Bound {
  readonly client: HttpClient.HttpClient.With<CallError>
  readonly steps: ReturnType<typeof Steps.make>
  readonly signer: Signer.Service
  readonly limits: Effect.Effect.Success<ReturnType<typeof Limits.make>>
  readonly backoff: Duration.Duration | undefined
  readonly attempts: number
  readonly timeoutMillis: number
  readonly deadlineMillis: number
}

/** Runs `effect` with its calls' route template set, as `WeChatPayClient.withRoute` does. */
export const withRoute = <A, E, R>(effect: Effect.Effect<A, E, R>, route: string): Effect.Effect<A, E, R> =>
  Local.locally(effect, Local.list(Local.bind(Call.currentRoute, route)))

/** `execute`, bound to a client. */
export const makeExecute =
  ({ attempts: maxAttempts, backoff, client, deadlineMillis, steps, timeoutMillis }: Bound) =>
  <A, I, R>(
    request: ApiRequest,
    response: Schema.Schema<A, I, R>
  ): Effect.Effect<A, CallError, R> => {
    const decode = Schema.decodeUnknown(response)
    let prepared = HttpClientRequest.make(request.method)(request.path)
    if (request.body !== undefined) {
      prepared = HttpClientRequest.bodyUint8Array(prepared, Target.utf8(request.body), "application/json")
    } else if (request.multipart !== undefined) {
      const { bytes, contentType, signed } = request.multipart
      prepared = HttpClientRequest.setBody(prepared, Target.signedAs(bytes, contentType, signed))
    }
    if (request.wechatpaySerial !== undefined) {
      prepared = HttpClientRequest.setHeader(prepared, "wechatpay-serial", request.wechatpaySerial)
    }
    const call = Effect.suspend(() => {
      let attempts = 0
      const once = Effect.flatMap(client.execute(prepared), (res) => steps.decodeAnswer(res, decode, request.echo))
      // The first attempt is the ref's initial value: setting a fiber ref copies the fiber's refs, twice.
      const attempt = Effect.suspend(() =>
        ++attempts === 1 ? once : Local.locally(once, Local.list(Local.bind(Call.currentAttempt, attempts)))
      )
      return Effect.withFiberRuntime<A, CallError, R>((fiber) =>
        Deadline.retryWithin(attempt, {
          schedule: backoff === undefined ? undefined : Retry.schedule(backoff, maxAttempts, () => attempts),
          while: Retry.isRetryable,
          waitMillis: Retry.waitMillisOf,
          deadlineMillis,
          attemptMillis: timeoutMillis,
          onDeadline: () =>
            new WeChatPayError.RequestTimeout({
              scope: "Deadline",
              timeoutMillis: deadlineMillis,
              method: request.method,
              route: Call.routeOf(fiber.getFiberRef(Call.currentRoute), request.path),
              attempts
            })
        })
      )
    })
    return request.route === undefined ? call : withRoute(call, request.route)
  }

/** `getUnverified`, bound to a client. */
export const makeGetUnverified = ({ limits, signer, steps }: Bound) => (path: string) =>
  redactAuthorization(limits.limited(
    steps.prepare(signer, HttpClientRequest.get(path), limits.inFlight() > 0).pipe(
      Effect.flatMap((request) => steps.send(HttpClientRequest.setHeader(request, "accept", "*/*"), false)),
      Effect.catchTags({
        RequestError: steps.sanitizeRequestError,
        ResponseError: (error) =>
          Effect.fail(
            new HttpClientError.RequestError({ request: error.request, reason: "Transport", cause: error })
          )
      })
    )
  ))

/**
 * The notification route behind `Notification.httpApp`: read the body within its bounds, decode it, and run the
 * handler so that WeChat hears "received" (2xx) only for an id whose handler succeeded, now or before.
 *
 * Why it is built this way: WeChat stops sending a notification at its first 2xx. An id is therefore recorded in the
 * store only after its handler succeeded; a delivery that arrives while a run of the same id is in progress in this
 * app is answered 503 (WeChat sends it again later, by which time the run has been recorded or has failed); and no
 * answer depends on a cleanup having run. The in-progress set is this app's memory, left by a finalizer that runs on
 * success, failure and interruption (the server interrupts a handler whose client went away).
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { Schema } from "effect"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type { Decoded, HttpAppOptions, Service } from "../../Notification.js"
import * as NotificationStore from "../../NotificationStore.js"

/** Notifications are a few kilobytes: a larger body is not from WeChat. */
const MAX_BODY = 1024 * 1024

const failure = (status: number, message: string, headers?: Record<string, string>) =>
  HttpServerResponse.unsafeJson({ code: "FAIL", message }, { status, ...(headers ? { headers } : {}) })

const tooLarge = () => failure(413, "a notification body is at most 1 MiB")

// A handler's failure may hold the resource's data: only its tag is logged.
const describeFailure = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => (Cause.isInterruptedOnly(cause) ? "interrupted" : "a defect"),
    onSome: (error) =>
      typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : `a ${typeof error}`
  })

/** @internal */
export const make = <A, I, R, E, R2>(
  service: Service,
  resource: Schema.Schema<A, I, R>,
  handler: (notification: Decoded<A>) => Effect.Effect<unknown, E, R2>,
  options: HttpAppOptions
): HttpApp.Default<never, NotificationStore.NotificationStore | HttpServerRequest.HttpServerRequest | R | R2> => {
  const timeToLive = Duration.decode(options.timeToLive ?? "1 day")
  const readTimeout = Duration.decode(options.readTimeout ?? "10 seconds")
  const ok = HttpServerResponse.empty({ status: options.successStatus ?? 204 })
  const running = new Set<string>()

  // The read runs in a fiber of its own that the deadline does not interrupt: interrupting node's body read destroys
  // the socket, and the sender would never see the 408. Answered with `Connection: close`, the server closes the
  // socket, which ends the read; a read still going one further `readTimeout` later is interrupted.
  const readBody = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const reading = yield* Effect.forkDaemon(
        HttpIncomingMessage.withMaxBodySize(request.arrayBuffer, Option.some(MAX_BODY))
      )
      return yield* Fiber.join(reading).pipe(
        Effect.mapError(() => "unreadable" as const),
        Effect.timeoutFail({ duration: readTimeout, onTimeout: () => "timeout" as const }),
        Effect.tapError((reason) =>
          reason === "timeout" ? Effect.forkDaemon(Effect.delay(Fiber.interrupt(reading), readTimeout)) : Effect.void
        ),
        Effect.onInterrupt(() => Fiber.interrupt(reading)),
        Effect.either
      )
    })

  // Claimed before the store is read, so that a second delivery of an id never overlaps its first run here: it
  // either finds the claim (503) or comes after the run was recorded (2xx without running).
  const claim = (id: string) => Effect.sync(() => running.has(id) ? false : (running.add(id), true))
  const release = (id: string) => Effect.sync(() => running.delete(id))

  const handle = (store: NotificationStore.Service, notification: Decoded<A>) =>
    Effect.gen(function*() {
      const handled = yield* Effect.either(store.isHandled(notification.id))
      if (handled._tag === "Left") {
        yield* Effect.logError(`notification ${notification.id}: ${handled.left.description}`)
        return failure(500, "the notification store failed; WeChat Pay will retry")
      }
      if (handled.right) return ok
      const exit = yield* Effect.exit(handler(notification))
      if (exit._tag === "Failure") {
        yield* Effect.logError(`notification ${notification.id}: the handler failed (${describeFailure(exit.cause)})`)
        return failure(500, "the notification could not be handled; WeChat Pay will retry")
      }
      const recorded = yield* Effect.either(store.markHandled(notification.id, timeToLive))
      if (recorded._tag === "Left") {
        yield* Effect.logError(
          `notification ${notification.id}: handled, but not recorded: ${recorded.left.description}`
        )
        return failure(500, "the notification store failed; WeChat Pay will retry")
      }
      return ok
    })

  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    // Refused before it is read where the server can (a Content-Length, node's streaming limit), else once read.
    if (Number(request.headers["content-length"] ?? 0) > MAX_BODY) return tooLarge()
    const body = yield* readBody(request)
    if (body._tag === "Left") {
      return body.left === "timeout"
        ? failure(408, `the body was not received within ${Duration.format(readTimeout)}`, { connection: "close" })
        : failure(400, "the body could not be read")
    }
    if (body.right.byteLength > MAX_BODY) return tooLarge()
    const decoded = yield* Effect.either(
      service.decode({ headers: request.headers, body: new Uint8Array(body.right) }, resource)
    )
    if (decoded._tag === "Left") {
      const error = decoded.left
      yield* Effect.logWarning(`notification refused: ${error.message}`)
      return failure(error.status, error.message)
    }
    const notification = decoded.right
    const store = yield* NotificationStore.NotificationStore
    return yield* Effect.acquireUseRelease(
      claim(notification.id),
      (claimed) =>
        claimed ? handle(store, notification) : Effect.as(
          Effect.logInfo(`notification ${notification.id}: delivered again while its handler runs; answered 503`),
          failure(503, "the notification is being handled; WeChat Pay will retry")
        ),
      (claimed) => claimed ? release(notification.id) : Effect.void
    )
  }).pipe(Effect.withSpan("Notification.httpApp"))
}

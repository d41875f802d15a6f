/**
 * Which failures `execute` retries, how long it waits between attempts (exponential backoff with jitter, or a
 * server's `Retry-After`), and what each retry logs.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { CallError } from "../../WeChatPayClient.js"

export const isRetryable = (error: CallError): boolean =>
  error._tag === "RequestError" ? error.reason === "Transport" : error.retryable

const retryAfterOf = (error: CallError): number | undefined => "retryAfter" in error ? error.retryAfter : undefined

/** How long an error asks to wait before the next attempt, in milliseconds (its `Retry-After`). */
export const waitMillisOf = (error: CallError): number | undefined => {
  const after = retryAfterOf(error)
  return after === undefined ? undefined : after * 1000
}

/** What a log line calls the failure: WeChat's code, or the tag (and reason) of anything else. */
const codeOf = (error: CallError): string =>
  error._tag === "UnknownApiError"
    ? error.code
    : "reason" in error && typeof error.reason === "string"
    ? `${error._tag}:${error.reason}`
    : error._tag

/** Exponential backoff with jitter, `Retry-After` believed within reason, each retry logged at debug. */
export const schedule = (backoff: Duration.Duration, attemptsInAll: number, attempts: () => number) => () =>
  Schedule.exponential(backoff, 2).pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(attemptsInAll - 1)),
    Schedule.intersect(Schedule.identity<CallError>()),
    // A server that says when to come back is believed, within reason.
    Schedule.modifyDelayEffect(([, error], delay) => {
      const after = retryAfterOf(error)
      const wait = after !== undefined && after * 1000 > Duration.toMillis(delay) ? Duration.seconds(after) : delay
      return Effect.as(
        Effect.logDebug("WeChat Pay: retrying").pipe(
          Effect.annotateLogs({
            code: codeOf(error),
            attempt: attempts(),
            backoffMillis: Duration.toMillis(wait),
            ...("requestId" in error && error.requestId !== undefined ? { requestId: error.requestId } : {})
          })
        ),
        wait
      )
    })
  )

/**
 * The results of identity checks: one check's result (`getAuthentication`), waiting for it (`awaitAuthentication`),
 * and a worker's checks of a day, page by page or as a stream (`listAuthentications`, `streamAuthentications`).
 * Their declarations are in `GetAuthentication` and `ListAuthentications`. `PayrollCard` re-exports all of it.
 *
 * @since 0.1.0
 */
import { Endpoint, type WeChatPayClient } from "@effect-wechatpay/core"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as GetAuthentication from "./GetAuthentication.js"
import * as ListAuthentications from "./ListAuthentications.js"

/**
 * Gets the result of an identity check pre-ordered with `preOrderWithAuth` (获取核身结果): poll it after the
 * worker comes back from the mini program, until `authenticate_state` is no longer `AUTHENTICATE_PROCESSING`.
 *
 * The request is validated before anything is sent (an invalid one fails with `RequestValidationError`); the answer is
 * signature-verified before it is decoded. A number WeChat does not know for this sub-merchant fails with
 * `ORDER_NOT_EXIST`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * // One look; to wait for the worker, use awaitAuthentication.
 * const finished = PayrollCard.getAuthentication({
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   sub_mchid: "1900000109"
 * }).pipe(Effect.map((result) => result.authenticate_state !== "AUTHENTICATE_PROCESSING"))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const getAuthentication = Endpoint.toCall(GetAuthentication.endpoint)

/**
 * One page of a worker's identity checks of one day (查询核身记录, `GET /v3/payroll-card/authentications`; wechatpay-go
 * `AuthenticationsApiService.ListAuthentications`, wechatpay-java `PayrollCardService.listAuthentications`). Every
 * field is a query parameter; `authenticate_date` must be within the last 90 days. For every page, use
 * {@link streamAuthentications}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const count = PayrollCard.listAuthentications({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authenticate_date: "2020-12-25",
 *   limit: 10
 * }).pipe(Effect.map((page) => page.total_count))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const listAuthentications = Endpoint.toCall(ListAuthentications.endpoint)

/**
 * Every identity check of a worker's day, over all pages: {@link listAuthentications} from `request.offset`
 * (default 0), then the page after each (`ListAuthentications.nextPage`) until the last or an empty one. Pages are
 * fetched as the stream is pulled; a failed page fails the stream with that call's error. The page calls' spans
 * are children of one `PayrollCard.streamAuthentications` span.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const numbers = PayrollCard.streamAuthentications({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authenticate_date: "2020-12-25"
 * }).pipe(Stream.map((check) => check.authenticate_number), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const streamAuthentications = (
  request: ListAuthentications.ListAuthenticationsRequest
): Stream.Stream<GetAuthentication.AuthenticationEntity, Endpoint.Error, WeChatPayClient.WeChatPayClient> =>
  Stream.paginateEffect(request, (current) =>
    Effect.map(
      listAuthentications(current),
      (page) => [page.data, ListAuthentications.nextPage(current, page)] as const
    )).pipe(
      Stream.flattenIterables,
      // One span over the pages; each page's call has its own span (and its safe fields) inside it.
      Stream.withSpan("PayrollCard.streamAuthentications")
    )

/** A duration as configured: whole seconds as seconds, anything finer in milliseconds, never rounded. */
const exactly = (millis: number): string => millis % 1000 === 0 ? `${millis / 1000} s` : `${millis} ms`

/**
 * How {@link awaitAuthentication} polls: every `interval` (default 3 seconds), for at most `timeout` (default
 * 5 minutes, about as long as a worker needs in the mini program).
 *
 * @example
 * ```ts
 * import type { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const patient: PayrollCard.AwaitOptions = { interval: "5 seconds", timeout: "15 minutes" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AwaitOptions {
  readonly interval?: Duration.DurationInput | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * {@link awaitAuthentication} gave up: the check was still `AUTHENTICATE_PROCESSING` when its time ran out
 * (the worker has not finished in the mini program, or left it). Not a WeChat error: ask again later.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const result = PayrollCard.awaitAuthentication({
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   sub_mchid: "1900000109"
 * }).pipe(
 *   Effect.catchTag("AuthenticationTimeout", (e) => Effect.logWarning(`${e.polls} polls, no result yet`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationTimeout extends Schema.TaggedError<AuthenticationTimeout>(
  "@effect-wechatpay/payroll-card/AuthenticationTimeout"
)("AuthenticationTimeout", {
  /** The number the check was pre-ordered under (an identifier of the provider's, not personal data). */
  authenticateNumber: Schema.String,
  /** The configured timeout, in milliseconds. */
  timeoutMillis: Schema.Number,
  /** How long it had waited at its last look, in milliseconds (the look after would have come past the timeout). */
  waitedMillis: Schema.Number,
  /** How many times it asked. */
  polls: Schema.Number
}) {
  override get message(): string {
    return `identity check ${this.authenticateNumber} still AUTHENTICATE_PROCESSING at the last look within its ${
      exactly(this.timeoutMillis)
    } timeout (${this.polls} polls, the last after ${exactly(this.waitedMillis)})`
  }
}

/**
 * Waits for the result of an identity check (获取核身结果, polled): asks every `interval` until the check is no
 * longer `AUTHENTICATE_PROCESSING`, and returns that final result (`AUTHENTICATE_SUCCESS` or
 * `AUTHENTICATE_FAILED`, with its `reason`). When `timeout` passes first, it fails with
 * {@link AuthenticationTimeout}; every other failure is {@link getAuthentication}'s (e.g. `ORDER_NOT_EXIST`).
 * Time is read from `Clock`, so `TestClock` drives it in tests.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const passed = PayrollCard.awaitAuthentication(
 *   { authenticate_number: "mcdhehfgisdhfjghed39384564i83", sub_mchid: "1900000109" },
 *   { interval: "3 seconds", timeout: "5 minutes" }
 * ).pipe(Effect.map((result) => result.authenticate_state === "AUTHENTICATE_SUCCESS"))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const awaitAuthentication = Effect.fn("PayrollCard.awaitAuthentication")(
  function*(request: GetAuthentication.GetAuthenticationRequest, options: AwaitOptions = {}) {
    const interval = Duration.toMillis(options.interval ?? Duration.seconds(3))
    const timeout = Duration.toMillis(options.timeout ?? Duration.minutes(5))
    const started = yield* Clock.currentTimeMillis
    let polls = 0
    while (true) {
      const result = yield* getAuthentication(request)
      polls++
      if (result.authenticate_state !== "AUTHENTICATE_PROCESSING") return result
      const waited = (yield* Clock.currentTimeMillis) - started
      // Give up when the next look would come after the timeout: it could only be late.
      if (waited + interval > timeout) {
        return yield* new AuthenticationTimeout({
          authenticateNumber: request.authenticate_number,
          timeoutMillis: timeout,
          waitedMillis: waited,
          polls
        })
      }
      yield* Effect.sleep(interval)
    }
  }
)

/**
 * The payroll-card (微工卡) API calls.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
import { Clock, Duration, Effect, Schema } from "effect"
import * as GetAuthentication from "./GetAuthentication.js"
import * as GetRelation from "./GetRelation.js"
import * as PreOrderWithAuth from "./PreOrderWithAuth.js"

/**
 * The payroll-card calls, declared: method, route template, query, schemas, span name, and the answer fields
 * that echo the request. Each function below is derived from its declaration by `Endpoint.toCall`.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * PayrollCard.endpoints.getRelation.path // "/v3/payroll-card/relations/{openid}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoints = {
  preOrderWithAuth: Endpoint.make({
    name: "PayrollCard.preOrderWithAuth",
    method: "POST",
    path: PreOrderWithAuth.PATH,
    request: PreOrderWithAuth.PreOrderWithAuthRequest,
    response: PreOrderWithAuth.PreOrderWithAuthResponse,
    annotate: ["sub_mchid", "authenticate_number"],
    echo: ["authenticate_number", "openid", "sub_mchid"]
  }),
  getAuthentication: Endpoint.make({
    name: "PayrollCard.getAuthentication",
    method: "GET",
    path: `${GetAuthentication.PATH_PREFIX}{authenticate_number}`,
    query: ["sub_mchid"],
    request: GetAuthentication.GetAuthenticationRequest,
    response: GetAuthentication.GetAuthenticationResponse,
    annotate: ["sub_mchid", "authenticate_number"],
    echo: ["authenticate_number", "sub_mchid"]
  }),
  getRelation: Endpoint.make({
    name: "PayrollCard.getRelation",
    method: "GET",
    path: `${GetRelation.PATH_PREFIX}{openid}`,
    query: ["sub_mchid", "appid", "sub_appid"],
    request: GetRelation.GetRelationRequest,
    response: GetRelation.GetRelationResponse,
    // The worker's openid stays out of the span: it identifies a person.
    annotate: ["sub_mchid"],
    echo: ["openid", "sub_mchid"]
  })
}

/**
 * Pre-orders an identity check that also opens the worker's payroll card and authorises the
 * sub-merchant in the same flow (核身预下单（流程中完成授权）).
 *
 * The request is validated and its sensitive fields encrypted before anything is sent (an invalid
 * request fails with `RequestValidationError`, naming each bad field and never an encrypted value); the answer is signature-verified before it is decoded. WeChat's
 * error codes arrive as tagged errors (`PARAM_ERROR`, `SIGN_ERROR`, …).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const program = PayrollCard.preOrderWithAuth({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   sub_appid: "wxa1111111",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   project_name: "某项目",
 *   employer_name: "某用工企业",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   employment_type: "LONG_TERM_EMPLOYMENT",
 *   authenticate_type: "SIGN_IN"
 * }).pipe(
 *   Effect.catchTag("INVALID_REQUEST", (e) => Effect.die(`authenticate_number reused: ${e.message}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const preOrderWithAuth = Endpoint.toCall(endpoints.preOrderWithAuth)

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
export const getAuthentication = Endpoint.toCall(endpoints.getAuthentication)

/**
 * Gets whether a worker has opened the payroll card and authorised the sub-merchant (查询微工卡授权关系). A worker
 * who never authorised it is an answer (`authorize_state: "UNAUTHORIZED"`), not an error.
 *
 * The request is validated before anything is sent (an invalid one, or one with neither `appid` nor
 * `sub_appid`, fails with `RequestValidationError`); the answer is signature-verified before it is decoded.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const authorised = PayrollCard.getRelation({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111"
 * }).pipe(Effect.map((relation) => relation.authorize_state === "AUTHORIZED"))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const getRelation = Endpoint.toCall(endpoints.getRelation)

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
  /** How long it waited, in milliseconds. */
  waitedMillis: Schema.Number,
  /** How many times it asked. */
  polls: Schema.Number
}) {
  override get message(): string {
    return `identity check ${this.authenticateNumber} still AUTHENTICATE_PROCESSING after ${
      Math.round(this.waitedMillis / 1000)
    } s (${this.polls} polls)`
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
          waitedMillis: waited,
          polls
        })
      }
      yield* Effect.sleep(interval)
    }
  }
)

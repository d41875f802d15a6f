/**
 * Identity checks (核身): the records each accepted pre-order opens under its `authenticate_number`, how a check
 * ends (`complete`, played by `Simulator.completeCheck`), and `GET /v3/payroll-card/authentications/
 * {authenticate_number}?sub_mchid=…` (获取核身结果), which answers from them.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { CheckOutcome } from "../SimulatorModel.js"
import type { Handler, Route } from "./handler.js"
import * as Params from "./params.js"
import type * as PreOrderWithAuth from "./preOrderWithAuth.js"
import type { Problem } from "./problem.js"
import * as Relations from "./relations.js"
import type { State as SimulatorState } from "./state.js"
import * as Store from "./store.js"

/**
 * wechatpay-go `AuthenticationState`.
 *
 * @internal
 */
export type State = "AUTHENTICATE_PROCESSING" | "AUTHENTICATE_SUCCESS" | "AUTHENTICATE_FAILED"

/**
 * One identity check, from its pre-order on: the accepted pre-order (a new pre-order under the same number with
 * other fields replaces the record) and how far the check got.
 *
 * @internal
 */
export interface Record {
  readonly request: PreOrderWithAuth.Request
  readonly state: State
  readonly authenticatedAt?: number
  readonly failedReason?: string
}

/**
 * Identity checks by `authenticate_number` (unique per provider; a query must also name their sub_mchid).
 *
 * @internal
 */
export const Checks = Store.key("checks", (limits) => new Store.BoundedMap<string, Record>(limits.checks))

const DEFAULT_FAILED_REASON = "身份核验未通过"

/**
 * Ends a processing identity check as the worker would. `SUCCESS` authorises the relation of its worker and
 * sub-merchant. Fails with the check's state when no check with that number is processing.
 *
 * @example
 * ```ts
 * complete(state, "AUTH1", "SUCCESS", undefined, Date.now())
 * ```
 * @internal
 */
export const complete = (
  state: SimulatorState,
  number: string,
  outcome: CheckOutcome,
  reason: string | undefined,
  now: number
): Either.Either<Record, { readonly state: Option.Option<State> }> => {
  const checks = state.store(Checks)
  const check = checks.get(number)
  if (check === undefined || check.state !== "AUTHENTICATE_PROCESSING") {
    return Either.left({ state: Option.map(Option.fromNullable(check), (record) => record.state) })
  }
  if (outcome === "SUCCESS") {
    Relations.authorise(state, check.request.sub_mchid, check.request.openid, check.request.employment_type, now)
  }
  const done: Record = outcome === "SUCCESS"
    ? { ...check, state: "AUTHENTICATE_SUCCESS", authenticatedAt: now }
    : { ...check, state: "AUTHENTICATE_FAILED", authenticatedAt: now, failedReason: reason ?? DEFAULT_FAILED_REASON }
  checks.set(number, done)
  return Either.right(done)
}

/**
 * The answer body, fields in wechatpay-go `AuthenticationEntity` order; optional ones only when set.
 *
 * @example
 * ```ts
 * render(record, "1230000109")
 * ```
 * @internal
 */
export const render = (record: Record, mchid: string): string =>
  JSON.stringify({
    mchid,
    sub_mchid: record.request.sub_mchid,
    openid: record.request.openid,
    authenticate_scene: "FROM_MINI_APP",
    // The AppID that opened the mini program.
    authenticate_source: (record.request.sub_appid ?? record.request.appid)!,
    project_name: record.request.project_name,
    employer_name: record.request.employer_name,
    authenticate_state: record.state,
    ...(record.authenticatedAt === undefined ? {} : { authenticate_time: Params.rfc3339(record.authenticatedAt) }),
    authenticate_number: record.request.authenticate_number,
    ...(record.failedReason === undefined ? {} : { authenticate_failed_reason: record.failedReason }),
    ...(record.request.authenticate_type === undefined ? {} : { authenticate_type: record.request.authenticate_type })
  })

// A GET has no body, so no Content-Type to check: it was signed over an empty BODY line.
const getAuthentication: Handler = ({ params, request, settings, state }) =>
  Either.gen(function*() {
    const number = yield* Params.segment(params, "authenticate_number", {
      regexp: /^[A-Za-z0-9]+$/,
      issue: "must contain only letters and digits"
    })
    const subMchid = yield* Params.required(Params.queryOf(request.url), "sub_mchid")
    const check = state.store(Checks).get(number)
    // A number pre-ordered for another sub-merchant is as unknown to this one as a number never used.
    if (check === undefined || check.request.sub_mchid !== subMchid) {
      return yield* Either.left<Problem>({
        status: 404,
        code: "ORDER_NOT_EXIST",
        message: `No identity check with authenticate_number ${number} for sub_mchid ${subMchid}; pre-order it first`
      })
    }
    return () => render(check, settings.mchid)
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "GET", path: "/v3/payroll-card/authentications/{authenticate_number}", handle: getAuthentication }
]

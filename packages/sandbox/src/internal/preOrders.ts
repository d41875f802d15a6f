/**
 * The two pre-order routes: `POST /v3/payroll-card/authentications/pre-order-with-auth` (the worker may still have
 * to open the card and authorise the sub-merchant) and `POST /v3/payroll-card/authentications/pre-order` (the
 * worker already has). Both open an identity check under an `authenticate_number`, the idempotency key they share,
 * and keep the token they issued with the accepted request: a repeat equal to it gets the same token, other fields
 * under a live number are refused.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Authentications from "./authentications.js"
import * as crypto from "./crypto.js"
import type { Handler, Route, Settings } from "./handler.js"
import { requireJson } from "./handler.js"
import * as PreOrderWithAuth from "./preOrderWithAuth.js"
import * as Problem from "./problem.js"
import * as Relations from "./relations.js"
import type { State } from "./state.js"
import * as Store from "./store.js"

/**
 * A token issued for an `authenticate_number`, with the request that asked for it.
 *
 * @internal
 */
export interface Issued {
  readonly request: PreOrderWithAuth.Request
  readonly token: string
  readonly issuedAt: number
  readonly expiresAt: number
}

/**
 * Idempotency records: the token issued per `authenticate_number` while it lives.
 *
 * @internal
 */
export const IssuedTokens = Store.key(
  "issued",
  (limits) => new Store.BoundedMap<string, Issued>(limits.idempotency),
  (entry, _, now) => entry.expiresAt <= now
)

/**
 * The `authenticate_number` a pre-order issued `token` for, if it is still kept.
 *
 * @example
 * ```ts
 * numberOfToken(state, token)
 * ```
 * @internal
 */
export const numberOfToken = (state: State, token: string): string | undefined =>
  state.store(IssuedTokens).findKey((entry) => entry.token === token)

// The token issued for `number`, if it still lives.
const liveIssue = (state: State, number: string, now: number): Issued | undefined => {
  const entry = state.store(IssuedTokens).get(number)
  return entry !== undefined && entry.expiresAt > now ? entry : undefined
}

const reused = (number: string): Problem.Problem => ({
  status: 400,
  code: "INVALID_REQUEST",
  message: `authenticate_number ${number} was already used with different parameters; resend the original ` +
    "parameters or use a new authenticate_number",
  detail: {
    field: "authenticate_number",
    value: number,
    issue: "already used with different parameters",
    location: "body"
  }
})

// The same number with other fields, while its token lives, is refused; with the same fields it is a repeat.
const idempotent = (accepted: PreOrderWithAuth.Request, state: State, now: number) => {
  const previous = liveIssue(state, accepted.authenticate_number, now)
  return previous !== undefined && !Equal.equals(previous.request, accepted)
    ? Either.left(reused(accepted.authenticate_number))
    : Either.void
}

const authorised = (state: State, accepted: PreOrderWithAuth.Request): boolean =>
  state.store(Relations.Relations).has(Relations.key(accepted.sub_mchid, accepted.openid))

// The pre-order's effect: a token (the same one while it lives) and an identity check in progress.
const issue = (accepted: PreOrderWithAuth.Request, now: number, state: State, settings: Settings): string => {
  let entry = liveIssue(state, accepted.authenticate_number, now)
  if (entry === undefined) {
    const expiresAt = now + settings.tokenExpiresIn * 1000
    entry = { request: accepted, token: crypto.alphanumeric(32), issuedAt: now, expiresAt }
    state.store(IssuedTokens).set(accepted.authenticate_number, entry)
  }
  // A repeated pre-order leaves its check as it is; only other fields (after the token expired) start anew.
  const checks = state.store(Authentications.Checks)
  const check = checks.get(accepted.authenticate_number)
  if (check === undefined || !Equal.equals(check.request, accepted)) {
    checks.set(accepted.authenticate_number, { request: accepted, state: "AUTHENTICATE_PROCESSING" })
  }
  return JSON.stringify({
    authenticate_number: accepted.authenticate_number,
    openid: accepted.openid,
    mchid: settings.mchid,
    sub_mchid: accepted.sub_mchid,
    token: entry.token,
    // A repeated request gets the same token, so it also gets what is left of that token's life.
    expires_in: settings.tokenExpiresIn - Math.floor((now - entry.issuedAt) / 1000)
  })
}

/**
 * 核身预下单（流程中完成授权）. `employment_type` is "未授权必填，授权过，非必填，如填写，需要校验和初次填写的一致性"
 * (wechatpay-go `PreOrderAuthenticationWithAuthRequest.EmploymentType`): required while the worker has not
 * authorised the sub-merchant, optional after, and when given it must equal the first one.
 *
 * @internal
 */
const preOrderWithAuth: Handler = ({ headers, now, request, settings, state }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const accepted = yield* PreOrderWithAuth.validate(request.body, headers["wechatpay-serial"], {
      privateKey: settings.platformPrivateKey,
      publicKeyId: settings.platformPublicKeyId
    })
    if (accepted.employment_type === undefined && !authorised(state, accepted)) {
      return yield* Either.left(Problem.paramError({
        field: "employment_type",
        issue: "required until the worker has authorised the sub-merchant",
        location: "body",
        message: "Missing employment_type: it is required while the worker has not authorised the sub-merchant"
      }))
    }
    const first = state.store(Relations.EmploymentTypes).get(Relations.key(accepted.sub_mchid, accepted.openid))
    if (accepted.employment_type !== undefined && first !== undefined && accepted.employment_type !== first) {
      return yield* Either.left(Problem.paramError({
        field: "employment_type",
        value: accepted.employment_type,
        issue: `must equal the employment_type first given for this worker (${first})`,
        location: "body",
        message: `employment_type ${accepted.employment_type} differs from the ${first} first given for this worker`
      }))
    }
    yield* idempotent(accepted, state, now)
    return () => issue(accepted, now, state, settings)
  })

/**
 * 核身预下单, for a worker who already authorised the sub-merchant: the plain fields only. A worker who has not is
 * `INVALID_REQUEST` (the simulator's choice of code: the sources name none), sent to pre-order-with-auth.
 *
 * @internal
 */
const preOrder: Handler = ({ headers, now, request, settings, state }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const accepted = yield* PreOrderWithAuth.validatePreOrder(request.body)
    if (!authorised(state, accepted)) {
      return yield* Either.left<Problem.Problem>({
        status: 400,
        code: "INVALID_REQUEST",
        message: `The worker ${accepted.openid} has not authorised sub_mchid ${accepted.sub_mchid}; ` +
          "pre-order with /v3/payroll-card/authentications/pre-order-with-auth instead"
      })
    }
    yield* idempotent(accepted, state, now)
    return () => issue(accepted, now, state, settings)
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "POST", path: "/v3/payroll-card/authentications/pre-order-with-auth", handle: preOrderWithAuth },
  { method: "POST", path: "/v3/payroll-card/authentications/pre-order", handle: preOrder }
]

/**
 * `POST /v3/payroll-card/tokens` (生成授权token): the body rules (wechatpay-go `CreateTokenRequest`) and the answer
 * (`TokenEntity`). A token lets the worker open the card and authorise the sub-merchant in the mini program; the
 * simulator issues a fresh one per call (the sources name no idempotency key for this call) and keeps it until it
 * expires, so the worker's authorisation can be played later (`authorize`, `Simulator.authorizeToken`).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Body from "./body.js"
import * as crypto from "./crypto.js"
import type { Handler, Route } from "./handler.js"
import { requireJson } from "./handler.js"
import { EMPLOYMENT_TYPES } from "./preOrderWithAuth.js"
import * as Relations from "./relations.js"
import type { State } from "./state.js"
import * as Store from "./store.js"

/**
 * A token `createToken` issued: whose, for which sub-merchant, and until when.
 *
 * @internal
 */
export interface Token {
  readonly openid: string
  readonly sub_mchid: string
  readonly employment_type: string | undefined
  readonly issuedAt: number
  readonly expiresAt: number
}

/**
 * Tokens `createToken` issued, until they expire: the worker authorises with one in the mini program.
 *
 * @internal
 */
export const Tokens = Store.key(
  "tokens",
  (limits) => new Store.BoundedMap<string, Token>(limits.idempotency),
  (entry, _, now) => entry.expiresAt <= now
)

/**
 * Plays the worker opening the card and authorising the sub-merchant with a live token in the mini program:
 * authorises the relation of the token's worker and sub-merchant. `undefined` when the token is unknown or expired.
 *
 * @example
 * ```ts
 * authorize(state, token, Date.now())
 * ```
 * @internal
 */
export const authorize = (state: State, token: string, now: number): Token | undefined => {
  const issued = state.store(Tokens).get(token)
  if (issued === undefined || issued.expiresAt <= now) return undefined
  Relations.authorise(state, issued.sub_mchid, issued.openid, issued.employment_type, now)
  return issued
}

const ENCRYPTED = ["user_name", "id_card_number"]

const handle: Handler = ({ headers, now, request, settings, state }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const fields = yield* Body.parseObject(request.body)
    yield* Body.checkSerial(fields, ENCRYPTED, headers["wechatpay-serial"], settings.platformPublicKeyId)
    const openid = (yield* Body.text(fields, "openid", { required: true }))!
    yield* Body.text(fields, "appid", { required: false })
    const subMchid = (yield* Body.text(fields, "sub_mchid", { required: true }))!
    yield* Body.text(fields, "sub_appid", { required: false })
    yield* Body.someAppId(fields)
    for (const field of ENCRYPTED) yield* Body.checkEncrypted(fields, field, settings.platformPrivateKey)
    const employmentType = yield* Body.oneOf(fields, "employment_type", EMPLOYMENT_TYPES, false)
    return () => {
      const token = crypto.alphanumeric(32)
      const expiresAt = now + settings.tokenExpiresIn * 1000
      state.store(Tokens).set(token, {
        openid,
        sub_mchid: subMchid,
        employment_type: employmentType,
        issuedAt: now,
        expiresAt
      })
      return JSON.stringify({
        openid,
        mchid: settings.mchid,
        sub_mchid: subMchid,
        token,
        expires_in: settings.tokenExpiresIn
      })
    }
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [{ method: "POST", path: "/v3/payroll-card/tokens", handle }]

/**
 * `POST /v3/payroll-card/tokens` (生成授权token): the body rules (wechatpay-go `CreateTokenRequest`) and the answer
 * (`TokenEntity`). A token lets the worker open the card and authorise the sub-merchant in the mini program; the
 * simulator issues a fresh one per call (the sources name no idempotency key for this call).
 *
 * @internal
 */
import { Either } from "effect"
import * as Body from "./body.js"
import * as crypto from "./crypto.js"
import type { Handler } from "./handler.js"
import { requireJson } from "./handler.js"
import { EMPLOYMENT_TYPES } from "./preOrderWithAuth.js"

/**
 * The route's path.
 *
 * @internal
 */
export const PATH = "/v3/payroll-card/tokens"

const ENCRYPTED = ["user_name", "id_card_number"]

/**
 * Serves the route.
 *
 * @internal
 */
export const handle: Handler = ({ headers, now, request, settings, state }) =>
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
      // Kept until it expires, so the worker's authorisation can be played later (`Simulator.authorizeToken`).
      state.tokens.set(token, { openid, sub_mchid: subMchid, employment_type: employmentType, issuedAt: now })
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
 * A token `createToken` issued: whose, for which sub-merchant, and when.
 *
 * @internal
 */
export interface Token {
  readonly openid: string
  readonly sub_mchid: string
  readonly employment_type: string | undefined
  readonly issuedAt: number
}

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
import { EMPLOYMENT_TYPES, parseObject } from "./preOrderWithAuth.js"

/**
 * The route's path.
 *
 * @internal
 */
export const PATH = "/v3/payroll-card/tokens"

/**
 * Serves the route.
 *
 * @internal
 */
export const handle: Handler = ({ headers, request, settings }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const fields = yield* parseObject(request.body)
    if (fields.user_name !== undefined || fields.id_card_number !== undefined) {
      yield* Body.serial(headers["wechatpay-serial"], settings.platformPublicKeyId, "user_name and id_card_number")
    }
    const openid = (yield* Body.text(fields, "openid", { required: true }))!
    yield* Body.text(fields, "appid", { required: false })
    const subMchid = (yield* Body.text(fields, "sub_mchid", { required: true }))!
    yield* Body.text(fields, "sub_appid", { required: false })
    yield* Body.someAppId(fields)
    yield* Body.encrypted(fields, "user_name", settings.platformPrivateKey)
    yield* Body.encrypted(fields, "id_card_number", settings.platformPrivateKey)
    yield* Body.oneOf(fields, "employment_type", EMPLOYMENT_TYPES, false)
    return () =>
      JSON.stringify({
        openid,
        mchid: settings.mchid,
        sub_mchid: subMchid,
        token: crypto.alphanumeric(32),
        expires_in: settings.tokenExpiresIn
      })
  })

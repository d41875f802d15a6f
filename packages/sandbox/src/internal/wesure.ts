/**
 * The payroll card's insurance (微保) calls: `POST /v3/payroll-card/wesure/token-validations` (校验核身结果) and
 * `POST /v3/payroll-card/wesure/insurance` (生成投保结果). No official SDK has them and their pages are not in the
 * stored sources: the fields follow WeChat's OpenAPI description (TheNorthMemory/wechatpay-openapi
 * `docs/v3/payroll-card/wesure/*.yaml`) and the SKIT .NET SDK. The simulator's reading: a token validates when it
 * is one a pre-order issued and its identity check succeeded (the answer names the worker); an insurance result is
 * recorded and answered 204 with no body, signed over the empty body.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Authentications from "./authentications.js"
import * as Body from "./body.js"
import type { Handler, Route } from "./handler.js"
import { requireJson } from "./handler.js"
import * as Params from "./params.js"
import * as PreOrders from "./preOrders.js"
import type { Problem } from "./problem.js"

const ENCRYPTED = ["user_name", "id_card_number"]
const AUTHENTICATE_TYPES = ["NORMAL", "SIGN_IN", "INSURANCE", "CONTRACT"]

const RFC_3339 = {
  regexp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  issue: "must be an RFC 3339 time"
}

/** 校验核身结果. */
const validateToken: Handler = ({ headers, request, settings, state }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const fields = yield* Body.parseObject(request.body)
    yield* Body.checkSerial(fields, ENCRYPTED, headers["wechatpay-serial"], settings.platformPublicKeyId)
    yield* Body.text(fields, "sp_mchid", { required: true })
    const subMchid = (yield* Body.text(fields, "sub_mchid", { required: true }))!
    const token = (yield* Body.text(fields, "token", { required: true }))!
    for (const field of ENCRYPTED) yield* Body.checkEncrypted(fields, field, settings.platformPrivateKey)
    yield* Body.oneOf(fields, "authenticate_type", AUTHENTICATE_TYPES, false)
    const number = PreOrders.numberOfToken(state, token)
    const check = number === undefined ? undefined : state.store(Authentications.Checks).get(number)
    if (check === undefined || check.request.sub_mchid !== subMchid) {
      return yield* Either.left<Problem>({
        status: 400,
        code: "INVALID_REQUEST",
        message: `token is not one a pre-order issued for sub_mchid ${subMchid}`
      })
    }
    if (check.state !== "AUTHENTICATE_SUCCESS") {
      return yield* Either.left<Problem>({
        status: 400,
        code: "INVALID_REQUEST",
        message: `the identity check of this token is ${check.state}, not AUTHENTICATE_SUCCESS`
      })
    }
    const done = check
    return () =>
      JSON.stringify({
        result: "SUCCESS",
        authenticate_success_time: Params.rfc3339(done.authenticatedAt ?? 0),
        openid: done.request.openid
      })
  })

/** 生成投保结果: every field required (the OpenAPI description), times as RFC 3339; answered 204. */
const insurance: Handler = ({ headers, request }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const fields = yield* Body.parseObject(request.body)
    for (
      const field of [
        "sp_mchid",
        "wesure_order_no",
        "token",
        "insurance_company_order_no",
        "openid",
        "insure_state",
        "insurance_company_name"
      ]
    ) yield* Body.text(fields, field, { required: true })
    yield* Body.text(fields, "sub_mchid", { required: false })
    for (const field of ["insure_effect_time", "insure_invalid_time"]) {
      yield* Body.text(fields, field, { required: true, pattern: RFC_3339 })
    }
    return () => ({ status: 204, body: "" })
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "POST", path: "/v3/payroll-card/wesure/token-validations", handle: validateToken },
  { method: "POST", path: "/v3/payroll-card/wesure/insurance", handle: insurance }
]

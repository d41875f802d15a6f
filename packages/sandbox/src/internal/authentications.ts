/**
 * `GET /v3/payroll-card/authentications/{authenticate_number}?sub_mchid=…` (获取核身结果): the request checks and
 * the answer. The records themselves live in the simulator: each accepted pre-order opens one, `complete` ends it.
 *
 * @internal
 */
import { Either } from "effect"
import * as Params from "./params.js"

/**
 * The route's path pattern.
 *
 * @internal
 */
export const PATH = "/v3/payroll-card/authentications/{authenticate_number}"

/**
 * wechatpay-go `AuthenticationState`.
 *
 * @internal
 */
export type State = "AUTHENTICATE_PROCESSING" | "AUTHENTICATE_SUCCESS" | "AUTHENTICATE_FAILED"

/**
 * One identity check, from its pre-order on.
 *
 * @internal
 */
export interface Record {
  readonly authenticate_number: string
  readonly sub_mchid: string
  readonly openid: string
  /** The AppID that opened the mini program: `authenticate_source` of a `FROM_MINI_APP` check. */
  readonly source: string
  readonly project_name: string
  readonly employer_name: string
  /** As pre-ordered; optional there, so absent here when it was not given. */
  readonly authenticate_type: string | undefined
  /** As pre-ordered with auth; a successful check records it as the worker's first employment type. */
  readonly employment_type?: string | undefined
  /** Ties the record to the pre-order's fields: a new pre-order under the same number replaces it. */
  readonly fingerprint: string
  readonly state: State
  readonly authenticatedAt?: number
  readonly failedReason?: string
}

/**
 * Checks the path segment and the query.
 *
 * @internal
 */
export const parse = (
  segment: string,
  url: string
): Params.Checked<{ readonly authenticate_number: string; readonly sub_mchid: string }> =>
  Either.gen(function*() {
    const decoded = yield* Params.decodeSegment("authenticate_number", segment)
    const number = yield* Params.text("authenticate_number", decoded, {
      location: "path",
      required: true,
      pattern: { regexp: /^[A-Za-z0-9]+$/, issue: "must contain only letters and digits" }
    })
    const subMchid = yield* Params.text("sub_mchid", Params.queryOf(url).get("sub_mchid"), {
      location: "query",
      required: true
    })
    return { authenticate_number: number!, sub_mchid: subMchid! }
  })

/**
 * The answer body, fields in wechatpay-go `AuthenticationEntity` order; optional ones only when set.
 *
 * @internal
 */
export const render = (record: Record, mchid: string): string =>
  JSON.stringify({
    mchid,
    sub_mchid: record.sub_mchid,
    openid: record.openid,
    authenticate_scene: "FROM_MINI_APP",
    authenticate_source: record.source,
    project_name: record.project_name,
    employer_name: record.employer_name,
    authenticate_state: record.state,
    ...(record.authenticatedAt === undefined ? {} : { authenticate_time: Params.rfc3339(record.authenticatedAt) }),
    authenticate_number: record.authenticate_number,
    ...(record.failedReason === undefined ? {} : { authenticate_failed_reason: record.failedReason }),
    ...(record.authenticate_type === undefined ? {} : { authenticate_type: record.authenticate_type })
  })

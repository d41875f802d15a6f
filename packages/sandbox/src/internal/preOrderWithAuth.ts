/**
 * Body rules of `POST /v3/payroll-card/authentications/pre-order-with-auth` (核身预下单（流程中完成授权）) and of
 * `POST /v3/payroll-card/authentications/pre-order` (核身预下单), which has the same fields without the encrypted ones
 * and `employment_type`. No length limits: wechatpay-go `services/payrollcard/models.go` documents none.
 *
 * @internal
 */
import { Either } from "effect"
import type { KeyObject } from "node:crypto"
import * as Body from "./body.js"
import * as crypto from "./crypto.js"
import type { Problem } from "./problem.js"

/**
 * The route this module validates.
 *
 * @internal
 */
export const PATH = "/v3/payroll-card/authentications/pre-order-with-auth"

/**
 * Allowed `employment_type` values.
 *
 * @internal
 */
export const EMPLOYMENT_TYPES = ["LONG_TERM_EMPLOYMENT", "SHORT_TERM_EMPLOYMENT", "COOPERATION_EMPLOYMENT"] as const

/**
 * Allowed `authenticate_type` values.
 *
 * @internal
 */
export const AUTHENTICATE_TYPES = ["NORMAL", "SIGN_IN", "INSURANCE", "CONTRACT"] as const

/**
 * The pre-order route (for workers who already authorised the sub-merchant).
 *
 * @internal
 */
export const PRE_ORDER_PATH = "/v3/payroll-card/authentications/pre-order"

/**
 * A request that passed validation. Only what the answer needs is kept; the decrypted name and id number
 * survive only inside `fingerprint`.
 *
 * @internal
 */
export interface Accepted {
  readonly openid: string
  readonly sub_mchid: string
  readonly authenticate_number: string
  /** The AppID the mini program is opened with: `sub_appid` when given, else `appid`. */
  readonly launchAppid: string
  readonly project_name: string
  readonly employer_name: string
  /** Optional in both pre-orders (`omitempty` in wechatpay-go). */
  readonly authenticate_type: string | undefined
  /** Required until the worker has authorised the sub-merchant ("未授权必填，授权过，非必填"): the route checks. */
  readonly employment_type: string | undefined
  /** SHA-256 over every field, sensitive ones as decrypted plaintext: equal iff the requests are equivalent. */
  readonly fingerprint: string
}

type Result = Either.Either<Accepted, Problem>

const ENCRYPTED = ["user_name", "id_card_number"] as const

// Table order of DESIGN.md §4, so the first problem reported is the one a reader of the docs expects.
const RULES: ReadonlyArray<Body.Rule> = [
  { field: "openid", required: true },
  { field: "appid", required: false },
  { field: "sub_mchid", required: true },
  { field: "sub_appid", required: false },
  {
    field: "authenticate_number",
    required: true,
    pattern: { regexp: /^[A-Za-z0-9]+$/, issue: "must contain only letters and digits" }
  },
  { field: "project_name", required: true },
  { field: "employer_name", required: true }
]

const ENUMS: ReadonlyArray<Body.Rule> = [
  { field: "employment_type", required: false, oneOf: EMPLOYMENT_TYPES },
  { field: "authenticate_type", required: false, oneOf: AUTHENTICATE_TYPES }
]

/**
 * Validates the raw body and the `Wechatpay-Serial` header, decrypting the sensitive fields.
 *
 * @example
 * ```ts
 * validate(rawBody, headers["wechatpay-serial"], { platformPrivateKey, platformPublicKeyId })
 * ```
 * @internal
 */
export const validate = (
  rawBody: string,
  wechatpaySerial: string | undefined,
  platform: { readonly privateKey: KeyObject; readonly publicKeyId: string }
): Result =>
  Either.gen(function*() {
    const fields = yield* Body.parseObject(rawBody)
    yield* Body.checkSerial(fields, ENCRYPTED, wechatpaySerial, platform.publicKeyId)
    yield* Body.checkAll(fields, RULES)
    yield* Body.someAppId(fields)
    const plaintexts: Array<string> = []
    for (const field of ENCRYPTED) plaintexts.push(yield* Body.checkEncrypted(fields, field, platform.privateKey))
    yield* Body.checkAll(fields, ENUMS)

    const comparable = [
      ...[...RULES, ...ENUMS].map((rule) => fields[rule.field] ?? null),
      ...plaintexts
    ]
    return accepted(fields, fields.employment_type as string | undefined, comparable)
  })

// The pre-order as the simulator keeps it, from its checked fields; `comparable` is what idempotency compares.
const accepted = (
  fields: Record<string, unknown>,
  employment_type: string | undefined,
  comparable: ReadonlyArray<unknown>
) => ({
  openid: fields.openid as string,
  sub_mchid: fields.sub_mchid as string,
  authenticate_number: fields.authenticate_number as string,
  launchAppid: (fields.sub_appid ?? fields.appid) as string,
  project_name: fields.project_name as string,
  employer_name: fields.employer_name as string,
  authenticate_type: fields.authenticate_type as string | undefined,
  employment_type,
  fingerprint: crypto.fingerprint(JSON.stringify(comparable))
})

const PRE_ORDER_ENUMS: ReadonlyArray<Body.Rule> = [
  { field: "authenticate_type", required: false, oneOf: AUTHENTICATE_TYPES }
]

/**
 * Validates the raw body of a pre-order for an authorised worker: the plain fields of pre-order-with-auth.
 *
 * @example
 * ```ts
 * validatePreOrder(rawBody)
 * ```
 * @internal
 */
export const validatePreOrder = (rawBody: string): Result =>
  Either.gen(function*() {
    const fields = yield* Body.parseObject(rawBody)
    yield* Body.checkAll(fields, RULES)
    yield* Body.someAppId(fields)
    yield* Body.checkAll(fields, PRE_ORDER_ENUMS)
    // Tagged, so a pre-order and a pre-order-with-auth under one number never count as the same request.
    const comparable = ["pre-order", ...[...RULES, ...PRE_ORDER_ENUMS].map((rule) => fields[rule.field] ?? null)]
    return accepted(fields, undefined, comparable)
  })

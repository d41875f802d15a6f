/**
 * Body rules of `POST /v3/payroll-card/authentications/pre-order-with-auth` (核身预下单（流程中完成授权）) and of
 * `POST /v3/payroll-card/authentications/pre-order` (核身预下单), which has the same fields without the encrypted ones
 * and `employment_type`. No length limits: wechatpay-go `services/payrollcard/models.go` documents none.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { KeyObject } from "node:crypto"
import * as Body from "./body.js"
import type { Problem } from "./problem.js"

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
 * A pre-order as accepted: its checked fields, the sensitive ones decrypted and kept `Redacted` (in memory only: a
 * `Redacted` never prints its value). Built with `Data.struct`, so `Equal.equals` tells a repeat (equal requests)
 * from a reuse of the `authenticate_number` with other fields; `kind` keeps a pre-order and a pre-order-with-auth
 * under one number apart.
 *
 * @internal
 */
export interface Request {
  readonly kind: "pre-order" | "pre-order-with-auth"
  readonly openid: string
  readonly appid: string | undefined
  readonly sub_mchid: string
  readonly sub_appid: string | undefined
  readonly authenticate_number: string
  readonly project_name: string
  readonly employer_name: string
  /** Optional in both pre-orders (`omitempty` in wechatpay-go). */
  readonly authenticate_type: string | undefined
  /** Required until the worker has authorised the sub-merchant ("未授权必填，授权过，非必填"): the route checks. */
  readonly employment_type: string | undefined
  /** Pre-order-with-auth only. */
  readonly user_name: Redacted.Redacted<string> | undefined
  readonly id_card_number: Redacted.Redacted<string> | undefined
}

/**
 * The AppID the mini program is opened with: `sub_appid` when given, else `appid`.
 *
 * @example
 * ```ts
 * launchAppid(request)
 * ```
 * @internal
 */
export const launchAppid = (request: Request): string => (request.sub_appid ?? request.appid)!

type Result = Either.Either<Request, Problem>

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
    const userName = yield* Body.checkEncrypted(fields, "user_name", platform.privateKey)
    const idCardNumber = yield* Body.checkEncrypted(fields, "id_card_number", platform.privateKey)
    yield* Body.checkAll(fields, ENUMS)
    return accepted("pre-order-with-auth", fields, Redacted.make(userName), Redacted.make(idCardNumber))
  })

// An optional field that passed its rule: a string, or absent (`null` counts as absent, as WeChat reads it).
const optional = (value: unknown): string | undefined => (value ?? undefined) as string | undefined

// The pre-order as the simulator keeps it, from its checked fields.
const accepted = (
  kind: Request["kind"],
  fields: Record<string, unknown>,
  userName?: Redacted.Redacted<string>,
  idCardNumber?: Redacted.Redacted<string>
): Request =>
  Data.struct({
    kind,
    openid: fields.openid as string,
    appid: optional(fields.appid),
    sub_mchid: fields.sub_mchid as string,
    sub_appid: optional(fields.sub_appid),
    authenticate_number: fields.authenticate_number as string,
    project_name: fields.project_name as string,
    employer_name: fields.employer_name as string,
    authenticate_type: optional(fields.authenticate_type),
    employment_type: kind === "pre-order" ? undefined : optional(fields.employment_type),
    user_name: userName,
    id_card_number: idCardNumber
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
    return accepted("pre-order", fields)
  })

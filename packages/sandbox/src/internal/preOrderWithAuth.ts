/**
 * Body rules of `POST /v3/payroll-card/authentications/pre-order-with-auth` (核身预下单（流程中完成授权）).
 *
 * @internal
 */
import { Either } from "effect"
import type { KeyObject } from "node:crypto"
import * as Body from "./body.js"
import * as crypto from "./crypto.js"
import type { Problem } from "./problem.js"
import { paramError } from "./problem.js"

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
export const AUTHENTICATE_TYPES = ["SIGN_IN", "INSURANCE", "CONTRACT"] as const

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
  readonly authenticate_type: string
  /** SHA-256 over every field, sensitive ones as decrypted plaintext: equal iff the requests are equivalent. */
  readonly fingerprint: string
}

type Result = Either.Either<Accepted, Problem>

const ENCRYPTED = ["user_name", "id_card_number"] as const

// Table order of DESIGN.md §4, so the first problem reported is the one a reader of the docs expects.
const RULES: ReadonlyArray<Body.Rule> = [
  { field: "openid", required: true, maxBytes: 64 },
  { field: "appid", required: false, maxBytes: 32 },
  { field: "sub_mchid", required: true, maxBytes: 32 },
  { field: "sub_appid", required: false, maxBytes: 32 },
  {
    field: "authenticate_number",
    required: true,
    maxBytes: 64,
    pattern: { regexp: /^[A-Za-z0-9]+$/, issue: "must contain only letters and digits" }
  },
  { field: "project_name", required: true, maxBytes: 128 },
  { field: "employer_name", required: true, maxBytes: 128 }
]

const ENUMS: ReadonlyArray<Body.Rule> = [
  { field: "employment_type", required: true, oneOf: EMPLOYMENT_TYPES },
  { field: "authenticate_type", required: true, oneOf: AUTHENTICATE_TYPES }
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
    if (fields.appid == null && fields.sub_appid == null) {
      return yield* Either.left(paramError({
        field: "appid",
        issue: "appid or sub_appid is required",
        location: "body",
        message: "At least one of appid and sub_appid is required"
      }))
    }
    const plaintexts: Array<string> = []
    for (const field of ENCRYPTED) plaintexts.push(yield* Body.checkEncrypted(fields, field, platform.privateKey))
    yield* Body.checkAll(fields, ENUMS)

    const comparable = [
      ...[...RULES, ...ENUMS].map((rule) => fields[rule.field] ?? null),
      ...plaintexts
    ]
    return {
      openid: fields.openid as string,
      sub_mchid: fields.sub_mchid as string,
      authenticate_number: fields.authenticate_number as string,
      launchAppid: (fields.sub_appid ?? fields.appid) as string,
      project_name: fields.project_name as string,
      employer_name: fields.employer_name as string,
      authenticate_type: fields.authenticate_type as string,
      fingerprint: crypto.fingerprint(JSON.stringify(comparable))
    }
  })

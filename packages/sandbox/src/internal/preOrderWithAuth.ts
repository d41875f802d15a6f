/**
 * Body rules of `POST /v3/payroll-card/authentications/pre-order-with-auth` (核身预下单（流程中完成授权）).
 *
 * @internal
 */
import { Either } from "effect"
import type { KeyObject } from "node:crypto"
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

interface Rule {
  readonly field: string
  readonly required: boolean
  readonly maxBytes?: number
  readonly pattern?: { readonly regexp: RegExp; readonly issue: string }
  readonly oneOf?: ReadonlyArray<string>
}

// Table order of DESIGN.md §4, so the first problem reported is the one a reader of the docs expects.
const RULES: ReadonlyArray<Rule> = [
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

const ENUMS: ReadonlyArray<Rule> = [
  { field: "employment_type", required: true, oneOf: EMPLOYMENT_TYPES },
  { field: "authenticate_type", required: true, oneOf: AUTHENTICATE_TYPES }
]

const problem = (p: Problem): Result => Either.left(p)

const checkPlain = (body: Record<string, unknown>, rule: Rule): Problem | undefined => {
  const value = body[rule.field]
  if (value === undefined || value === null) {
    return rule.required
      ? paramError({
        field: rule.field,
        issue: "required",
        location: "body",
        message: `Missing required field ${rule.field}`
      })
      : undefined
  }
  if (typeof value !== "string") {
    return paramError({
      field: rule.field,
      value,
      issue: "must be a string",
      location: "body",
      message: `Field ${rule.field} must be a string`
    })
  }
  if (value.length === 0) {
    return paramError({
      field: rule.field,
      value,
      issue: "must not be empty",
      location: "body",
      message: `Field ${rule.field} must not be empty`
    })
  }
  // WeChat counts string limits in UTF-8 bytes (its messages say 字节数), which matters for Chinese names.
  const bytes = Buffer.byteLength(value, "utf8")
  if (rule.maxBytes !== undefined && bytes > rule.maxBytes) {
    return paramError({
      field: rule.field,
      value,
      issue: `too long: ${bytes} bytes, at most ${rule.maxBytes}`,
      location: "body",
      message: `Field ${rule.field} is ${bytes} bytes long (UTF-8), more than the maximum ${rule.maxBytes}`
    })
  }
  if (rule.pattern !== undefined && !rule.pattern.regexp.test(value)) {
    return paramError({
      field: rule.field,
      value,
      issue: rule.pattern.issue,
      location: "body",
      message: `Field ${rule.field} ${rule.pattern.issue}`
    })
  }
  if (rule.oneOf !== undefined && !rule.oneOf.includes(value)) {
    return paramError({
      field: rule.field,
      value,
      issue: `must be one of ${rule.oneOf.join(", ")}`,
      location: "body",
      message: `Field ${rule.field} must be one of ${rule.oneOf.join(", ")}`
    })
  }
  return undefined
}

// The value of an encrypted field is never echoed: even ciphertext is the customer's PII under another key.
const checkEncrypted = (body: Record<string, unknown>, field: string, key: KeyObject): Problem | string => {
  const value = body[field]
  if (value === undefined || value === null) {
    return paramError({ field, issue: "required", location: "body", message: `Missing required field ${field}` })
  }
  const plaintext = typeof value === "string" ? crypto.decrypt(value, key) : undefined
  if (plaintext === undefined) {
    return paramError({
      field,
      issue: "cannot be decrypted with the platform private key (expected base64 RSAES-OAEP SHA-1 ciphertext)",
      location: "body",
      message: `Field ${field} could not be decrypted: encrypt it with the WeChat Pay platform public key ` +
        `(RSAES-OAEP, SHA-1, MGF1-SHA-1) and send it base64-encoded`
    })
  }
  if (plaintext.length === 0) {
    return paramError({ field, issue: "must not be empty", location: "body", message: `Field ${field} is empty` })
  }
  return plaintext
}

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
): Result => {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    return problem(paramError({
      field: "body",
      issue: "invalid JSON",
      location: "body",
      message: "The request body is not valid JSON"
    }))
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return problem(paramError({
      field: "body",
      issue: "must be a JSON object",
      location: "body",
      message: "The request body must be a JSON object"
    }))
  }
  const fields = body as Record<string, unknown>

  // Checked before decrypting: with the wrong serial the client encrypted with a key WeChat cannot name.
  if (ENCRYPTED.some((field) => fields[field] !== undefined)) {
    if (wechatpaySerial === undefined || wechatpaySerial === "") {
      return problem(paramError({
        field: "Wechatpay-Serial",
        issue: "required when the body has encrypted fields",
        location: "header",
        message: "Missing Wechatpay-Serial header: it must name the platform public key that encrypted " +
          "user_name and id_card_number"
      }))
    }
    if (wechatpaySerial !== platform.publicKeyId) {
      return problem(paramError({
        field: "Wechatpay-Serial",
        value: wechatpaySerial,
        issue: "unknown platform public key id or certificate serial",
        location: "header",
        message: `Wechatpay-Serial ${wechatpaySerial} does not name a platform key of this merchant`
      }))
    }
  }

  for (const rule of RULES) {
    const p = checkPlain(fields, rule)
    if (p !== undefined) return problem(p)
  }
  if (fields.appid == null && fields.sub_appid == null) {
    return problem(paramError({
      field: "appid",
      issue: "appid or sub_appid is required",
      location: "body",
      message: "At least one of appid and sub_appid is required"
    }))
  }
  const plaintexts: Array<string> = []
  for (const field of ENCRYPTED) {
    const p = checkEncrypted(fields, field, platform.privateKey)
    if (typeof p !== "string") return problem(p)
    plaintexts.push(p)
  }
  for (const rule of ENUMS) {
    const p = checkPlain(fields, rule)
    if (p !== undefined) return problem(p)
  }

  const comparable = [
    ...[...RULES, ...ENUMS].map((rule) => fields[rule.field] ?? null),
    ...plaintexts
  ]
  return Either.right({
    openid: fields.openid as string,
    sub_mchid: fields.sub_mchid as string,
    authenticate_number: fields.authenticate_number as string,
    launchAppid: (fields.sub_appid ?? fields.appid) as string,
    project_name: fields.project_name as string,
    employer_name: fields.employer_name as string,
    authenticate_type: fields.authenticate_type as string,
    fingerprint: crypto.fingerprint(JSON.stringify(comparable))
  })
}

/**
 * Checks shared by the routes that take a JSON body: the body is a JSON object, plain string fields follow their
 * `Rule`, encrypted fields decrypt with the platform private key, and `Wechatpay-Serial` names that key whenever an
 * encrypted field is present. Each check fails with the 400 `PARAM_ERROR` WeChat would answer. No length limit
 * unless a route passes one its source documents (wechatpay-go `services/payrollcard/models.go` documents none for
 * the payroll-card strings but the 32-character remarks of a transfer batch).
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { KeyObject } from "node:crypto"
import * as crypto from "./crypto.js"
import * as Params from "./params.js"
import type { Problem } from "./problem.js"
import { paramError } from "./problem.js"

/**
 * The rule of one plain string field.
 *
 * @internal
 */
export interface Rule {
  readonly field: string
  readonly required: boolean
  readonly pattern?: { readonly regexp: RegExp; readonly issue: string }
  readonly oneOf?: ReadonlyArray<string>
}

/**
 * Parses the raw body as a JSON object.
 *
 * @example
 * ```ts
 * parseObject('{"openid":"o1"}')
 * ```
 * @internal
 */
export const parseObject = (rawBody: string): Either.Either<Record<string, unknown>, Problem> => {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    return Either.left(paramError({
      field: "body",
      issue: "invalid JSON",
      location: "body",
      message: "The request body is not valid JSON"
    }))
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Either.left(paramError({
      field: "body",
      issue: "must be a JSON object",
      location: "body",
      message: "The request body must be a JSON object"
    }))
  }
  return Either.right(body as Record<string, unknown>)
}

/**
 * Checks that `Wechatpay-Serial` names the platform key when any of `encrypted` is present. Checked before
 * decrypting: with the wrong serial the client encrypted with a key WeChat cannot name.
 *
 * @example
 * ```ts
 * checkSerial(fields, ["user_name"], headers["wechatpay-serial"], platformPublicKeyId)
 * ```
 * @internal
 */
export const checkSerial = (
  fields: Record<string, unknown>,
  encrypted: ReadonlyArray<string>,
  wechatpaySerial: string | undefined,
  publicKeyId: string
): Either.Either<void, Problem> => {
  if (!encrypted.some((field) => fields[field] !== undefined)) return Either.void
  return serial(wechatpaySerial, publicKeyId, encrypted.join(" and "))
}

const plainProblem = (body: Record<string, unknown>, rule: Rule): Problem | undefined => {
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

/**
 * Checks one plain field against its rule.
 *
 * @example
 * ```ts
 * checkPlain({ openid: "" }, { field: "openid", required: true })
 * ```
 * @internal
 */
export const checkPlain = (body: Record<string, unknown>, rule: Rule): Either.Either<void, Problem> => {
  const problem = plainProblem(body, rule)
  return problem === undefined ? Either.void : Either.left(problem)
}

/**
 * Checks plain fields in order; the first problem wins.
 *
 * @example
 * ```ts
 * checkAll(fields, [{ field: "openid", required: true }, { field: "sub_mchid", required: true }])
 * ```
 * @internal
 */
export const checkAll = (body: Record<string, unknown>, rules: ReadonlyArray<Rule>): Either.Either<void, Problem> => {
  for (const rule of rules) {
    const problem = plainProblem(body, rule)
    if (problem !== undefined) return Either.left(problem)
  }
  return Either.void
}

/**
 * Decrypts one required encrypted field: its plaintext, or the problem. The value of an encrypted field is never
 * echoed: even ciphertext is the customer's PII under another key.
 *
 * @example
 * ```ts
 * checkEncrypted(fields, "user_name", platformPrivateKey)
 * ```
 * @internal
 */
export const checkEncrypted = (
  body: Record<string, unknown>,
  name: string,
  key: KeyObject,
  field = name
): Either.Either<string, Problem> => {
  const value = body[name]
  if (value === undefined || value === null) {
    return Either.left(
      paramError({ field, issue: "required", location: "body", message: `Missing required field ${field}` })
    )
  }
  const plaintext = typeof value === "string" ? crypto.decrypt(value, key) : undefined
  if (plaintext === undefined) {
    return Either.left(paramError({
      field,
      issue: "cannot be decrypted with the platform private key (expected base64 RSAES-OAEP SHA-1 ciphertext)",
      location: "body",
      message: `Field ${field} could not be decrypted: encrypt it with the WeChat Pay platform public key ` +
        `(RSAES-OAEP, SHA-1, MGF1-SHA-1) and send it base64-encoded`
    }))
  }
  if (plaintext.length === 0) {
    return Either.left(
      paramError({ field, issue: "must not be empty", location: "body", message: `Field ${field} is empty` })
    )
  }
  // Every route that takes an ID number checks it as WeChat does; the SDK does not (its plaintext is the caller's).
  if (name === "id_card_number" && !isIdCardNumber(plaintext)) {
    return Either.left(paramError({
      field,
      issue: "is not a valid ID card number (18 characters, GB 11643 check digit)",
      location: "body",
      message: `Field ${field} is not a valid resident ID card number`
    }))
  }
  return Either.right(plaintext)
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/**
 * A resident ID card number (GB 11643-1999): 17 digits and a check character, `"10X98765432"[Σ digit·weight mod 11]`.
 *
 * @example
 * ```ts
 * isIdCardNumber("110101199003072316") // true
 * ```
 * @internal
 */
export const isIdCardNumber = (value: string): boolean => {
  if (!/^\d{17}[\dX]$/.test(value)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += ID_WEIGHTS[i]! * Number(value[i])
  return "10X98765432"[sum % 11] === value[17]
}

// Field checks returning the value, for the routes whose fields are nested or not strings (tokens, batches).

type Fields = Readonly<Record<string, unknown>>

const missing = (field: string): Problem =>
  paramError({ field, issue: "required", location: "body", message: `Missing required field ${field}` })

const invalid = (field: string, value: unknown, issue: string): Problem =>
  paramError({ field, value, issue, location: "body", message: `Field ${field} ${issue}` })

/**
 * A string field: present when required, non-empty, matching `pattern`, at most `maxCharacters` code points.
 *
 * @internal
 */
export const text = (
  fields: Fields,
  field: string,
  rule: {
    readonly required: boolean
    readonly pattern?: { readonly regexp: RegExp; readonly issue: string }
    readonly maxCharacters?: number
    readonly label?: string
  }
): Either.Either<string | undefined, Problem> => {
  const name = rule.label ?? field
  const value = fields[field]
  if (value === undefined || value === null) return rule.required ? Either.left(missing(name)) : Either.right(undefined)
  if (typeof value !== "string") return Either.left(invalid(name, value, "must be a string"))
  if (value.length === 0) return Either.left(invalid(name, value, "must not be empty"))
  if (rule.pattern !== undefined && !rule.pattern.regexp.test(value)) {
    return Either.left(invalid(name, value, rule.pattern.issue))
  }
  if (rule.maxCharacters !== undefined && [...value].length > rule.maxCharacters) {
    return Either.left(invalid(name, value, `must be at most ${rule.maxCharacters} characters`))
  }
  return Either.right(value)
}

/**
 * A string field that must be one of `values`.
 *
 * @internal
 */
export const oneOf = (
  fields: Fields,
  field: string,
  values: ReadonlyArray<string>,
  required: boolean
): Either.Either<string | undefined, Problem> =>
  Either.flatMap(
    text(fields, field, { required }),
    (value) =>
      value === undefined || values.includes(value)
        ? Either.right(value)
        : Either.left(invalid(field, value, `must be one of ${values.join(", ")}`))
  )

/**
 * A required integer field (a JSON number without a fraction).
 *
 * @internal
 */
export const integer = (fields: Fields, field: string, label = field): Either.Either<number, Problem> => {
  const value = fields[field]
  if (value === undefined || value === null) return Either.left(missing(label))
  return typeof value === "number" && Number.isSafeInteger(value)
    ? Either.right(value)
    : Either.left(invalid(label, value, "must be an integer"))
}

/**
 * `Wechatpay-Serial` when the body carries encrypted fields: present, and naming the platform key.
 *
 * @internal
 */
export const serial = (
  header: string | undefined,
  publicKeyId: string,
  fields: string
): Either.Either<void, Problem> => {
  if (header === undefined || header === "") {
    return Either.left(paramError({
      field: "Wechatpay-Serial",
      issue: "required when the body has encrypted fields",
      location: "header",
      message: `Missing Wechatpay-Serial header: it must name the platform public key that encrypted ${fields}`
    }))
  }
  if (header !== publicKeyId) {
    return Either.left(paramError({
      field: "Wechatpay-Serial",
      value: header,
      issue: "unknown platform public key id or certificate serial",
      location: "header",
      message: `Wechatpay-Serial ${header} does not name a platform key of this merchant`
    }))
  }
  return Either.void
}

/**
 * At least one of `appid` and `sub_appid`.
 *
 * @internal
 */
export const someAppId = (fields: Fields): Either.Either<void, Problem> =>
  Params.someAppId(fields.appid, fields.sub_appid, "body")

/**
 * Checks of JSON body fields for the routes added after pre-order-with-auth (tokens, transfer batches): each
 * returns the value or the `PARAM_ERROR` WeChat would answer. No length limits unless the route passes one its
 * source documents.
 *
 * @internal
 */
import { Either } from "effect"
import type { KeyObject } from "node:crypto"
import * as crypto from "./crypto.js"
import type { Problem } from "./problem.js"
import { paramError } from "./problem.js"

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
 * An encrypted field, decrypted. Its value is never echoed: even ciphertext is the customer's PII under another key.
 *
 * @internal
 */
export const encrypted = (
  fields: Fields,
  field: string,
  key: KeyObject,
  label = field
): Either.Either<string, Problem> => {
  const value = fields[field]
  if (value === undefined || value === null) return Either.left(missing(label))
  const plaintext = typeof value === "string" ? crypto.decrypt(value, key) : undefined
  if (plaintext === undefined) {
    return Either.left(paramError({
      field: label,
      issue: "cannot be decrypted with the platform private key (expected base64 RSAES-OAEP SHA-1 ciphertext)",
      location: "body",
      message: `Field ${label} could not be decrypted: encrypt it with the WeChat Pay platform public key ` +
        `(RSAES-OAEP, SHA-1, MGF1-SHA-1) and send it base64-encoded`
    }))
  }
  if (plaintext.length === 0) {
    return Either.left(
      paramError({ field: label, issue: "must not be empty", location: "body", message: `Field ${label} is empty` })
    )
  }
  return Either.right(plaintext)
}

/**
 * At least one of `appid` and `sub_appid`.
 *
 * @internal
 */
export const someAppId = (fields: Fields): Either.Either<void, Problem> =>
  fields.appid == null && fields.sub_appid == null
    ? Either.left(paramError({
      field: "appid",
      issue: "appid or sub_appid is required",
      location: "body",
      message: "At least one of appid and sub_appid is required"
    }))
    : Either.void

/**
 * Parsing of `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`.
 *
 * @internal
 */
import type { Problem } from "./problem.js"
import { signError } from "./problem.js"

/**
 * The only scheme APIv3 accepts.
 *
 * @internal
 */
export const SCHEME = "WECHATPAY2-SHA256-RSA2048"

/**
 * What a request's `Authorization` header claims.
 *
 * @internal
 */
export interface Credentials {
  readonly mchid: string
  readonly nonce: string
  readonly timestamp: number
  /** The timestamp as sent: it is what was signed. */
  readonly timestampText: string
  readonly serialNo: string
  readonly signature: string
}

const PARAMETERS = ["mchid", "nonce_str", "timestamp", "serial_no", "signature"] as const

// key="value" pairs separated by commas; values may not contain quotes. Whitespace around commas is tolerated
// (the official SDKs never send it, but refusing it would be stricter than WeChat's gateway).
const PAIR = /\s*([A-Za-z_]+)="([^"]*)"\s*(?:,|$)/y

const malformed = (issue: string): Problem =>
  signError(`Malformed Authorization header: ${issue}`, { field: "Authorization", location: "header", issue })

/**
 * Parses the header, or says in a 401 `SIGN_ERROR` what is wrong with its shape.
 *
 * @example
 * ```ts
 * parse(`WECHATPAY2-SHA256-RSA2048 mchid="1900000001",…`)
 * ```
 * @internal
 */
export const parse = (
  header: string | undefined
): { readonly _tag: "Ok"; readonly credentials: Credentials } | {
  readonly _tag: "Problem"
  readonly problem: Problem
} => {
  const fail = (problem: Problem) => ({ _tag: "Problem" as const, problem })
  if (header === undefined || header.trim() === "") {
    return fail(
      signError("Missing Authorization header", { field: "Authorization", location: "header", issue: "missing" })
    )
  }
  const space = header.indexOf(" ")
  const scheme = space === -1 ? header : header.slice(0, space)
  if (scheme !== SCHEME) {
    return fail(
      signError(`Unsupported Authorization scheme ${JSON.stringify(scheme)}; APIv3 requires ${SCHEME}`, {
        field: "Authorization",
        location: "header",
        issue: "unsupported scheme"
      })
    )
  }
  const rest = header.slice(space + 1)
  const values = new Map<string, string>()
  PAIR.lastIndex = 0
  while (PAIR.lastIndex < rest.length) {
    const start = PAIR.lastIndex
    const match = PAIR.exec(rest)
    if (match === null) {
      return fail(malformed(`expected key="value" at offset ${start}; every value must be double-quoted`))
    }
    if (values.has(match[1])) return fail(malformed(`duplicate parameter ${match[1]}`))
    values.set(match[1], match[2])
  }
  for (const name of PARAMETERS) {
    if (!values.get(name)) {
      return fail(
        signError(`Authorization is missing the ${name} parameter`, {
          field: name,
          location: "authorization",
          issue: "missing"
        })
      )
    }
  }
  const timestamp = values.get("timestamp")!
  if (!/^\d{1,13}$/.test(timestamp)) {
    return fail(
      signError("Authorization timestamp must be Unix time in seconds (10 digits)", {
        field: "timestamp",
        value: timestamp,
        location: "authorization",
        issue: "not a Unix timestamp"
      })
    )
  }
  return {
    _tag: "Ok",
    credentials: {
      mchid: values.get("mchid")!,
      nonce: values.get("nonce_str")!,
      timestamp: Number(timestamp),
      timestampText: timestamp,
      serialNo: values.get("serial_no")!,
      signature: values.get("signature")!
    }
  }
}

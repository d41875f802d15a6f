/**
 * Parsing of `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { KeyObject } from "node:crypto"
import * as crypto from "./crypto.js"
import type { Problem } from "./problem.js"
import { signError } from "./problem.js"
import * as Store from "./store.js"

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
): Either.Either<Credentials, Problem> => {
  const fail = Either.left
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
  return Either.right({
    mchid: values.get("mchid")!,
    nonce: values.get("nonce_str")!,
    timestamp: Number(timestamp),
    timestampText: timestamp,
    serialNo: values.get("serial_no")!,
    signature: values.get("signature")!
  })
}

/**
 * WeChat rejects requests whose timestamp is more than five minutes off, and remembers nonces that long.
 *
 * @internal
 */
export const WINDOW_SECONDS = 300

/**
 * Spent request nonces, with their timestamps (seconds). A nonce outside the window can no longer be replayed (its
 * timestamp would fail the skew check first), so it is forgotten then.
 *
 * @internal
 */
export const Nonces = Store.key(
  "nonces",
  (limits) => new Store.BoundedMap<string, number>(limits.nonces),
  (timestamp, _, now) => Math.abs(Math.floor(now / 1000) - timestamp) > WINDOW_SECONDS
)

/**
 * Who may sign requests, and the nonces already spent.
 *
 * @internal
 */
export interface Verifier {
  readonly mchid: string
  readonly merchantSerialNo: string
  readonly merchantPublicKey: KeyObject
  readonly seen: (nonce: string) => boolean
}

/**
 * Authenticates a request as WeChat does, in its order: header shape, merchant, certificate serial, clock skew,
 * signature over `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, then nonce replay. Every failure is a 401 `SIGN_ERROR`.
 *
 * @example
 * ```ts
 * authenticate({ method: "GET", url: "/v3/x", body: "" }, headers["authorization"], nowSeconds, verifier)
 * ```
 * @internal
 */
export const authenticate = (
  request: { readonly method: string; readonly url: string; readonly body: string },
  header: string | undefined,
  nowSeconds: number,
  verifier: Verifier
): Either.Either<Credentials, Problem> =>
  Either.flatMap(parse(header), (credentials) => {
    if (credentials.mchid !== verifier.mchid) {
      return Either.left(signError(`Authorization mchid ${credentials.mchid} is not a merchant known here`, {
        field: "mchid",
        value: credentials.mchid,
        location: "authorization",
        issue: "unknown merchant"
      }))
    }
    if (credentials.serialNo !== verifier.merchantSerialNo) {
      return Either.left(signError(
        `Authorization serial_no ${credentials.serialNo} is not an API certificate of merchant ${verifier.mchid}`,
        { field: "serial_no", value: credentials.serialNo, location: "authorization", issue: "unknown serial" }
      ))
    }
    const skew = credentials.timestamp - nowSeconds
    if (Math.abs(skew) > WINDOW_SECONDS) {
      const hint = credentials.timestamp > nowSeconds * 100
        ? "it looks like milliseconds; send Unix time in seconds"
        : `the client's clock is ${Math.abs(skew)} seconds ${skew > 0 ? "ahead" : "behind"}; ` +
          "synchronise it (NTP) and retry"
      return Either.left(signError(
        `Authorization timestamp ${credentials.timestamp} is outside the allowed ±${WINDOW_SECONDS} s of ` +
          `WeChat Pay server time ${nowSeconds} (clock skew): ${hint}`,
        {
          field: "timestamp",
          value: credentials.timestamp,
          location: "authorization",
          issue: "clock skew",
          server_time: nowSeconds,
          skew_seconds: skew
        }
      ))
    }
    const message =
      `${request.method}\n${request.url}\n${credentials.timestampText}\n${credentials.nonce}\n${request.body}\n`
    if (!crypto.verify(message, credentials.signature, verifier.merchantPublicKey)) {
      return Either.left(signError(
        "Signature verification failed (错误的签名，验签失败): sign METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n " +
          "with the exact path, query and body sent, using the private key of serial_no",
        {
          field: "signature",
          location: "authorization",
          issue: "sign not match",
          sign_information: {
            method: request.method,
            url: request.url,
            sign_message_length: Buffer.byteLength(message, "utf8"),
            truncated_sign_message: message.length > 96 ? `${message.slice(0, 96)}…` : message
          }
        }
      ))
    }
    if (verifier.seen(credentials.nonce)) {
      return Either.left(signError(
        `Authorization nonce_str ${credentials.nonce} was already used within the last 5 minutes ` +
          "(replayed request): every request needs a fresh nonce",
        { field: "nonce_str", value: credentials.nonce, location: "authorization", issue: "nonce replayed" }
      ))
    }
    return Either.right(credentials)
  })

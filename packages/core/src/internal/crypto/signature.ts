/**
 * The `Wechatpay-*` signature check, against any key lookup: the static keys of a `Verifier`, the key ring
 * with downloaded certificates, or the certificates of a download checking itself.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Crypto from "node:crypto"
import { ResponseVerificationError, type VerificationFailure } from "../../WeChatPayError.js"
import * as Primitives from "./primitives.js"

/** WeChat's deliberate bad signatures start with this. */
export const SIGNATURE_PROBE_PREFIX = "WECHATPAY/SIGNTEST/"

/** Answers this far (or further) from now are refused. */
export const MAX_SKEW_SECONDS = 300

/** A signed message: headers in any case, the raw body. */
export interface Signed {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string | Uint8Array
  readonly status?: number | undefined
}

/** Serials are shown upper-case (as WeChat shows them) and compared case-insensitively. */
export const normalizeSerial = (serial: string): string => serial.toUpperCase()

/** Reads a header in any case; a repeated header is ambiguous, so it counts as absent. */
export const header = (headers: Signed["headers"], name: string): string | undefined => {
  let value = headers[name]
  if (value === undefined) {
    for (const key in headers) {
      if (key.toLowerCase() === name) {
        value = headers[key]
        break
      }
    }
  }
  return typeof value === "string" ? value : undefined
}

const TIMESTAMP = /^\d{1,12}$/
const NEWLINE = Buffer.from("\n")

/**
 * How a verifier finds keys: `get` synchronously by upper-case serial (the hot path), and `refetch`, on a miss,
 * to let a key ring download before answering; `known` lists serials for the error message.
 */
export interface Keys {
  readonly get: (serial: string) => Crypto.KeyObject | undefined
  readonly refetch?: ((serial: string) => Effect.Effect<Crypto.KeyObject | undefined>) | undefined
  readonly known: () => ReadonlyArray<string>
}

/** Verifies `signed` with the key `keys` holds for its serial (compared upper-case). */
export const verifyWith = (signed: Signed, keys: Keys): Effect.Effect<void, ResponseVerificationError> =>
  Effect.flatMap(Clock.currentTimeMillis, (millis) => {
    const requestId = header(signed.headers, "request-id")
    const fail = (reason: VerificationFailure, description: string, serial?: string) =>
      Effect.fail(
        new ResponseVerificationError({
          reason,
          description,
          ...(signed.status !== undefined ? { status: signed.status } : {}),
          ...(serial !== undefined ? { serial } : {}),
          ...(requestId !== undefined ? { requestId } : {})
        })
      )
    const timestamp = header(signed.headers, "wechatpay-timestamp")
    const nonce = header(signed.headers, "wechatpay-nonce")
    const signature = header(signed.headers, "wechatpay-signature")
    const serial = header(signed.headers, "wechatpay-serial")
    const missing = [
      timestamp === undefined ? "Wechatpay-Timestamp" : undefined,
      nonce === undefined || nonce.length === 0 ? "Wechatpay-Nonce" : undefined,
      signature === undefined || signature.length === 0 ? "Wechatpay-Signature" : undefined,
      serial === undefined || serial.length === 0 ? "Wechatpay-Serial" : undefined
    ].filter((name) => name !== undefined)
    if (missing.length > 0) return fail("MissingHeaders", `missing or repeated ${missing.join(", ")}`)
    if (!TIMESTAMP.test(timestamp!)) return fail("MissingHeaders", "Wechatpay-Timestamp is not Unix seconds")
    if (signature!.startsWith(SIGNATURE_PROBE_PREFIX)) {
      return fail("SignatureProbe", "WeChat's signature probe: a deliberately invalid signature", serial)
    }
    const skew = Math.abs(Math.floor(millis / 1000) - Number(timestamp))
    if (skew >= MAX_SKEW_SECONDS) {
      return fail(
        "StaleTimestamp",
        `Wechatpay-Timestamp is ${skew} s away from this host's clock (limit ${MAX_SKEW_SECONDS} s)`,
        serial
      )
    }
    const check = (key: Crypto.KeyObject | undefined) => {
      if (key === undefined) {
        return fail("UnknownSerial", `no platform key for serial ${serial}; known: ${keys.known().join(", ")}`, serial)
      }
      const message = typeof signed.body === "string"
        ? `${timestamp}\n${nonce}\n${signed.body}\n`
        : Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), signed.body, NEWLINE])
      return Primitives.verify(key, message, signature!)
        ? Effect.void
        : fail("BadSignature", "the signature does not match the body", serial)
    }
    const wanted = normalizeSerial(serial!)
    const key = keys.get(wanted)
    return key !== undefined || keys.refetch === undefined ? check(key) : Effect.flatMap(keys.refetch(wanted), check)
  })

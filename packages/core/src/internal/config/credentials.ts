import * as Effect from "effect/Effect"
import type * as Crypto from "node:crypto"
import { InvalidOptionError } from "../../WeChatPayError.js"
import { parsePrivateKey, parsePublicKey } from "../crypto/primitives.js"

// Values end up inside `key="value"` pairs of the Authorization header: anything that could close the
// quote or start a new pair is refused up front, so no configuration can forge or break the header.
const SAFE_IDENTIFIER = /^[\x21\x23-\x2b\x2d-\x7e]{1,128}$/

/** Fails unless `value` is a non-empty printable ASCII identifier without quotes, commas or spaces. */
export const identifier = (option: string, value: string): Effect.Effect<string, InvalidOptionError> =>
  SAFE_IDENTIFIER.test(value)
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidOptionError({
        option,
        description: value.length === 0
          ? "must not be empty"
          : "must be 1–128 printable ASCII characters without quotes, commas, spaces or line breaks"
      })
    )

/** Parses a PEM key once, naming the option (never the key) when it does not parse. */
export const privateKey = (option: string, pem: string): Effect.Effect<Crypto.KeyObject, InvalidOptionError> =>
  Effect.try({
    try: () => parsePrivateKey(pem),
    catch: (cause) =>
      new InvalidOptionError({ option, description: `not a PEM RSA private key (${safeReason(cause)})` })
  })

/** Parses a PEM public key or certificate, naming the option when it does not parse. */
export const publicKey = (option: string, pem: string): Effect.Effect<Crypto.KeyObject, InvalidOptionError> =>
  Effect.try({
    try: () => parsePublicKey(pem),
    catch: (cause) =>
      new InvalidOptionError({ option, description: `not a PEM RSA public key or certificate (${safeReason(cause)})` })
  })

// node:crypto's messages are about the structure ("DECODER routines::unsupported"), never the key
// bytes; keep only the first line and cap it anyway.
const safeReason = (cause: unknown): string => {
  const text = cause instanceof Error ? cause.message : "unparseable"
  return (text.split("\n")[0] ?? "").slice(0, 120)
}

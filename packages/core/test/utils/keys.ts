import { Effect } from "effect"
import * as Crypto from "node:crypto"

/** A fresh RSA-2048 key pair as PEM, generated at run time (never committed). */
export const generateKeyPair = Effect.async<{ readonly publicKey: string; readonly privateKey: string }>((resume) =>
  Crypto.generateKeyPair(
    "rsa",
    {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" }
    },
    (error, publicKey, privateKey) => resume(error ? Effect.die(error) : Effect.succeed({ publicKey, privateKey }))
  )
)

/** Parses an Authorization header into its scheme and parameters. */
export const parseAuthorization = (header: string) => {
  const [scheme, rest] = [header.slice(0, header.indexOf(" ")), header.slice(header.indexOf(" ") + 1)]
  const params: Record<string, string> = {}
  for (const pair of rest.split(",")) {
    const match = /^([a-z_]+)="([^"]*)"$/.exec(pair)
    if (match === null) throw new Error(`malformed pair ${pair}`)
    params[match[1]!] = match[2]!
  }
  return { scheme, params }
}

/**
 * What the sandbox CLI prints so a client can reach it: the `WECHATPAY_*` variables `WeChatPay.layerConfig()` reads,
 * as `export NAME=value` lines that a shell sources and `node --env-file` reads alike. Keys are given as the files
 * `--write-keys` wrote (`_FILE` variables), never as values: the output and the env file hold no secret.
 *
 * @internal
 */
import * as Path from "node:path"

/** The files `--write-keys` wrote, by what they hold; a missing one is said in a comment line. */
export interface Files {
  readonly merchantPrivateKey?: string | undefined
  readonly platformPublicKey?: string | undefined
  readonly apiV3Key?: string | undefined
}

export interface Input {
  readonly url: string
  readonly mchid: string
  readonly merchantSerialNo: string
  readonly platformPublicKeyId: string
  readonly keyMode: "publicKey" | "certificate" | "mixed"
  readonly files: Files
  /** Why a key file is missing, when it is (the flag that supplied the key instead, or no `--write-keys`). */
  readonly missing: (key: keyof Files) => string
}

// Quoted only when needed, so the usual line (a plain path) reads as it is, and quoted so that a shell and node's
// env-file parser read the same value: double quotes unless a shell would expand something inside them, then single
// quotes (literal in both); a value holding a single quote and such a character reads right in a shell only.
const quote = (value: string): string => {
  if (/^[\w./:@%+,=-]+$/.test(value)) return value
  if (!/["$`\\\n]/.test(value)) return `"${value}"`
  if (!/['\n]/.test(value)) return `'${value}'`
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * The lines, in the order `layerConfig` documents its variables. The mode decides the platform-key variables: the
 * public key in public-key mode, the APIv3 key (certificates downloaded) in certificate mode, both in mixed mode —
 * the client then runs in the same mode as the sandbox.
 */
export const lines = (input: Input): ReadonlyArray<string> => {
  const out: Array<string> = []
  const set = (name: string, value: string) => out.push(`export ${name}=${quote(value)}`)
  const file = (name: string, key: keyof Files) => {
    const path = input.files[key]
    if (path === undefined) out.push(`# ${name}_FILE: ${input.missing(key)}`)
    else set(`${name}_FILE`, Path.resolve(path))
  }
  set("WECHATPAY_BASE_URL", input.url)
  set("WECHATPAY_MCHID", input.mchid)
  set("WECHATPAY_MERCHANT_SERIAL_NO", input.merchantSerialNo)
  file("WECHATPAY_MERCHANT_PRIVATE_KEY", "merchantPrivateKey")
  if (input.keyMode !== "certificate") {
    set("WECHATPAY_PUBLIC_KEY_ID", input.platformPublicKeyId)
    file("WECHATPAY_PUBLIC_KEY", "platformPublicKey")
  }
  if (input.keyMode !== "publicKey") file("WECHATPAY_API_V3_KEY", "apiV3Key")
  return out
}

/**
 * What a file's metadata is checked for before anything is sent: a digest the SDK can compute, and a
 * `download_url` on the client's own API host (or its backup), whose path and query are what gets signed.
 */
import { sanitize } from "../errors/sanitize.js"

/** Why the metadata was refused, before it becomes a `DownloadError`. */
export interface Refusal {
  readonly reason: "UnsupportedHash" | "ForeignHost" | "Malformed"
  readonly description: string
}

/** The digests WeChat names (`SHA1` for bills, `SHA256` for receipts), as node:crypto names them. */
const ALGORITHMS: Readonly<Record<string, { readonly name: string; readonly hexLength: number }>> = {
  SHA1: { name: "sha1", hexLength: 40 },
  SHA256: { name: "sha256", hexLength: 64 }
}

/** node:crypto's name of the digest, and the expected value in lower-case hex. */
export const digestOf = (
  hashType: string,
  hashValue: string
): { readonly algorithm: string; readonly expected: string } | Refusal => {
  const algorithm = ALGORITHMS[hashType.trim().toUpperCase()]
  if (algorithm === undefined) {
    return {
      reason: "UnsupportedHash",
      description: `hash_type ${JSON.stringify(sanitize(hashType, 32))} is not one the SDK can check (SHA1, SHA256)`
    }
  }
  const expected = hashValue.trim().toLowerCase()
  if (expected.length !== algorithm.hexLength || !/^[0-9a-f]+$/.test(expected)) {
    return {
      reason: "Malformed",
      description: `hash_value is not a ${algorithm.hexLength}-digit hex ${hashType.trim().toUpperCase()} digest`
    }
  }
  return { algorithm: algorithm.name, expected }
}

// The scheme and authority as written, so that the host compared is the one a URL parser and a person both read.
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i

/**
 * The path and query of `downloadUrl` (what is signed and sent), when its scheme, host and port are those of
 * `baseUrl` or `backupUrl` and it carries no credentials; otherwise why not. The URL is only ever a source of
 * a path: the request goes to the client's configured host, never to a host taken from an answer.
 */
export const pathOf = (downloadUrl: string, hosts: ReadonlyArray<string>): string | Refusal => {
  const shown = JSON.stringify(sanitize(downloadUrl.replace(/[?#].*$/s, ""), 120))
  // Anything a parser might read two ways (a backslash, a space, a control character, non-ASCII) is refused
  // outright: WeChat's URLs are plain ASCII.
  if (!/^[\x21-\x7e]+$/.test(downloadUrl) || downloadUrl.includes("\\")) {
    return { reason: "Malformed", description: `download_url ${shown} is not a plain absolute URL` }
  }
  const written = ORIGIN.exec(downloadUrl)
  let url: URL
  try {
    url = new URL(downloadUrl)
  } catch {
    return { reason: "Malformed", description: `download_url ${shown} is not an absolute URL` }
  }
  if (written === null) return { reason: "Malformed", description: `download_url ${shown} is not an absolute URL` }
  const origin = `${written[1]!.toLowerCase()}://${written[2]!.toLowerCase()}`
  const ours = hosts.some((host) => {
    const configured = new URL(host)
    // `origin` as written must be the parsed one (no userinfo, no default port spelled differently) and ours.
    return url.origin === configured.origin && origin === url.origin
  })
  if (!ours || url.username !== "" || url.password !== "") {
    return {
      reason: "ForeignHost",
      description: `download_url ${shown} is not on the configured API host (${hosts.join(" or ")}): nothing was sent`
    }
  }
  const rest = downloadUrl.slice(written[0].length).replace(/#.*$/s, "")
  return rest.startsWith("/") ? rest : `/${rest}`
}

/** Whether `value` is a refusal rather than the result. */
export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === "object" && value !== null && "reason" in value && "description" in value

/**
 * What `PlatformCertificates` holds between downloads, as plain functions of the time: which certificates are
 * trusted now, how a verified list replaces the held ones, and which one encrypts.
 */
import { MAX_SKEW_SECONDS } from "../crypto/signature.js"
import type { Certificate } from "./download.js"

/**
 * How long a certificate stays trusted after the latest verified list stopped naming it: 10 minutes, twice the
 * 5-minute window of `Wechatpay-Timestamp`. Anything WeChat signed with it before it left the list is refused as
 * stale once that window has passed on this host's clock, which happens within 10 minutes of the list whatever
 * the skew between the two clocks that still lets an answer verify (under 5 minutes either way). So every answer
 * or callback still in flight verifies, and a certificate WeChat withdrew is not trusted for years.
 */
export const GRACE_MILLIS = 2 * MAX_SKEW_SECONDS * 1000

/** The encryption certificate is kept until it has less than this left, then the newest valid one takes over. */
const SWITCH_BEFORE_EXPIRY_MILLIS = 7 * 86_400_000

/** A held certificate and until when it is trusted: its expiry, or the end of its grace once unlisted. */
export interface Held {
  readonly certificate: Certificate
  readonly until: number
  /** Whether the latest verified list names it. */
  readonly listed: boolean
}

/** The certificate held for `serial` if it is trusted at `now`: within both its dates and any grace period. */
export const trusted = (
  held: ReadonlyMap<string, Held>,
  serial: string,
  now: number
): Certificate | undefined => {
  const entry = held.get(serial)
  return entry !== undefined && entry.certificate.validFrom <= now && now < entry.until ? entry.certificate : undefined
}

/**
 * What is held once a verified list arrived: exactly the listed certificates, plus those it no longer names,
 * each until the end of its grace period (started by the first list that left it out, never extended).
 */
export const replace = (
  held: ReadonlyMap<string, Held>,
  listed: ReadonlyArray<Certificate>,
  now: number
): Map<string, Held> => {
  const next = new Map<string, Held>()
  for (const certificate of listed) {
    next.set(certificate.serialNo, { certificate, until: certificate.validTo, listed: true })
  }
  for (const [serial, entry] of held) {
    if (next.has(serial)) continue
    const until = entry.listed ? Math.min(entry.certificate.validTo, now + GRACE_MILLIS) : entry.until
    if (now < until) next.set(serial, { certificate: entry.certificate, until, listed: false })
  }
  return next
}

/**
 * The certificate to encrypt with: one the latest list names, valid now, the one that expires last.
 *
 * Sticky on purpose: a caller reads `serialNo` after encrypting, so a switch between the two would send fields
 * encrypted with one certificate under another's serial. Switching only near expiry (WeChat keeps listing the
 * previous certificate meanwhile) makes that window a once-in-years event instead of one per rotation.
 */
export const newestOf = (
  certificates: ReadonlyArray<Certificate>,
  now: number,
  current: Certificate | undefined
): Certificate | undefined => {
  if (
    current !== undefined && current.validTo - now > SWITCH_BEFORE_EXPIRY_MILLIS &&
    certificates.some((c) => c.serialNo === current.serialNo)
  ) return current
  let newest: Certificate | undefined
  for (const c of certificates) {
    if (c.validFrom <= now && c.validTo > now && (newest === undefined || c.validTo > newest.validTo)) newest = c
  }
  return newest
}

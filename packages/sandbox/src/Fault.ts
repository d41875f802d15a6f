/**
 * Misbehaviours a test can queue on a simulator (`Simulator.inject`), to exercise a client's error paths: error
 * answers, tampered signatures, gateway pages, empty or cut bodies, delays and dropped connections.
 * `Simulator.Fault` is this module's `Fault`.
 *
 * @since 0.1.0
 */
import type { Duration } from "effect"
import * as Data from "effect/Data"

// Variants without fields are spelled `NoFields` (an empty record) because lint forbids the `{}` type.
type NoFields = Record<never, never>

/**
 * A misbehaviour to inject. Faults that change the answer (all but `Delay` and `Drop`) only show on a request that
 * would otherwise succeed; a request that fails on its own merits gets its real error (and still uses the fault up).
 *
 * - `ApiError`: answer with this error instead (status from the code when omitted, `Retry-After` from `retryAfter`
 *   seconds). Nothing is recorded: the same request, even unchanged, succeeds afterwards.
 * - `BadSignature`: `Wechatpay-Signature` is well-formed base64 that verifies nothing.
 * - `SignatureProbe`: `Wechatpay-Signature` starts with `WECHATPAY/SIGNTEST/`, as WeChat's own verification probes.
 * - `StaleTimestamp`: `Wechatpay-Timestamp` is `seconds` (default 600) in the past, correctly signed.
 * - `UnknownSerial`: `Wechatpay-Serial` names a key the client cannot know, correctly signed.
 * - `MissingHeaders`: the success answer has no `Wechatpay-Signature`.
 * - `GatewayHtml`: an nginx HTML error page (`status`, default 502), unsigned, not recorded.
 * - `EmptyBody`: a signed 200 with an empty body.
 * - `Truncate`: a correctly signed success whose body the transport cuts after `bytes` (default: half); a file
 *   download (a bill) is cut after `bytes` of what goes on the wire (default 1 KiB), and the connection broken.
 * - `CorruptDownload`: a bill's file is served with one byte changed (at `offset` of the uncompressed file, default
 *   100), so its digest no longer matches; queue it for the download path (`/v3/billdownload/file`).
 * - `WrongDigest`: a bill's metadata (`/v3/bill/tradebill`, `/v3/bill/fundflowbill`) names a `hash_value` that is
 *   not the file's: correctly signed, but the download that follows cannot match it.
 * - `Delay`: the transport waits `duration` before answering normally.
 * - `Drop`: the transport drops the connection before any answer; nothing is recorded.
 * - `Headers`: the success answer is signed as usual, then these headers replace or join its own: a
 *   `Wechatpay-Signature` that is not base64, an oversized header, a header repeated (an array value).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const busy = Simulator.Fault.ApiError({ code: "FREQUENCY_LIMITED", retryAfter: 1 })
 * const slow = Simulator.Fault.Delay({ duration: "10 seconds" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = Data.TaggedEnum<{
  ApiError: {
    readonly code: string
    readonly status?: number
    readonly message?: string
    readonly retryAfter?: number
  }
  BadSignature: NoFields
  SignatureProbe: NoFields
  StaleTimestamp: { readonly seconds?: number }
  UnknownSerial: NoFields
  MissingHeaders: NoFields
  GatewayHtml: { readonly status?: number }
  EmptyBody: NoFields
  Truncate: { readonly bytes?: number }
  CorruptDownload: { readonly offset?: number }
  WrongDigest: NoFields
  Delay: { readonly duration: Duration.DurationInput }
  Drop: NoFields
  Headers: { readonly headers: Readonly<Record<string, string | ReadonlyArray<string>>> }
}>

const FaultEnum = Data.taggedEnum<Fault>()

/**
 * Constructors and matchers for `Fault`. Variants whose fields are all optional can be built without arguments.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const probe = Simulator.Fault.SignatureProbe()
 * const cut = Simulator.Fault.Truncate()
 * const corrupt = Simulator.Fault.CorruptDownload({ offset: 0 })
 * const isDrop = Simulator.Fault.$is("Drop")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Fault = {
  ApiError: FaultEnum.ApiError,
  BadSignature: FaultEnum.BadSignature,
  SignatureProbe: FaultEnum.SignatureProbe,
  StaleTimestamp: (args: { readonly seconds?: number } = {}): Extract<Fault, { _tag: "StaleTimestamp" }> =>
    FaultEnum.StaleTimestamp(args),
  UnknownSerial: FaultEnum.UnknownSerial,
  MissingHeaders: FaultEnum.MissingHeaders,
  GatewayHtml: (args: { readonly status?: number } = {}): Extract<Fault, { _tag: "GatewayHtml" }> =>
    FaultEnum.GatewayHtml(args),
  EmptyBody: FaultEnum.EmptyBody,
  Truncate: (args: { readonly bytes?: number } = {}): Extract<Fault, { _tag: "Truncate" }> => FaultEnum.Truncate(args),
  CorruptDownload: (args: { readonly offset?: number } = {}): Extract<Fault, { _tag: "CorruptDownload" }> =>
    FaultEnum.CorruptDownload(args),
  WrongDigest: FaultEnum.WrongDigest,
  Delay: FaultEnum.Delay,
  Drop: FaultEnum.Drop,
  Headers: FaultEnum.Headers,
  $is: FaultEnum.$is,
  $match: FaultEnum.$match
}

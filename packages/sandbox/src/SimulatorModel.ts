/**
 * The simulator's public data model: the requests it receives and the outcomes it answers with, its settings and
 * limits, its key modes and certificates, notifications and how a worker's check ends. `Simulator` re-exports all
 * of it, so `Simulator.Options`, `Simulator.Fault`, … read as before; the service and its accessors are there.
 *
 * @since 0.1.0
 */
import type { Duration, Option } from "effect"
import type { KeyObject } from "node:crypto"
import * as FaultModule from "./Fault.js"
import type * as KeyRing from "./internal/keyring.js"
import * as Model from "./internal/model.js"
import * as Notifier from "./internal/notifier.js"

/**
 * A request as it arrived: `url` is the path plus `?query` exactly as sent (what the client signed), header names
 * may be in any case, `body` is the exact body text.
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const probe: Simulator.SimulatedRequest = { method: "GET", url: "/v3/certificates", headers: {}, body: "" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SimulatedRequest = Model.SimulatedRequest

/**
 * An answer to be sent. `body` is exactly the text that was signed.
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const requestId = (response: Simulator.SimulatedResponse) => response.headers["Request-ID"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SimulatedResponse = Model.SimulatedResponse

/**
 * A file's bytes in an answer (`SimulatedResponse.stream`): `chunks` is pulled lazily as the peer reads, and the
 * transport gzips them on the way out when `gzip` is set. A transport must send them in constant memory.
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const hello: Simulator.BodyStream = { chunks: () => [new TextEncoder().encode("hello")], gzip: false }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BodyStream = Model.BodyStream

/**
 * What the transport must do with a request.
 *
 * - `Respond`: wait `delay` (if any), then send `response`; with `truncateAfterBytes`, announce the full
 *   `Content-Length` but send only that many body bytes and then break the connection.
 * - `Drop`: wait `delay` (if any), then break the connection without any answer.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const describe = Simulator.Outcome.$match({
 *   Respond: ({ response }) => `HTTP ${response.status}`,
 *   Drop: () => "connection dropped"
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = Model.Outcome

/**
 * Constructors and matchers for `Outcome`.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const dropped = Simulator.Outcome.Drop({})
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Outcome = Model.Outcome

/**
 * A misbehaviour to inject; see the `Fault` module for each variant.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const busy: Simulator.Fault = Simulator.Fault.ApiError({ code: "FREQUENCY_LIMITED", retryAfter: 1 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = FaultModule.Fault

/**
 * Constructors and matchers for `Fault` (the `Fault` module's `Fault`).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const probe = Simulator.Fault.SignatureProbe()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Fault = FaultModule.Fault

/**
 * A request that reached the simulator, with header names in lower case, the `Clock` time it arrived at
 * (milliseconds), the fault it used up, if any, and how it was answered.
 *
 * A request whose `Authorization` did not verify (`authenticated: false`: unsigned, badly signed, another
 * merchant's, stale or replayed) is kept as metadata only, since anyone who can reach the simulator can send one:
 * `url` is its path without the query (at most 256 characters), `headers` is empty, `body` is `""`, and
 * `bodyBytes` says how large its body was.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const agents = Effect.map(Simulator.received, (requests) => requests.map((r) => r.headers["user-agent"]))
 * const refused = Effect.map(Simulator.received, (requests) => requests.filter((r) => !r.authenticated))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ReceivedRequest extends SimulatedRequest {
  readonly receivedAt: number
  readonly fault: Option.Option<Fault>
  /**
   * Whether its `Authorization` verified (merchant, serial, time window, signature, fresh nonce); when false only
   * metadata is kept.
   */
  readonly authenticated: boolean
  /**
   * The size of its body as received, in UTF-8 bytes (kept even when the body is not).
   */
  readonly bodyBytes: number
  /**
   * The answer's HTTP status; `undefined` when a `Drop` fault broke the connection instead.
   */
  readonly status: number | undefined
  /**
   * WeChat's `code` of an error answer (`SIGN_ERROR`, `PARAM_ERROR`, …); `undefined` for a success, a dropped
   * connection or an answer that is not WeChat's JSON (a `GatewayHtml` fault).
   */
  readonly code: string | undefined
}

/**
 * Settings of a simulator: WeChat's side of the keys (`TestKeys.KeySet` fits as is), token lifetime, and how many
 * records of each kind it keeps. Every record is bounded so a long-running sandbox stays small: past its limit,
 * the oldest is forgotten first. A limit must be a positive integer.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * declare const merchantPublicKey: string, platformPrivateKey: string
 * const options: Simulator.Options = {
 *   mchid: "1900000001",
 *   merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
 *   merchantPublicKey,
 *   platformPrivateKey,
 *   platformPublicKeyId: "PUB_KEY_ID_0114232134912410000000000000"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The service provider's merchant id; `Authorization` must carry it. */
  readonly mchid: string
  /** The merchant API certificate serial; `Authorization`'s `serial_no` must equal it. */
  readonly merchantSerialNo: string
  /** Verifies request signatures (PEM or `KeyObject`). */
  readonly merchantPublicKey: string | KeyObject
  /** Signs answers and decrypts sensitive fields (PEM or `KeyObject`). */
  readonly platformPrivateKey: string | KeyObject
  /** The platform key's id (`PUB_KEY_ID_…`), sent as `Wechatpay-Serial` and expected on encrypted requests. */
  readonly platformPublicKeyId: string
  /** Lifetime of issued tokens, seconds. Default 1800. */
  readonly tokenExpiresIn?: number | undefined
  /** Requests `received` keeps. Default 10000. */
  readonly maxReceived?: number | undefined
  /**
   * Bytes `received` keeps, counted as the UTF-8 bytes of each entry's method, url, header names and values and
   * body, plus 256 for the entry itself; past it the oldest entries go first (the newest is always kept). Default
   * 64 MiB: about 10,000 requests of the usual few KB, so for everyday traffic `maxReceived` is the bound that
   * bites, while requests with large bodies are held to this one. A request that failed authentication counts
   * for 256 bytes and its path, since only its metadata is kept.
   */
  readonly maxReceivedBytes?: number | undefined
  /** Identity checks kept; a forgotten one answers `ORDER_NOT_EXIST`. Default 10000. */
  readonly maxChecks?: number | undefined
  /** Authorised (sub_mchid, openid) relations kept; a forgotten one reads as `UNAUTHORIZED`. Default 10000. */
  readonly maxRelations?: number | undefined
  /**
   * Spent request nonces kept for replay detection; those past the 5-minute window go anyway. One forgotten sooner
   * could be replayed, so keep this above the requests of 5 minutes. Default 100000.
   */
  readonly maxNonces?: number | undefined
  /**
   * Idempotency records: a live token per `authenticate_number` (a forgotten one gets a new token). Default 10000.
   */
  readonly maxIdempotencyRecords?: number | undefined
  /**
   * Transfer batches kept whole (each with its payments, as the queries answer them; a forgotten one is accepted
   * again as a new batch and its queries answer `NOT_FOUND`). Default 500: a batch holds up to 3,000 payments
   * (about 0.6 MB), so the worst case stays near 300 MB.
   */
  readonly maxTransferBatches?: number | undefined
  /**
   * How long after its creation an accepted transfer batch turns from `ACCEPTED` to `PROCESSING` (default 1 second)
   * and then `FINISHED` (default 3 seconds), on the simulator's `Clock`: `TestClock.adjust` moves it along.
   */
  readonly transferProcessingAfter?: Duration.DurationInput | undefined
  readonly transferFinishedAfter?: Duration.DurationInput | undefined
  /** How long after it was applied for a receipt turns from `ACCEPTED` to `FINISHED` (default 1 second). */
  readonly receiptFinishedAfter?: Duration.DurationInput | undefined
  /**
   * How many generated rows every trade bill carries besides its few deterministic ones (default 0): a big bill for
   * tests (each row is about 300 bytes, so 350,000 rows make some 100 MB). A bill is generated as it is sent, never
   * whole in memory; its digest is computed the same way when its metadata is asked for.
   */
  readonly billRows?: number | undefined
  /**
   * `publicKey` (default): answers are signed with `platformPrivateKey` as `platformPublicKeyId`, and
   * `/v3/certificates` answers 404 `无可用的平台证书`. `certificate`: a platform certificate signs, listed by
   * `/v3/certificates` encrypted with `apiV3Key`. `mixed`: both, during a migration (see `signWith`).
   */
  readonly keyMode?: KeyMode | undefined
  /** The merchant's APIv3 key (32 bytes): encrypts certificates and notifications. Needed by the other modes. */
  readonly apiV3Key?: string | undefined
  /** The first platform certificate's private key (PEM or `KeyObject`); default: a generated one. */
  readonly certificatePrivateKey?: string | KeyObject | undefined
}

/**
 * How the simulator holds its platform keys: `publicKey`, `certificate` or `mixed`.
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const mode: Simulator.KeyMode = "mixed"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type KeyMode = KeyRing.KeyMode

/**
 * A platform certificate the simulator lists: serial (upper-case hex), PEM and validity (milliseconds).
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const serials = (certificates: ReadonlyArray<Simulator.CertificateInfo>) => certificates.map((c) => c.serialNo)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CertificateInfo {
  readonly serialNo: string
  readonly pem: string
  readonly validFrom: number
  readonly validTo: number
}

/**
 * A notification to send: where, the resource to encrypt, and optionally its id (default: a fresh one), event type
 * (`TRANSACTION.SUCCESS`), summary, original type (`transaction`, also the associated data) and how many attempts
 * at most (default and cap 16, WeChat's).
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const paid: Simulator.NotifyOptions = {
 *   url: "http://127.0.0.1:3000/wechatpay/notify",
 *   resource: { out_trade_no: "1217752501201407033233368018", trade_state: "SUCCESS" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type NotifyOptions = Notifier.NotifyOptions

/**
 * How a notification's delivery went: its id, whether a 2xx acknowledged it, and each attempt's `Clock` time and
 * status (`undefined`: no answer).
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const tries = (delivery: Simulator.Delivery) => delivery.attempts.length
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Delivery = Notifier.Delivery

/**
 * WeChat's intervals between notification attempts: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h,
 * 6h, 6h.
 *
 * @example
 * ```ts
 * import { Duration } from "effect"
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const total = Simulator.NOTIFY_RETRY_DELAYS.reduce(Duration.sum, Duration.zero) // about 24 hours
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const NOTIFY_RETRY_DELAYS = Notifier.RETRY_DELAYS

/**
 * How the worker's identity check ends in the mini program: `SUCCESS`, or `FAILED` (with a reason).
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const outcome: Simulator.CheckOutcome = "FAILED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CheckOutcome = "SUCCESS" | "FAILED"

/**
 * How a transfer batch ends in the simulator: `notFoundFor` after its creation it answers `NOT_FOUND` (WeChat's
 * answer while it is still accepting a batch); `close` closes it with that `close_reason` (`OVERDUE_CLOSE`,
 * `MERCHANT_REVOCATION`), no payment made; `failDetails` fails those payments, by `out_detail_no`, with their
 * `fail_reason` (e.g. `NAME_NOT_CORRECT`, `PAY_ROLL_CARD_USER_NOT_OPEN`) when the batch finishes.
 *
 * @example
 * ```ts
 * import type { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const closed: Simulator.TransferBatchPlan = { close: "OVERDUE_CLOSE" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TransferBatchPlan {
  readonly notFoundFor?: Duration.DurationInput | undefined
  readonly close?: string | undefined
  readonly failDetails?: Readonly<Record<string, string>> | undefined
}

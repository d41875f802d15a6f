/**
 * An offline WeChat Pay APIv3 server for the payroll-card family: `POST /v3/payroll-card/tokens`, the two pre-orders
 * `POST /v3/payroll-card/authentications/pre-order-with-auth` and `…/pre-order`, the queries that follow them
 * (`GET /v3/payroll-card/authentications/{authenticate_number}`, the paged `GET /v3/payroll-card/authentications`,
 * `GET /v3/payroll-card/relations/{openid}`) and `POST /v3/payroll-card/transfer-batches`.
 *
 * It checks requests the way WeChat does (signature, clock skew, nonce replay, headers, fields, encrypted fields,
 * idempotency) and signs its answers with the platform key. It is an independent implementation of the protocol on
 * `node:crypto`, sharing no code with `@effect-wechatpay/core`, so the two can test each other. Time comes from
 * Effect's `Clock`, so `TestClock` drives skew and expiry. Faults can be injected to exercise a client's error paths.
 * Each accepted pre-order opens an identity check that `complete` ends, as the worker would in WeChat's mini program;
 * a successful check authorises the relation of its worker and sub-merchant.
 *
 * The simulator is transport-agnostic: `handle` turns a request into an `Outcome`, which a transport
 * (`SandboxHttpClient` in memory, `SandboxServer` on a loopback socket) carries out.
 *
 * This module holds the service tag and its accessors, and re-exports the public model (`SimulatorModel`). The
 * request engine is `internal/engine.ts`; the routes it serves are gathered in `internal/routes.ts` (its header
 * says how to add one), each route module declaring its own records as a bounded store (`internal/store.ts`, limits
 * in `Options`) that `internal/state.ts` keeps; faults are the `Fault` module.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Internal from "./internal/service.js"
import type {
  CertificateInfo,
  CheckOutcome,
  Delivery,
  Fault,
  KeyMode,
  NotifyOptions,
  Options,
  Outcome,
  ReceivedRequest,
  SimulatedRequest,
  TransferBatchPlan
} from "./SimulatorModel.js"

export * from "./SimulatorModel.js"

/**
 * What a simulator offers: `handle` for transports; `inject`, `complete`, `received` and `reset` for tests.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const useUp = (simulator: Simulator.Service) => simulator.inject(Simulator.Fault.Drop(), { times: 3 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The non-secret settings, for transports and logs. */
  readonly config: {
    readonly mchid: string
    readonly merchantSerialNo: string
    readonly platformPublicKeyId: string
    readonly tokenExpiresIn: number
    readonly keyMode: KeyMode
    /** Whether it holds an APIv3 key: `notify` needs one to encrypt a notification's resource. */
    readonly hasApiV3Key: boolean
  }
  /** Answers one request. Never fails: every problem is an HTTP answer. */
  readonly handle: (request: SimulatedRequest) => Effect.Effect<Outcome>
  /** Queues a fault for the next `times` (default 1) requests to `path` (a path without query; default: any). */
  readonly inject: (
    fault: Fault,
    options?: { readonly times?: number | undefined; readonly path?: string | undefined }
  ) => Effect.Effect<void>
  /**
   * Plays the worker finishing the identity check of a pre-order in the mini program, at `Clock` time. `SUCCESS`
   * makes the check `AUTHENTICATE_SUCCESS` and authorises the relation of its openid and sub-merchant; `FAILED`
   * makes it `AUTHENTICATE_FAILED` with `reason`. Dies if no check with that number is still processing.
   */
  readonly complete: (
    authenticateNumber: string,
    outcome: CheckOutcome,
    options?: { readonly reason?: string | undefined }
  ) => Effect.Effect<void>
  /**
   * `complete`, failing with `CheckNotProcessing` instead of dying when no check with that number is processing
   * (for transports that let another process play the worker, such as the loopback server's admin route).
   */
  readonly completeCheck: (
    authenticateNumber: string,
    outcome: CheckOutcome,
    options?: { readonly reason?: string | undefined }
  ) => Effect.Effect<void, CheckNotProcessing>
  /** The platform certificates `/v3/certificates` lists now (none in public-key mode). */
  readonly certificates: Effect.Effect<ReadonlyArray<CertificateInfo>>
  /**
   * Lists a new platform certificate with a fresh key; with `activate` (default) it signs from the next answer on,
   * otherwise only once `activateCertificate` names it. The old one stays listed until it expires. Dies in
   * public-key mode.
   */
  readonly rotateCertificate: (options?: { readonly activate?: boolean | undefined }) => Effect.Effect<CertificateInfo>
  /** Signs with this listed certificate from the next answer on. */
  readonly activateCertificate: (serialNo: string) => Effect.Effect<void>
  /** Mixed mode: which key signs answers and notifications from now on (default `publicKey`). */
  readonly signWith: (key: "publicKey" | "certificate") => Effect.Effect<void>
  /**
   * POSTs a signed notification, its resource encrypted with `apiV3Key`, to `url`, and sends it again on WeChat's
   * cadence (`NOTIFY_RETRY_DELAYS`, by `Clock`) until a 2xx answer. Fork it to keep going meanwhile. The request
   * carries WeChat's headers (`Wechatpay-Timestamp`, `-Nonce`, `-Serial`, `-Signature`, and `-Signature-Type`
   * `WECHATPAY2-SHA256-RSA2048`) and no tracing header (`traceparent`, `b3`) of the sandbox's own; the answer's body
   * is drained, never kept. Dies without an APIv3 key (`config.hasApiV3Key`). A process that cannot call this
   * (another language's test, a shell) has the loopback server's `POST /sandbox/notifications` (see
   * `SandboxServer`).
   */
  readonly notify: (options: NotifyOptions) => Effect.Effect<Delivery, never, HttpClient.HttpClient>
  /**
   * Plays the worker opening the payroll card and authorising the sub-merchant in the mini program with a token
   * `createToken` issued (at `Clock` time): from then on `getRelation` answers `AUTHORIZED` and `preOrder` accepts
   * the worker. `false` when no live token has that value (never issued, or expired).
   */
  readonly authorizeToken: (token: string) => Effect.Effect<boolean>
  /**
   * Says how the transfer batch with this `out_batch_no` ends, before or after it is created: kept `NOT_FOUND` for a
   * while after its creation (as WeChat answers while it is still accepting one), closed with a `close_reason`, or
   * with some payments failed (`fail_reason` by `out_detail_no`). Without a plan every payment succeeds.
   */
  readonly planTransferBatch: (outBatchNo: string, plan: TransferBatchPlan) => Effect.Effect<void>
  /** Every request that reached the simulator, oldest first. */
  readonly received: Effect.Effect<ReadonlyArray<ReceivedRequest>>
  /** Forgets received requests, pending faults, issued tokens, seen nonces, identity checks and relations. */
  readonly reset: Effect.Effect<void>
}

/**
 * No identity check with this `authenticate_number` is processing: it was never pre-ordered (or was forgotten, see
 * `Options.maxChecks`), or it has already ended (`state`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const settle = (simulator: Simulator.Service, number: string) =>
 *   simulator.completeCheck(number, "SUCCESS").pipe(Effect.catchTag("CheckNotProcessing", () => Effect.void))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class CheckNotProcessing extends Schema.TaggedError<CheckNotProcessing>(
  "@effect-wechatpay/sandbox/CheckNotProcessing"
)("CheckNotProcessing", {
  authenticateNumber: Schema.String,
  state: Schema.Option(Schema.Literal("AUTHENTICATE_PROCESSING", "AUTHENTICATE_SUCCESS", "AUTHENTICATE_FAILED"))
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `no identity check with authenticate_number ${this.authenticateNumber} is processing` +
      Option.match(this.state, { onNone: () => " (never pre-ordered)", onSome: (state) => ` (already ${state})` })
  }
}

/**
 * The simulator service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const count = Effect.flatMap(Simulator.Simulator, (simulator) => simulator.received).pipe(
 *   Effect.map((requests) => requests.length)
 * )
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Simulator extends Context.Tag("@effect-wechatpay/sandbox/Simulator")<Simulator, Service>() {}

/**
 * Builds a simulator. Keys are parsed here, once; a key that does not parse is a defect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Simulator, TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const simulator = Effect.flatMap(TestKeys.generateSet(), Simulator.make)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service> =>
  Effect.map(
    Internal.make(options, (authenticateNumber, state) => new CheckNotProcessing({ authenticateNumber, state })),
    Simulator.of
  )

/**
 * A layer with a simulator built from `options`.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Simulator, TestKeys } from "@effect-wechatpay/sandbox"
 *
 * const SimulatorLive = Layer.unwrapEffect(Effect.map(TestKeys.generateSet(), Simulator.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Simulator> => Layer.effect(Simulator, make(options))

/**
 * Answers one request with the simulator in context.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const outcome = Simulator.handle({ method: "GET", url: "/v3/nope", headers: {}, body: "" })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const handle = (request: SimulatedRequest): Effect.Effect<Outcome, never, Simulator> =>
  Effect.flatMap(Simulator, (simulator) => simulator.handle(request))

/**
 * Queues a fault for the next matching requests (FIFO).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const twoErrors = Simulator.inject(Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }), { times: 2 })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const inject = (
  fault: Fault,
  options?: { readonly times?: number | undefined; readonly path?: string | undefined }
): Effect.Effect<void, never, Simulator> => Effect.flatMap(Simulator, (simulator) => simulator.inject(fault, options))

/**
 * Every request that reached the simulator, oldest first.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const attempts = Effect.map(Simulator.received, (requests) => requests.length)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const received: Effect.Effect<ReadonlyArray<ReceivedRequest>, never, Simulator> = Effect.flatMap(
  Simulator,
  (simulator) => simulator.received
)

/**
 * Plays the worker finishing a pre-order's identity check in the mini program (see `Service.complete`).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const passed = Simulator.complete("mcdhehfgisdhfjghed39384564i83", "SUCCESS")
 * const failed = Simulator.complete("mcdhehfgisdhfjghed39384564i84", "FAILED", { reason: "人脸比对未通过" })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const complete = (
  authenticateNumber: string,
  outcome: CheckOutcome,
  options?: { readonly reason?: string | undefined }
): Effect.Effect<void, never, Simulator> =>
  Effect.flatMap(Simulator, (simulator) => simulator.complete(authenticateNumber, outcome, options))

/**
 * Forgets received requests, pending faults, issued tokens, seen nonces, identity checks and relations.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const fresh = Simulator.reset
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const reset: Effect.Effect<void, never, Simulator> = Effect.flatMap(Simulator, (simulator) => simulator.reset)

/**
 * Lists a new platform certificate and (by default) signs with it from the next answer on: a rotation.
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const listedOnly = Simulator.rotateCertificate({ activate: false })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const rotateCertificate = (
  options?: { readonly activate?: boolean | undefined }
): Effect.Effect<CertificateInfo, never, Simulator> =>
  Effect.flatMap(Simulator, (simulator) => simulator.rotateCertificate(options))

/**
 * Sends a signed, encrypted notification with WeChat's retry cadence (see `Service.notify`).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const delivery = Simulator.notify({ url: "http://127.0.0.1:3000/notify", resource: { out_trade_no: "1" } })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const notify = (
  options: NotifyOptions
): Effect.Effect<Delivery, never, Simulator | HttpClient.HttpClient> =>
  Effect.flatMap(Simulator, (simulator) => simulator.notify(options))

/**
 * Says how a transfer batch ends (see `Service.planTransferBatch`).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const plan = Simulator.planTransferBatch("plfk2020042013", {
 *   notFoundFor: "10 seconds",
 *   failDetails: { x23zy545Bd5436: "NAME_NOT_CORRECT" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const planTransferBatch = (
  outBatchNo: string,
  plan: TransferBatchPlan
): Effect.Effect<void, never, Simulator> =>
  Effect.flatMap(Simulator, (simulator) => simulator.planTransferBatch(outBatchNo, plan))

/**
 * Plays the worker authorising with a `createToken` token (see `Service.authorizeToken`).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * declare const token: string // from PayrollCard.createToken
 * const authorised = Simulator.authorizeToken(token)
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const authorizeToken = (token: string): Effect.Effect<boolean, never, Simulator> =>
  Effect.flatMap(Simulator, (simulator) => simulator.authorizeToken(token))

/**
 * An offline WeChat Pay APIv3 server for `POST /v3/payroll-card/authentications/pre-order-with-auth` and the two
 * queries that follow it, `GET /v3/payroll-card/authentications/{authenticate_number}` and
 * `GET /v3/payroll-card/relations/{openid}`.
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
 * @since 0.1.0
 */
import { Clock, Context, Data, Duration, Effect, Layer, Option } from "effect"
import type { KeyObject } from "node:crypto"
import * as NodeCrypto from "node:crypto"
import * as Authentications from "./internal/authentications.js"
import * as Authorization from "./internal/authorization.js"
import * as crypto from "./internal/crypto.js"
import type * as Params from "./internal/params.js"
import * as PreOrderWithAuth from "./internal/preOrderWithAuth.js"
import * as Problem from "./internal/problem.js"
import * as Relations from "./internal/relations.js"

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
export interface SimulatedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

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
export interface SimulatedResponse {
  readonly status: number
  /** A header given as an array is sent once per value (a repeated header). */
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body: string
}

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
export type Outcome = Data.TaggedEnum<{
  Respond: {
    readonly response: SimulatedResponse
    readonly delay?: Duration.Duration
    readonly truncateAfterBytes?: number
  }
  Drop: { readonly delay?: Duration.Duration }
}>

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
export const Outcome = Data.taggedEnum<Outcome>()

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
 * - `Truncate`: a correctly signed success whose body the transport cuts after `bytes` (default: half).
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
  Delay: FaultEnum.Delay,
  Drop: FaultEnum.Drop,
  Headers: FaultEnum.Headers,
  $is: FaultEnum.$is,
  $match: FaultEnum.$match
}

/**
 * A request that reached the simulator, with header names in lower case, the `Clock` time it arrived at
 * (milliseconds) and the fault it used up, if any.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Simulator } from "@effect-wechatpay/sandbox"
 *
 * const agents = Effect.map(Simulator.received, (requests) => requests.map((r) => r.headers["user-agent"]))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ReceivedRequest extends SimulatedRequest {
  readonly receivedAt: number
  readonly fault: Option.Option<Fault>
}

/**
 * Settings of a simulator: WeChat's side of the keys. `TestKeys.KeySet` fits as is.
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
  /**
   * How many requests `received` keeps (oldest forgotten first), so a long-running sandbox stays small.
   * Default 10000.
   */
  readonly maxReceived?: number | undefined
}

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
  /** Every request that reached the simulator, oldest first. */
  readonly received: Effect.Effect<ReadonlyArray<ReceivedRequest>>
  /** Forgets received requests, pending faults, issued tokens, seen nonces, identity checks and relations. */
  readonly reset: Effect.Effect<void>
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

// WeChat rejects requests whose timestamp is more than five minutes off, and remembers nonces that long.
const WINDOW_SECONDS = 300
const PRUNE_EVERY_MILLIS = 60_000

interface PendingFault {
  readonly fault: Fault
  readonly path: string | undefined
  remaining: number
}

interface Issued {
  readonly fingerprint: string
  readonly token: string
  readonly issuedAt: number
}

type Verdict =
  | {
    readonly _tag: "Rejected"
    readonly problem: Problem.Problem
    /** Set once the signature verified: the nonce is then spent even though the request failed. */
    readonly nonce: Authorization.Credentials | undefined
  }
  | {
    readonly _tag: "Accepted"
    readonly credentials: Authorization.Credentials
    /** Records what the request changes and gives the success body; called only if no fault replaces it. */
    readonly answer: (now: number) => string
  }

type Route =
  | { readonly _tag: "PreOrderWithAuth"; readonly method: "POST" }
  | { readonly _tag: "GetAuthentication"; readonly method: "GET"; readonly segment: string }
  | { readonly _tag: "GetRelation"; readonly method: "GET"; readonly segment: string }

const routeOf = (path: string): Route | undefined => {
  if (path === PreOrderWithAuth.PATH) return { _tag: "PreOrderWithAuth", method: "POST" }
  const number = Authentications.segmentOf(path)
  if (number !== undefined) return { _tag: "GetAuthentication", method: "GET", segment: number }
  const openid = Relations.segmentOf(path)
  if (openid !== undefined) return { _tag: "GetRelation", method: "GET", segment: openid }
  return undefined
}

const DEFAULT_FAILED_REASON = "身份核验未通过"

const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

const mediaTypes = (header: string): Array<string> =>
  header.split(",").map((part) => part.split(";")[0].trim().toLowerCase())

const ACCEPTABLE = new Set(["application/json", "application/*", "*/*"])

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
  Effect.sync(() => {
    const merchantPublicKey = crypto.publicKey(options.merchantPublicKey)
    const platformPrivateKey = crypto.privateKey(options.platformPrivateKey)
    const tokenExpiresIn = options.tokenExpiresIn ?? 1800
    const maxReceived = options.maxReceived ?? 10_000
    const config = {
      mchid: options.mchid,
      merchantSerialNo: options.merchantSerialNo,
      platformPublicKeyId: options.platformPublicKeyId,
      tokenExpiresIn
    }

    // Plain mutable state is safe here: every read-check-write below happens inside one synchronous block, so
    // concurrent requests cannot interleave between checking a nonce or an authenticate_number and recording it.
    let received: Array<ReceivedRequest> = []
    let faults: Array<PendingFault> = []
    let nonces = new Map<string, number>()
    let issued = new Map<string, Issued>()
    // Identity checks by authenticate_number (unique per provider; a query must also name their sub_mchid), and
    // the moment each (sub_mchid, openid) relation was authorised.
    let checks = new Map<string, Authentications.Record>()
    let relations = new Map<string, number>()
    let lastPrune = Number.NEGATIVE_INFINITY

    const prune = (now: number) => {
      if (now - lastPrune < PRUNE_EVERY_MILLIS) return
      lastPrune = now
      const seconds = Math.floor(now / 1000)
      // A nonce outside the window can no longer be replayed: its timestamp would fail the skew check first.
      for (const [nonce, timestamp] of nonces) {
        if (Math.abs(seconds - timestamp) > WINDOW_SECONDS) nonces.delete(nonce)
      }
      for (const [number, entry] of issued) {
        if (entry.issuedAt + tokenExpiresIn * 1000 <= now) issued.delete(number)
      }
    }

    const liveIssue = (number: string, now: number): Issued | undefined => {
      const entry = issued.get(number)
      return entry !== undefined && entry.issuedAt + tokenExpiresIn * 1000 > now ? entry : undefined
    }

    const takeFault = (url: string, path: string): Fault | undefined => {
      const index = faults.findIndex((pending) =>
        pending.path === undefined || pending.path === path || pending.path === url
      )
      if (index === -1) return undefined
      const pending = faults[index]
      pending.remaining -= 1
      if (pending.remaining <= 0) faults.splice(index, 1)
      return pending.fault
    }

    const authenticate = (
      request: SimulatedRequest,
      headers: Record<string, string>,
      nowSeconds: number
    ): Verdict | Authorization.Credentials => {
      const parsed = Authorization.parse(headers["authorization"])
      if (parsed._tag === "Problem") return { _tag: "Rejected", problem: parsed.problem, nonce: undefined }
      const credentials = parsed.credentials
      const reject = (problem: Problem.Problem): Verdict => ({ _tag: "Rejected", problem, nonce: undefined })
      if (credentials.mchid !== options.mchid) {
        return reject(Problem.signError(`Authorization mchid ${credentials.mchid} is not a merchant known here`, {
          field: "mchid",
          value: credentials.mchid,
          location: "authorization",
          issue: "unknown merchant"
        }))
      }
      if (credentials.serialNo !== options.merchantSerialNo) {
        return reject(
          Problem.signError(
            `Authorization serial_no ${credentials.serialNo} is not an API certificate of merchant ${options.mchid}`,
            { field: "serial_no", value: credentials.serialNo, location: "authorization", issue: "unknown serial" }
          )
        )
      }
      const skew = credentials.timestamp - nowSeconds
      if (Math.abs(skew) > WINDOW_SECONDS) {
        const hint = credentials.timestamp > nowSeconds * 100
          ? "it looks like milliseconds; send Unix time in seconds"
          : `the client's clock is ${Math.abs(skew)} seconds ${skew > 0 ? "ahead" : "behind"}; ` +
            "synchronise it (NTP) and retry"
        return reject(
          Problem.signError(
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
          )
        )
      }
      const message =
        `${request.method}\n${request.url}\n${credentials.timestampText}\n${credentials.nonce}\n${request.body}\n`
      if (!crypto.verify(message, credentials.signature, merchantPublicKey)) {
        return reject(
          Problem.signError(
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
          )
        )
      }
      if (nonces.has(credentials.nonce)) {
        return reject(
          Problem.signError(
            `Authorization nonce_str ${credentials.nonce} was already used within the last 5 minutes ` +
              "(replayed request): every request needs a fresh nonce",
            { field: "nonce_str", value: credentials.nonce, location: "authorization", issue: "nonce replayed" }
          )
        )
      }
      return credentials
    }

    const evaluate = (
      request: SimulatedRequest,
      headers: Record<string, string>,
      path: string,
      now: number
    ): Verdict => {
      const reject = (problem: Problem.Problem, nonce?: Authorization.Credentials): Verdict => ({
        _tag: "Rejected",
        problem,
        nonce
      })
      const userAgent = headers["user-agent"]
      if (userAgent === undefined || userAgent.trim() === "") {
        return reject(Problem.paramError({
          field: "User-Agent",
          issue: "missing",
          location: "header",
          message: "Missing User-Agent header: WeChat Pay APIv3 requires every request to carry a User-Agent"
        }))
      }
      const accept = headers["accept"]
      if (accept === undefined || !mediaTypes(accept).some((type) => ACCEPTABLE.has(type))) {
        return reject(Problem.paramError({
          field: "Accept",
          ...(accept === undefined ? {} : { value: accept }),
          issue: accept === undefined ? "missing" : "does not accept application/json",
          location: "header",
          message: "The Accept header must allow application/json (send Accept: application/json)"
        }))
      }
      const route = routeOf(path)
      if (route === undefined) return reject(Problem.notFound(request.method, path))
      if (request.method !== route.method) return reject(Problem.methodNotAllowed(request.method, path, route.method))

      const nowSeconds = Math.floor(now / 1000)
      const credentials = authenticate(request, headers, nowSeconds)
      if ("_tag" in credentials) return credentials

      // A GET has no body, so no Content-Type to check: it was signed over an empty BODY line.
      const query = <A>(checked: Params.Checked<A>, answer: (value: A) => Verdict): Verdict =>
        checked._tag === "Problem" ? reject(checked.problem, credentials) : answer(checked.value)
      switch (route._tag) {
        case "GetAuthentication":
          return query(Authentications.parse(route.segment, request.url), (wanted) => {
            const check = checks.get(wanted.authenticate_number)
            // A number pre-ordered for another sub-merchant is as unknown to this one as a number never used.
            if (check === undefined || check.sub_mchid !== wanted.sub_mchid) {
              return reject({
                status: 404,
                code: "ORDER_NOT_EXIST",
                message: `No identity check with authenticate_number ${wanted.authenticate_number} for sub_mchid ` +
                  `${wanted.sub_mchid}; pre-order it first`
              }, credentials)
            }
            return { _tag: "Accepted", credentials, answer: () => Authentications.render(check, options.mchid) }
          })
        case "GetRelation":
          return query(Relations.parse(route.segment, request.url), (wanted) => ({
            _tag: "Accepted",
            credentials,
            answer: () =>
              Relations.render(wanted, relations.get(Relations.key(wanted.sub_mchid, wanted.openid)), options.mchid)
          }))
        case "PreOrderWithAuth":
          return preOrder(request, headers, credentials, now)
      }
    }

    const preOrder = (
      request: SimulatedRequest,
      headers: Record<string, string>,
      credentials: Authorization.Credentials,
      now: number
    ): Verdict => {
      const reject = (problem: Problem.Problem, nonce: Authorization.Credentials): Verdict => ({
        _tag: "Rejected",
        problem,
        nonce
      })
      const contentType = headers["content-type"]
      if (contentType === undefined || mediaTypes(contentType)[0] !== "application/json") {
        return reject(
          Problem.paramError({
            field: "Content-Type",
            ...(contentType === undefined ? {} : { value: contentType }),
            issue: contentType === undefined ? "missing" : "must be application/json",
            location: "header",
            message: "The Content-Type header must be application/json"
          }),
          credentials
        )
      }
      const validated = PreOrderWithAuth.validate(request.body, headers["wechatpay-serial"], {
        privateKey: platformPrivateKey,
        publicKeyId: options.platformPublicKeyId
      })
      if (validated._tag === "Problem") return reject(validated.problem, credentials)
      const accepted = validated.accepted
      const previous = liveIssue(accepted.authenticate_number, now)
      if (previous !== undefined && previous.fingerprint !== accepted.fingerprint) {
        return reject({
          status: 400,
          code: "INVALID_REQUEST",
          message: `authenticate_number ${accepted.authenticate_number} was already used with different ` +
            "parameters; resend the original parameters or use a new authenticate_number",
          detail: {
            field: "authenticate_number",
            value: accepted.authenticate_number,
            issue: "already used with different parameters",
            location: "body"
          }
        }, credentials)
      }
      return { _tag: "Accepted", credentials, answer: (at) => issue(accepted, at) }
    }

    // The pre-order's effect: a token (the same one while it lives) and an identity check in progress.
    const issue = (accepted: PreOrderWithAuth.Accepted, now: number): string => {
      let entry = liveIssue(accepted.authenticate_number, now)
      if (entry === undefined) {
        entry = { fingerprint: accepted.fingerprint, token: crypto.alphanumeric(32), issuedAt: now }
        issued.set(accepted.authenticate_number, entry)
      }
      // A repeated pre-order leaves its check as it is; only other fields (after the token expired) start anew.
      if (checks.get(accepted.authenticate_number)?.fingerprint !== accepted.fingerprint) {
        checks.set(accepted.authenticate_number, {
          authenticate_number: accepted.authenticate_number,
          sub_mchid: accepted.sub_mchid,
          openid: accepted.openid,
          source: accepted.launchAppid,
          project_name: accepted.project_name,
          employer_name: accepted.employer_name,
          authenticate_type: accepted.authenticate_type,
          fingerprint: accepted.fingerprint,
          state: "AUTHENTICATE_PROCESSING"
        })
      }
      return JSON.stringify({
        authenticate_number: accepted.authenticate_number,
        openid: accepted.openid,
        mchid: options.mchid,
        sub_mchid: accepted.sub_mchid,
        token: entry.token,
        // A repeated request gets the same token, so it also gets what is left of that token's life.
        expires_in: tokenExpiresIn - Math.floor((now - entry.issuedAt) / 1000)
      })
    }

    const otherSerial = (): string => {
      const serial = `PUB_KEY_ID_01${crypto.digits(28)}`
      return serial === options.platformPublicKeyId ? otherSerial() : serial
    }

    // Signs like WeChat: TIMESTAMP\nNONCE\nBODY\n over the exact body text that is sent. The faults that tamper
    // with verification are applied here, each one changing a single thing.
    const signed = (
      status: number,
      body: string,
      nowSeconds: number,
      extra: Readonly<Record<string, string>> | undefined,
      fault: Fault | undefined
    ): SimulatedResponse => {
      const timestamp = String(
        fault?._tag === "StaleTimestamp" ? nowSeconds - (fault.seconds ?? 600) : nowSeconds
      )
      const nonce = crypto.alphanumeric(32)
      const signature = fault?._tag === "BadSignature"
        ? NodeCrypto.randomBytes(256).toString("base64")
        : fault?._tag === "SignatureProbe"
        ? `WECHATPAY/SIGNTEST/${NodeCrypto.randomBytes(192).toString("base64")}`
        : crypto.sign(`${timestamp}\n${nonce}\n${body}\n`, platformPrivateKey)
      return {
        status,
        headers: {
          "Content-Type": "application/json",
          "Request-ID": crypto.hex(16),
          "Wechatpay-Nonce": nonce,
          "Wechatpay-Serial": fault?._tag === "UnknownSerial" ? otherSerial() : options.platformPublicKeyId,
          ...(fault?._tag === "MissingHeaders" ? {} : { "Wechatpay-Signature": signature }),
          "Wechatpay-Timestamp": timestamp,
          // Real answers carry the server's time; a client can tell a skewed clock from it.
          Date: new Date(nowSeconds * 1000).toUTCString(),
          ...extra,
          ...(fault?._tag === "Headers" ? fault.headers : {})
        },
        body
      }
    }

    const problemResponse = (problem: Problem.Problem, nowSeconds: number): SimulatedResponse =>
      signed(problem.status, Problem.render(problem), nowSeconds, problem.headers, undefined)

    const handleAt = (request: SimulatedRequest, now: number): Outcome => {
      prune(now)
      const nowSeconds = Math.floor(now / 1000)
      const headers = lowerCaseKeys(request.headers)
      const path = pathOf(request.url)
      const fault = takeFault(request.url, path)
      received.push({
        method: request.method,
        url: request.url,
        headers,
        body: request.body,
        receivedAt: now,
        fault: Option.fromNullable(fault)
      })
      if (received.length > maxReceived) received.splice(0, received.length - maxReceived)

      if (fault?._tag === "Drop") return Outcome.Drop({})
      const delay = fault?._tag === "Delay" ? { delay: Duration.decode(fault.duration) } : {}
      const respond = (response: SimulatedResponse, truncateAfterBytes?: number): Outcome =>
        Outcome.Respond({
          response,
          ...delay,
          ...(truncateAfterBytes === undefined ? {} : { truncateAfterBytes })
        })

      const verdict = evaluate(request, headers, path, now)
      if (verdict._tag === "Rejected") {
        if (verdict.nonce !== undefined) nonces.set(verdict.nonce.nonce, verdict.nonce.timestamp)
        return respond(problemResponse(verdict.problem, nowSeconds))
      }
      if (fault?._tag === "ApiError") {
        return respond(problemResponse({
          status: fault.status ?? Problem.statusOf(fault.code),
          code: fault.code,
          message: fault.message ?? Problem.messageOf(fault.code),
          ...(fault.retryAfter === undefined ? {} : { headers: { "Retry-After": String(fault.retryAfter) } })
        }, nowSeconds))
      }
      if (fault?._tag === "GatewayHtml") {
        const status = fault.status ?? 502
        return respond({
          status,
          headers: { "Content-Type": "text/html", Server: "nginx" },
          body: Problem.gatewayHtml(status)
        })
      }

      const { answer, credentials } = verdict
      nonces.set(credentials.nonce, credentials.timestamp)
      const text = answer(now)
      const body = fault?._tag === "EmptyBody" ? "" : text
      const response = signed(200, body, nowSeconds, undefined, fault)
      if (fault?._tag === "Truncate") {
        const length = Buffer.byteLength(body, "utf8")
        const bytes = fault.bytes ?? Math.floor(length / 2)
        // Cutting at or past the end would not truncate anything, so keep at least one byte back.
        return respond(response, Math.max(0, Math.min(bytes, length - 1)))
      }
      return respond(response)
    }

    return Simulator.of({
      config,
      handle: (request) => Effect.map(Clock.currentTimeMillis, (now) => handleAt(request, now)),
      inject: (fault, injectOptions) =>
        Effect.suspend(() => {
          const times = injectOptions?.times ?? 1
          if (!Number.isInteger(times) || times < 1) {
            return Effect.dieMessage(`Simulator.inject: times must be a positive integer, got ${times}`)
          }
          faults.push({ fault, path: injectOptions?.path, remaining: times })
          return Effect.void
        }),
      complete: (authenticateNumber, outcome, completeOptions) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const check = checks.get(authenticateNumber)
          if (check === undefined || check.state !== "AUTHENTICATE_PROCESSING") {
            return Effect.dieMessage(
              `Simulator.complete: no identity check with authenticate_number ${authenticateNumber} is processing` +
                (check === undefined ? " (never pre-ordered)" : ` (already ${check.state})`)
            )
          }
          if (outcome === "SUCCESS") {
            checks.set(authenticateNumber, { ...check, state: "AUTHENTICATE_SUCCESS", authenticatedAt: now })
            const key = Relations.key(check.sub_mchid, check.openid)
            // Authorised once, authorised since: a later check does not move the time.
            if (!relations.has(key)) relations.set(key, now)
          } else {
            checks.set(authenticateNumber, {
              ...check,
              state: "AUTHENTICATE_FAILED",
              authenticatedAt: now,
              failedReason: completeOptions?.reason ?? DEFAULT_FAILED_REASON
            })
          }
          return Effect.void
        }),
      received: Effect.sync(() => received.slice()),
      reset: Effect.sync(() => {
        received = []
        faults = []
        nonces = new Map()
        issued = new Map()
        checks = new Map()
        relations = new Map()
        lastPrune = Number.NEGATIVE_INFINITY
      })
    })
  })

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

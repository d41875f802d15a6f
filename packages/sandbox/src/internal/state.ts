/**
 * Everything a simulator remembers, each record bounded so a long-running sandbox stays small.
 *
 * Plain mutable state is safe here: the engine reads, checks and writes it in one synchronous block per request,
 * so concurrent requests cannot interleave between checking a nonce or an `authenticate_number` and recording it.
 *
 * @internal
 */
import { Either, Option } from "effect"
import type { CheckOutcome } from "../Simulator.js"
import type * as Authentications from "./authentications.js"
import { WINDOW_SECONDS } from "./authorization.js"
import { FaultQueue } from "./faultQueue.js"
import type * as Receipts from "./receipts.js"
import { ReceivedLog } from "./received.js"
import * as Relations from "./relations.js"
import { BoundedMap } from "./store.js"
import type * as Tokens from "./tokens.js"
import type * as TransferBatches from "./transferBatches.js"
import type * as TransferQueries from "./transferQueries.js"

/**
 * How many records of each kind a simulator keeps; the oldest is forgotten first.
 *
 * @internal
 */
export interface Limits {
  readonly received: number
  readonly receivedBytes: number
  readonly checks: number
  readonly relations: number
  readonly nonces: number
  readonly idempotency: number
  readonly batches: number
}

/**
 * A token issued for an `authenticate_number`, with the fingerprint of the request that asked for it.
 *
 * @internal
 */
export interface Issued {
  readonly fingerprint: string
  readonly token: string
  readonly issuedAt: number
}

const PRUNE_EVERY_MILLIS = 60_000
const DEFAULT_FAILED_REASON = "身份核验未通过"

/**
 * The simulator's records.
 *
 * @example
 * ```ts
 * const state = new State(limits, 1800)
 * state.nonces.set("nonce", 1700000000)
 * ```
 * @internal
 */
export class State {
  /** The request log, bounded by count and bytes. */
  readonly received: ReceivedLog
  readonly faults = new FaultQueue()
  /** Spent request nonces, with their timestamps (seconds). */
  readonly nonces: BoundedMap<string, number>
  /** Idempotency records: the token issued per `authenticate_number` while it lives. */
  readonly issued: BoundedMap<string, Issued>
  /** Identity checks by `authenticate_number` (unique per provider; a query must also name their sub_mchid). */
  readonly checks: BoundedMap<string, Authentications.Record>
  /** When each (sub_mchid, openid) relation was authorised, by `Relations.key`. */
  readonly relations: BoundedMap<string, number>
  /** The employment type each authorised relation was first given, by `Relations.key` ("需要校验和初次填写的一致性"). */
  readonly employmentTypes: BoundedMap<string, string>
  /** Tokens `createToken` issued, until they expire: the worker authorises with one in the mini program. */
  readonly tokens: BoundedMap<string, Tokens.Token>
  /** Accepted transfer batches by `out_batch_no`, the idempotency key, each with its accepted request. */
  readonly batches: BoundedMap<string, TransferBatches.Batch>
  /** The `out_batch_no` of each batch by WeChat's `batch_id`, for the queries by WeChat's number. */
  readonly batchIds: BoundedMap<string, string>
  /** Receipts applied for, by batch (and payment). */
  readonly receipts: BoundedMap<string, Receipts.Receipt>
  /** The tokens of receipts' `download_url`s, each valid 10 minutes. */
  readonly downloads: BoundedMap<string, Receipts.DownloadToken>
  /** How the batches named by `out_batch_no` are to end (`Simulator.planTransferBatch`), set before or after. */
  readonly batchPlans: BoundedMap<string, TransferQueries.Plan>
  private lastPrune = Number.NEGATIVE_INFINITY

  constructor(readonly limits: Limits, readonly tokenExpiresIn: number) {
    this.received = new ReceivedLog(limits.received, limits.receivedBytes)
    this.nonces = new BoundedMap(limits.nonces)
    this.issued = new BoundedMap(limits.idempotency)
    this.checks = new BoundedMap(limits.checks)
    this.relations = new BoundedMap(limits.relations)
    this.tokens = new BoundedMap(limits.idempotency)
    this.batches = new BoundedMap(limits.batches)
    this.batchIds = new BoundedMap(limits.batches)
    this.batchPlans = new BoundedMap(limits.batches)
    this.receipts = new BoundedMap(limits.batches)
    this.downloads = new BoundedMap(limits.batches)
    this.employmentTypes = new BoundedMap(limits.relations)
  }

  /** Forgets nonces outside the timestamp window and expired tokens, at most once a minute. */
  prune(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MILLIS) return
    this.lastPrune = now
    const seconds = Math.floor(now / 1000)
    // A nonce outside the window can no longer be replayed: its timestamp would fail the skew check first.
    this.nonces.prune((timestamp) => Math.abs(seconds - timestamp) > WINDOW_SECONDS)
    this.issued.prune((entry) => entry.issuedAt + this.tokenExpiresIn * 1000 <= now)
    this.tokens.prune((entry) => entry.issuedAt + this.tokenExpiresIn * 1000 <= now)
    this.downloads.prune((entry) => entry.expiresAt <= now)
  }

  /** The `authenticate_number` a pre-order issued `token` for, if it still lives. */
  numberOfToken(token: string): string | undefined {
    return this.issued.findKey((entry) => entry.token === token)
  }

  /** The token issued for `number`, if it still lives. */
  liveIssue(number: string, now: number): Issued | undefined {
    const entry = this.issued.get(number)
    return entry !== undefined && entry.issuedAt + this.tokenExpiresIn * 1000 > now ? entry : undefined
  }

  /**
   * Ends a processing identity check as the worker would. `SUCCESS` authorises the relation of its worker and
   * sub-merchant. Fails with the reason when no check with that number is processing.
   */
  complete(
    number: string,
    outcome: CheckOutcome,
    reason: string | undefined,
    now: number
  ): Either.Either<Authentications.Record, { readonly state: Option.Option<Authentications.State> }> {
    const check = this.checks.get(number)
    if (check === undefined || check.state !== "AUTHENTICATE_PROCESSING") {
      return Either.left({ state: Option.map(Option.fromNullable(check), (record) => record.state) })
    }
    if (outcome === "SUCCESS") {
      const key = Relations.key(check.sub_mchid, check.openid)
      // Authorised once, authorised since: a later check does not move the time.
      if (!this.relations.has(key)) this.relations.set(key, now)
      if (check.employment_type !== undefined && !this.employmentTypes.has(key)) {
        this.employmentTypes.set(key, check.employment_type)
      }
    }
    const done: Authentications.Record = outcome === "SUCCESS"
      ? { ...check, state: "AUTHENTICATE_SUCCESS", authenticatedAt: now }
      : { ...check, state: "AUTHENTICATE_FAILED", authenticatedAt: now, failedReason: reason ?? DEFAULT_FAILED_REASON }
    this.checks.set(number, done)
    return Either.right(done)
  }

  /**
   * Plays the worker opening the card and authorising the sub-merchant with a live token in the mini program:
   * authorises the relation of the token's worker and sub-merchant. `undefined` when the token is unknown or expired.
   */
  authorize(token: string, now: number): Tokens.Token | undefined {
    const issued = this.tokens.get(token)
    if (issued === undefined || issued.issuedAt + this.tokenExpiresIn * 1000 <= now) return undefined
    const key = Relations.key(issued.sub_mchid, issued.openid)
    if (!this.relations.has(key)) this.relations.set(key, now)
    if (issued.employment_type !== undefined && !this.employmentTypes.has(key)) {
      this.employmentTypes.set(key, issued.employment_type)
    }
    return issued
  }

  /** Forgets everything. */
  reset(): void {
    this.received.clear()
    this.faults.clear()
    this.nonces.clear()
    this.issued.clear()
    this.checks.clear()
    this.relations.clear()
    this.tokens.clear()
    this.batches.clear()
    this.batchIds.clear()
    this.batchPlans.clear()
    this.receipts.clear()
    this.downloads.clear()
    this.employmentTypes.clear()
    this.lastPrune = Number.NEGATIVE_INFINITY
  }
}

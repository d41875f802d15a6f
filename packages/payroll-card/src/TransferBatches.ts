/**
 * The pay loop after `createTransferBatch`: the batch and payment queries (their declarations are in
 * `GetTransferBatchByNo`, `GetTransferBatchByOutNo`, `GetTransferDetailByNo` and `GetTransferDetailByOutNo`),
 * every payment of a batch as a stream, and following a batch to its end without a callback. `PayrollCard`
 * re-exports all of it: `PayrollCard.awaitTransferBatch`, …
 *
 * @since 0.1.0
 */
import { Endpoint, type WeChatPayClient } from "@effect-wechatpay/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as GetTransferBatchByNo from "./GetTransferBatchByNo.js"
import * as GetTransferBatchByOutNo from "./GetTransferBatchByOutNo.js"
import * as GetTransferDetailByNo from "./GetTransferDetailByNo.js"
import * as GetTransferDetailByOutNo from "./GetTransferDetailByOutNo.js"
import * as Polling from "./internal/transferBatchPolling.js"
import type * as PartnerTransferBatch from "./PartnerTransferBatch.js"

/**
 * Gets a transfer batch by WeChat's batch number (微信支付批次单号查询批次单): its state, counts and amounts, and with
 * `need_query_detail` a page (`offset`, `limit` 20–100) of its payments' states. A batch WeChat is still accepting
 * fails with `NOT_FOUND` for a while: ask again later, never resubmit it under a new number.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const status = PayrollCard.getTransferBatchByNo({
 *   batch_id: "1030000071100999991182020050700019480001",
 *   need_query_detail: false
 * }).pipe(Effect.map((batch) => batch.batch_status))
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const getTransferBatchByNo = Endpoint.toCall(GetTransferBatchByNo.endpoint)

/**
 * Gets a transfer batch by the provider's batch number (商家批次单号查询批次单); see {@link getTransferBatchByNo}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const failed = PayrollCard.getTransferBatchByOutNo({
 *   out_batch_no: "plfk2020042013",
 *   need_query_detail: true,
 *   detail_status: "FAIL",
 *   limit: 100
 * }).pipe(Effect.map((batch) => batch.transfer_detail_list ?? []))
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const getTransferBatchByOutNo = Endpoint.toCall(GetTransferBatchByOutNo.endpoint)

/**
 * Gets one payment by WeChat's numbers (微信支付明细单号查询明细单): its state, why it failed, and the worker's name,
 * decrypted with the merchant private key (`Redacted`). A payment not yet recorded fails with `NOT_FOUND`: it is not
 * a failed payment.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const reason = PayrollCard.getTransferDetailByNo({
 *   batch_id: "1030000071100999991182020050700019480001",
 *   detail_id: "1040000071100999991182020050700019500100"
 * }).pipe(Effect.map((detail) => detail.fail_reason))
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const getTransferDetailByNo = Endpoint.toCall(GetTransferDetailByNo.endpoint)

/**
 * Gets one payment by the provider's numbers (商家明细单号查询明细单); see {@link getTransferDetailByNo}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const paid = PayrollCard.getTransferDetailByOutNo({
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * }).pipe(Effect.map((detail) => detail.detail_status === "SUCCESS"))
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const getTransferDetailByOutNo = Endpoint.toCall(GetTransferDetailByOutNo.endpoint)

const getTransferBatch: Polling.GetBatch = (request) =>
  "batch_id" in request ? getTransferBatchByNo(request) : getTransferBatchByOutNo(request)

/**
 * Every payment of a batch, over all its pages (`limit` per page, 100 unless the request says; `detail_status` to
 * keep only `SUCCESS` or `FAIL` ones), by either number. WeChat lists payments only once the batch is `FINISHED`:
 * on another batch the stream is empty, so await the batch first ({@link awaitTransferBatch}).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const failed = PayrollCard.streamTransferDetails({
 *   out_batch_no: "plfk2020042013",
 *   need_query_detail: true,
 *   detail_status: "FAIL"
 * }).pipe(Stream.map((detail) => detail.out_detail_no), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const streamTransferDetails = (
  request: Polling.BatchRequest
): Stream.Stream<PartnerTransferBatch.TransferDetailCompact, Endpoint.Error, WeChatPayClient.WeChatPayClient> =>
  Polling.streamDetails(getTransferBatch, request).pipe(Stream.withSpan("PayrollCard.streamTransferDetails"))

/**
 * How {@link awaitTransferBatch} polls.
 *
 * @example
 * ```ts
 * import type { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const patient: PayrollCard.AwaitTransferBatchOptions = { interval: "10 seconds", timeout: "2 hours" }
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export interface AwaitTransferBatchOptions {
  /** The first wait between polls (default 5 seconds); each next one is half as long again. */
  readonly interval?: Duration.DurationInput | undefined
  /** The longest wait between polls (default 1 minute). */
  readonly maxInterval?: Duration.DurationInput | undefined
  /** How long to wait for a final state (default 30 minutes). */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * A batch still not `FINISHED` or `CLOSED` when {@link awaitTransferBatch} gave up: `lastSeen` is its last state, or
 * `NOT_FOUND` when WeChat never found it. The batch may still complete: query it later with the same number, and
 * never resubmit it under a new one.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const error = new PayrollCard.TransferBatchTimeout({
 *   batch: "plfk2020042013",
 *   timeoutMillis: 1_800_000,
 *   polls: 42,
 *   lastSeen: "PROCESSING"
 * })
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export class TransferBatchTimeout extends Schema.TaggedError<TransferBatchTimeout>(
  "@effect-wechatpay/payroll-card/TransferBatchTimeout"
)("TransferBatchTimeout", {
  /** The number it was asked by (`out_batch_no` or `batch_id`: the provider's or WeChat's, not personal data). */
  batch: Schema.String,
  /** The configured timeout, in milliseconds. */
  timeoutMillis: Schema.Number,
  /** How many times it asked. */
  polls: Schema.Number,
  /** The batch's last state, or `NOT_FOUND`. */
  lastSeen: Schema.String
}) {
  override get message(): string {
    return `transfer batch ${this.batch} was not FINISHED or CLOSED within ${
      Duration.format(Duration.millis(this.timeoutMillis))
    }: last seen ${this.lastSeen} after ${this.polls} polls; query it again later, never resubmit it under a new number`
  }
}

/**
 * Polls a batch, by either number, until it is `FINISHED` or `CLOSED`, and returns it in that state (a `CLOSED` batch
 * is a value: its `close_reason` says why). WeChat sends no callback for payroll-card batches and answers
 * `NOT_FOUND` while it is still accepting one: within the timeout that is "not yet". Waits `interval` between polls,
 * half as long again each time up to `maxInterval`; fails with {@link TransferBatchTimeout} when the next poll would
 * come after `timeout`, and with any other error of the query at once. Never resubmit a batch under a new number
 * because it is slow or not found (WeChat's pages): the first one may still pay.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const outcome = PayrollCard.awaitTransferBatch(
 *   { out_batch_no: "plfk2020042013", need_query_detail: false },
 *   { interval: "5 seconds", timeout: "30 minutes" }
 * ).pipe(
 *   Effect.map((batch) => `${batch.batch_status}: ${batch.success_num ?? 0} paid, ${batch.fail_num ?? 0} failed`),
 *   Effect.catchTag("TransferBatchTimeout", (e) => Effect.logWarning(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const awaitTransferBatch = Effect.fn("PayrollCard.awaitTransferBatch")(
  function*(request: Polling.BatchRequest, options: AwaitTransferBatchOptions = {}) {
    const timeout = Duration.decode(options.timeout ?? "30 minutes")
    return yield* Polling.awaitTransfer(getTransferBatch, request, {
      interval: Duration.decode(options.interval ?? "5 seconds"),
      maxInterval: Duration.decode(options.maxInterval ?? "1 minute"),
      timeout
    }, ({ last, polls }) =>
      new TransferBatchTimeout({
        batch: "batch_id" in request ? request.batch_id : request.out_batch_no,
        timeoutMillis: Duration.toMillis(timeout),
        polls,
        lastSeen: last
      }))
  }
)

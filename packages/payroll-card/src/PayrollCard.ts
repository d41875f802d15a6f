/**
 * The payroll-card (微工卡) API calls.
 *
 * @since 0.1.0
 */
import { Endpoint, type WeChatPayClient } from "@effect-wechatpay/core"
import { Clock, Duration, Effect, Schema, Stream } from "effect"
import * as ApplyBillReceipt from "./ApplyBillReceipt.js"
import * as ApplyDetailReceipt from "./ApplyDetailReceipt.js"
import * as CreateToken from "./CreateToken.js"
import * as CreateTransferBatch from "./CreateTransferBatch.js"
import * as CreateWesureInsurance from "./CreateWesureInsurance.js"
import * as GetAuthentication from "./GetAuthentication.js"
import * as GetBillReceipt from "./GetBillReceipt.js"
import * as GetDetailReceipt from "./GetDetailReceipt.js"
import * as GetRelation from "./GetRelation.js"
import * as GetTransferBatchByNo from "./GetTransferBatchByNo.js"
import * as GetTransferBatchByOutNo from "./GetTransferBatchByOutNo.js"
import * as GetTransferDetailByNo from "./GetTransferDetailByNo.js"
import * as GetTransferDetailByOutNo from "./GetTransferDetailByOutNo.js"
import * as Polling from "./internal/transferBatchPolling.js"
import * as ListAuthentications from "./ListAuthentications.js"
import type * as PartnerTransferBatch from "./PartnerTransferBatch.js"
import * as PreOrder from "./PreOrder.js"
import * as PreOrderWithAuth from "./PreOrderWithAuth.js"
import * as TransferReceipt from "./TransferReceipt.js"
import * as ValidateWesureToken from "./ValidateWesureToken.js"

/**
 * The payroll-card calls, declared: method, route template, query, schemas, span name, and the answer fields
 * that echo the request. Each function below is derived from its declaration by `Endpoint.toCall`.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * PayrollCard.endpoints.getRelation.path // "/v3/payroll-card/relations/{openid}"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoints = {
  preOrderWithAuth: PreOrderWithAuth.endpoint,
  getAuthentication: GetAuthentication.endpoint,
  getRelation: GetRelation.endpoint,
  createToken: CreateToken.endpoint,
  preOrder: PreOrder.endpoint,
  listAuthentications: ListAuthentications.endpoint,
  createTransferBatch: CreateTransferBatch.endpoint,
  getTransferBatchByNo: GetTransferBatchByNo.endpoint,
  getTransferBatchByOutNo: GetTransferBatchByOutNo.endpoint,
  getTransferDetailByNo: GetTransferDetailByNo.endpoint,
  getTransferDetailByOutNo: GetTransferDetailByOutNo.endpoint,
  applyBillReceipt: ApplyBillReceipt.endpoint,
  getBillReceipt: GetBillReceipt.endpoint,
  applyDetailReceipt: ApplyDetailReceipt.endpoint,
  getDetailReceipt: GetDetailReceipt.endpoint,
  validateWesureToken: ValidateWesureToken.endpoint,
  createWesureInsurance: CreateWesureInsurance.endpoint
}

/**
 * Pre-orders an identity check that also opens the worker's payroll card and authorises the
 * sub-merchant in the same flow (核身预下单（流程中完成授权）).
 *
 * The request is validated and its sensitive fields encrypted before anything is sent (an invalid request fails
 * with `RequestValidationError`, naming each bad field and never an encrypted value); the answer is
 * signature-verified before it is decoded. WeChat's error codes arrive as tagged errors (`PARAM_ERROR`, …).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
 *
 * const program = PayrollCard.preOrderWithAuth({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   sub_appid: "wxa1111111",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   project_name: "某项目",
 *   employer_name: "某用工企业",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   employment_type: "LONG_TERM_EMPLOYMENT",
 *   authenticate_type: "SIGN_IN"
 * }).pipe(
 *   Effect.catchTag("INVALID_REQUEST", (e) => Effect.die(`authenticate_number reused: ${e.message}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const preOrderWithAuth = Endpoint.toCall(endpoints.preOrderWithAuth)

/**
 * Gets the result of an identity check pre-ordered with `preOrderWithAuth` (获取核身结果): poll it after the
 * worker comes back from the mini program, until `authenticate_state` is no longer `AUTHENTICATE_PROCESSING`.
 *
 * The request is validated before anything is sent (an invalid one fails with `RequestValidationError`); the answer is
 * signature-verified before it is decoded. A number WeChat does not know for this sub-merchant fails with
 * `ORDER_NOT_EXIST`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * // One look; to wait for the worker, use awaitAuthentication.
 * const finished = PayrollCard.getAuthentication({
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   sub_mchid: "1900000109"
 * }).pipe(Effect.map((result) => result.authenticate_state !== "AUTHENTICATE_PROCESSING"))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const getAuthentication = Endpoint.toCall(endpoints.getAuthentication)

/**
 * Gets whether a worker has opened the payroll card and authorised the sub-merchant (查询微工卡授权关系). A worker
 * who never authorised it is an answer (`authorize_state: "UNAUTHORIZED"`), not an error.
 *
 * The request is validated before anything is sent (an invalid one, or one with neither `appid` nor
 * `sub_appid`, fails with `RequestValidationError`); the answer is signature-verified before it is decoded.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const authorised = PayrollCard.getRelation({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111"
 * }).pipe(Effect.map((relation) => relation.authorize_state === "AUTHORIZED"))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const getRelation = Endpoint.toCall(endpoints.getRelation)

/**
 * Creates the token the worker opens the payroll card and authorises the sub-merchant with, in WeChat's mini
 * program (生成授权token, `POST /v3/payroll-card/tokens`; wechatpay-go `TokensApiService.CreateToken`, wechatpay-java
 * `PayrollCardService.createToken`).
 *
 * The worker's name and ID number are encrypted by the request's codec and `Wechatpay-Serial` names the key; an
 * invalid request fails with `RequestValidationError` and sends nothing.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const token = PayrollCard.createToken({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316")
 * }).pipe(Effect.map((entity) => entity.token))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const createToken = Endpoint.toCall(endpoints.createToken)

/**
 * Pre-orders an identity check for a worker who has already opened the payroll card and authorised the
 * sub-merchant (核身预下单, `POST /v3/payroll-card/authentications/pre-order`; wechatpay-go
 * `AuthenticationsApiService.PreOrderAuthentication`, wechatpay-java `PayrollCardService.preOrderAuthentication`).
 * Nothing is encrypted; a worker not yet authorised is refused by WeChat (`INVALID_REQUEST`): use
 * {@link preOrderWithAuth} for the first check.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const check = PayrollCard.preOrder({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i84",
 *   project_name: "城市配送",
 *   employer_name: "某某物流有限公司",
 *   authenticate_type: "SIGN_IN"
 * })
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const preOrder = Endpoint.toCall(endpoints.preOrder)

/**
 * One page of a worker's identity checks of one day (查询核身记录, `GET /v3/payroll-card/authentications`; wechatpay-go
 * `AuthenticationsApiService.ListAuthentications`, wechatpay-java `PayrollCardService.listAuthentications`). Every
 * field is a query parameter; `authenticate_date` must be within the last 90 days. For every page, use
 * {@link streamAuthentications}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const count = PayrollCard.listAuthentications({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authenticate_date: "2020-12-25",
 *   limit: 10
 * }).pipe(Effect.map((page) => page.total_count))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const listAuthentications = Endpoint.toCall(endpoints.listAuthentications)

/**
 * Every identity check of a worker's day, over all pages: {@link listAuthentications} from `request.offset`
 * (default 0), then the page after each (`ListAuthentications.nextPage`) until the last or an empty one. Pages are
 * fetched as the stream is pulled; a failed page fails the stream with that call's error. The page calls' spans
 * are children of one `PayrollCard.streamAuthentications` span.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const numbers = PayrollCard.streamAuthentications({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authenticate_date: "2020-12-25"
 * }).pipe(Stream.map((check) => check.authenticate_number), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const streamAuthentications = (
  request: ListAuthentications.ListAuthenticationsRequest
): Stream.Stream<GetAuthentication.AuthenticationEntity, Endpoint.Error, WeChatPayClient.WeChatPayClient> =>
  Stream.paginateEffect(request, (current) =>
    Effect.map(
      listAuthentications(current),
      (page) => [page.data, ListAuthentications.nextPage(current, page)] as const
    )).pipe(
      Stream.flattenIterables,
      // One span over the pages; each page's call has its own span (and its safe fields) inside it.
      Stream.withSpan("PayrollCard.streamAuthentications")
    )

/**
 * Pays workers through the payroll card in one batch (发起批量转账, `POST /v3/payroll-card/transfer-batches`;
 * wechatpay-go `TransferBatchApiService.CreateTransferBatch`, wechatpay-java `PayrollCardService.createTransferBatch`).
 * The details' names are encrypted and `Wechatpay-Serial` names the key. The batch rules the sources state (sum,
 * count, at most 3,000 details, remarks of at most 32 characters, names on all details or none) are checked
 * before sending; `out_batch_no` is the idempotency key.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const batchId = PayrollCard.createTransferBatch({
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
 *   out_batch_no: "plfk2020042013",
 *   batch_name: "四月工资",
 *   batch_remark: "四月工资",
 *   total_amount: 200000,
 *   total_num: 1,
 *   transfer_detail_list: [{ out_detail_no: "d1", transfer_amount: 200000, transfer_remark: "工资", openid: "o1" }]
 * }).pipe(Effect.map((batch) => batch.batch_id))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const createTransferBatch = Endpoint.toCall(endpoints.createTransferBatch)

/**
 * How {@link awaitAuthentication} polls: every `interval` (default 3 seconds), for at most `timeout` (default
 * 5 minutes, about as long as a worker needs in the mini program).
 *
 * @example
 * ```ts
 * import type { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const patient: PayrollCard.AwaitOptions = { interval: "5 seconds", timeout: "15 minutes" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AwaitOptions {
  readonly interval?: Duration.DurationInput | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * {@link awaitAuthentication} gave up: the check was still `AUTHENTICATE_PROCESSING` when its time ran out
 * (the worker has not finished in the mini program, or left it). Not a WeChat error: ask again later.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const result = PayrollCard.awaitAuthentication({
 *   authenticate_number: "mcdhehfgisdhfjghed39384564i83",
 *   sub_mchid: "1900000109"
 * }).pipe(
 *   Effect.catchTag("AuthenticationTimeout", (e) => Effect.logWarning(`${e.polls} polls, no result yet`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationTimeout extends Schema.TaggedError<AuthenticationTimeout>(
  "@effect-wechatpay/payroll-card/AuthenticationTimeout"
)("AuthenticationTimeout", {
  /** The number the check was pre-ordered under (an identifier of the provider's, not personal data). */
  authenticateNumber: Schema.String,
  /** The configured timeout, in milliseconds. */
  timeoutMillis: Schema.Number,
  /** How long it had waited at its last look, in milliseconds (the look after would have come past the timeout). */
  waitedMillis: Schema.Number,
  /** How many times it asked. */
  polls: Schema.Number
}) {
  override get message(): string {
    return `identity check ${this.authenticateNumber} still AUTHENTICATE_PROCESSING at the last look within its ${
      exactly(this.timeoutMillis)
    } timeout (${this.polls} polls, the last after ${exactly(this.waitedMillis)})`
  }
}

/** A duration as configured: whole seconds as seconds, anything finer in milliseconds, never rounded. */
const exactly = (millis: number): string => millis % 1000 === 0 ? `${millis / 1000} s` : `${millis} ms`

/**
 * Waits for the result of an identity check (获取核身结果, polled): asks every `interval` until the check is no
 * longer `AUTHENTICATE_PROCESSING`, and returns that final result (`AUTHENTICATE_SUCCESS` or
 * `AUTHENTICATE_FAILED`, with its `reason`). When `timeout` passes first, it fails with
 * {@link AuthenticationTimeout}; every other failure is {@link getAuthentication}'s (e.g. `ORDER_NOT_EXIST`).
 * Time is read from `Clock`, so `TestClock` drives it in tests.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const passed = PayrollCard.awaitAuthentication(
 *   { authenticate_number: "mcdhehfgisdhfjghed39384564i83", sub_mchid: "1900000109" },
 *   { interval: "3 seconds", timeout: "5 minutes" }
 * ).pipe(Effect.map((result) => result.authenticate_state === "AUTHENTICATE_SUCCESS"))
 * ```
 *
 * @since 0.1.0
 * @category payroll card
 */
export const awaitAuthentication = Effect.fn("PayrollCard.awaitAuthentication")(
  function*(request: GetAuthentication.GetAuthenticationRequest, options: AwaitOptions = {}) {
    const interval = Duration.toMillis(options.interval ?? Duration.seconds(3))
    const timeout = Duration.toMillis(options.timeout ?? Duration.minutes(5))
    const started = yield* Clock.currentTimeMillis
    let polls = 0
    while (true) {
      const result = yield* getAuthentication(request)
      polls++
      if (result.authenticate_state !== "AUTHENTICATE_PROCESSING") return result
      const waited = (yield* Clock.currentTimeMillis) - started
      // Give up when the next look would come after the timeout: it could only be late.
      if (waited + interval > timeout) {
        return yield* new AuthenticationTimeout({
          authenticateNumber: request.authenticate_number,
          timeoutMillis: timeout,
          waitedMillis: waited,
          polls
        })
      }
      yield* Effect.sleep(interval)
    }
  }
)

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
export const getTransferBatchByNo = Endpoint.toCall(endpoints.getTransferBatchByNo)

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
export const getTransferBatchByOutNo = Endpoint.toCall(endpoints.getTransferBatchByOutNo)

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
export const getTransferDetailByNo = Endpoint.toCall(endpoints.getTransferDetailByNo)

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
export const getTransferDetailByOutNo = Endpoint.toCall(endpoints.getTransferDetailByOutNo)

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

/**
 * Checks, for the insurance (微保) flow, that the identity check of a pre-order's `token` passed for this worker
 * (校验核身结果); the name and ID number are encrypted by the request's codec and never sent in the clear.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const passed = PayrollCard.validateWesureToken({
 *   sp_mchid: "1900000001",
 *   sub_mchid: "1900000109",
 *   token: "abcdefghijklmn",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   authenticate_type: "INSURANCE"
 * }).pipe(Effect.map((answer) => answer.result === "SUCCESS"))
 * ```
 *
 * @since 0.1.0
 * @category insurance
 */
export const validateWesureToken = Endpoint.toCall(endpoints.validateWesureToken)

/**
 * Reports a worker's insurance (微保) policy result to WeChat (生成投保结果). WeChat answers 204 with no body, verified
 * over the empty body like any answer: the call succeeds with `void`.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const reported = PayrollCard.createWesureInsurance({
 *   sp_mchid: "1900000001",
 *   sub_mchid: "1900000109",
 *   wesure_order_no: "W2022050500001",
 *   token: "abcdefghijklmn",
 *   insurance_company_order_no: "PA2022050500001",
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   insure_state: "INSURE_SUCCESS",
 *   insure_effect_time: "2022-05-06T00:00:00+08:00",
 *   insure_invalid_time: "2022-05-07T00:00:00+08:00",
 *   insurance_company_name: "平安"
 * })
 * ```
 *
 * @since 0.1.0
 * @category insurance
 */
export const createWesureInsurance = Endpoint.toCall(endpoints.createWesureInsurance)

/**
 * Applies for a batch's electronic receipt (转账账单电子回单申请受理): the batch must be finished with at least one
 * successful payment (else `INVALID_REQUEST`). Idempotent by `out_batch_no`; the receipt is `ACCEPTED`, then
 * `FINISHED` ({@link getBillReceipt}).
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const applied = PayrollCard.applyBillReceipt({ out_batch_no: "plfk2020042013" })
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const applyBillReceipt = Endpoint.toCall(endpoints.applyBillReceipt)

/**
 * Gets a batch's receipt (查询转账账单电子回单): once `FINISHED`, its file's `download_url` (valid 10 minutes; query
 * again for a fresh one), `hash_type` and `hash_value`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const ready = PayrollCard.getBillReceipt({ out_batch_no: "plfk2020042013" }).pipe(
 *   Effect.map((receipt) => receipt.signature_status === "FINISHED")
 * )
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const getBillReceipt = Endpoint.toCall(endpoints.getBillReceipt)

/**
 * Applies for one payment's receipt (转账明细电子回单受理): the payment must be finished (else `PARAM_ERROR`);
 * `out_batch_no` goes with `accept_type` `BATCH_TRANSFER` (payroll-card payments), and only then. Idempotent by
 * `out_detail_no`.
 *
 * @example
 * ```ts
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const applied = PayrollCard.applyDetailReceipt({
 *   accept_type: "BATCH_TRANSFER",
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * })
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const applyDetailReceipt = Endpoint.toCall(endpoints.applyDetailReceipt)

/**
 * Gets one payment's receipt (查询转账明细电子回单受理结果), by the same three fields as its application.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const url = PayrollCard.getDetailReceipt({
 *   accept_type: "BATCH_TRANSFER",
 *   out_batch_no: "plfk2020042013",
 *   out_detail_no: "x23zy545Bd5436"
 * }).pipe(Effect.map((receipt) => receipt.download_url))
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const getDetailReceipt = Endpoint.toCall(endpoints.getDetailReceipt)

/**
 * The file of a `FINISHED` receipt (from `getBillReceipt` or `getDetailReceipt`) as a stream of bytes, its digest
 * checked at the end (`DownloadError` `DigestMismatch`); `ReceiptNotReady` before it is `FINISHED`. See
 * `TransferReceipt.download`.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const bytes = PayrollCard.getBillReceipt({ out_batch_no: "plfk2020042013" }).pipe(
 *   Effect.flatMap((receipt) => Stream.runCollect(PayrollCard.downloadReceipt(receipt)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const downloadReceipt = TransferReceipt.download

/**
 * Writes the file of a `FINISHED` receipt to a path, only once its digest matched (a temporary file beside it is
 * renamed into place, or removed). See `TransferReceipt.downloadToFile`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const saved = PayrollCard.getBillReceipt({ out_batch_no: "plfk2020042013" }).pipe(
 *   Effect.flatMap((receipt) => PayrollCard.downloadReceiptToFile(receipt, "receipts/plfk2020042013.pdf"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category receipts
 */
export const downloadReceiptToFile = TransferReceipt.downloadToFile

/**
 * The payroll-card (微工卡) API calls.
 *
 * @since 0.1.0
 */
import { Endpoint } from "@effect-wechatpay/core"
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
import * as InitiatePartnerTransferBatch from "./InitiatePartnerTransferBatch.js"
import * as ListAuthentications from "./ListAuthentications.js"
import * as PreOrder from "./PreOrder.js"
import * as PreOrderWithAuth from "./PreOrderWithAuth.js"
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
  createWesureInsurance: CreateWesureInsurance.endpoint,
  initiatePartnerTransferBatch: InitiatePartnerTransferBatch.endpoint
}

// The identity checks' results, the batch and payment queries after `createTransferBatch`, the receipts: each in a
// module of its own, all part of `PayrollCard`.
export * from "./Authentications.js"
// The helpers declared as data (`helpers`: what waits and what streams), beside `endpoints`.
export * from "./Helpers.js"
export * from "./Receipts.js"
export * from "./TransferBatches.js"

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
export const preOrderWithAuth = Endpoint.toCall(PreOrderWithAuth.endpoint)

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
export const getRelation = Endpoint.toCall(GetRelation.endpoint)

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
export const createToken = Endpoint.toCall(CreateToken.endpoint)

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
export const preOrder = Endpoint.toCall(PreOrder.endpoint)

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
export const createTransferBatch = Endpoint.toCall(CreateTransferBatch.endpoint)

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
export const validateWesureToken = Endpoint.toCall(ValidateWesureToken.endpoint)

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
export const createWesureInsurance = Endpoint.toCall(CreateWesureInsurance.endpoint)

/**
 * Pays a sub-merchant's workers in one batch as the service provider (发起批量转账, `POST /v3/partner-transfer/batches`;
 * wechatpay-go `partnertransferbatch.TransferBatchApiService.InitiateTransferBatch`), `transfer_scene:
 * "PAYROLL_CARD_TRANSFER"` for payroll-card pay. Every payment names its payee (encrypted, `Wechatpay-Serial` names the
 * key); the batch rules are {@link createTransferBatch}'s. Follow it with {@link awaitTransferBatch}.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const batchId = PayrollCard.initiatePartnerTransferBatch({
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxa1111111111111",
 *   authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
 *   out_batch_no: "plfk2020042014",
 *   batch_name: "四月工资",
 *   batch_remark: "四月工资",
 *   total_amount: 200000,
 *   total_num: 1,
 *   transfer_detail_list: [
 *     { out_detail_no: "d1", transfer_amount: 200000, transfer_remark: "工资", openid: "o1", user_name: Redacted.make("张三") }
 *   ],
 *   transfer_scene: "PAYROLL_CARD_TRANSFER"
 * }).pipe(Effect.map((batch) => batch.batch_id))
 * ```
 *
 * @since 0.1.0
 * @category transfer batches
 */
export const initiatePartnerTransferBatch = Endpoint.toCall(InitiatePartnerTransferBatch.endpoint)

/**
 * 发起批量转账: `POST /v3/payroll-card/transfer-batches` — pays workers through the payroll card in one batch.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`CreateTransferBatchRequest`, `TransferDetailInput`,
 * `TransferBatchEntity`, `AuthType`, `EmploymentScene`, `BusinessType`), `api_transfer_batch.go`
 * (`CreateTransferBatch`: encrypted fields, so `Wechatpay-Serial`) and wechatpay-java
 * `service/payrollcard/model/CreateTransferBatchRequest.java`, `TransferDetailInput.java`.
 *
 * The client-side checks are exactly those the sources state about the request alone: sum, count, at most 3,000
 * details, remarks of at most 32 characters, names on all details or none. Rules that depend on amounts (a name
 * from 2,000 yuan up) or on WeChat's state are WeChat's to answer.
 *
 * @since 0.1.0
 */
import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { Required } from "./internal/schema.js"
import { atMostCharacters, batchRules } from "./internal/transferBatch.js"
import { EmploymentType } from "./PreOrderWithAuth.js"

/**
 * The most details one batch holds: "一个转账批次单最多发起三千笔转账" and "发起批量转账的明细列表，最多三千笔"
 * (wechatpay-go `CreateTransferBatchRequest.TotalNum`, `.TransferDetailList`).
 *
 * @example
 * ```ts
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const chunks = (count: number) => Math.ceil(count / CreateTransferBatch.MAX_DETAILS)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_DETAILS = 3000

/**
 * The longest remark, in characters: "UTF8编码，最多允许32个字符" (wechatpay-go `CreateTransferBatchRequest.BatchRemark`,
 * `TransferDetailInput.TransferRemark`). Characters are Unicode code points, so a Chinese character or an emoji
 * counts once.
 *
 * @example
 * ```ts
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const fits = (remark: string) => [...remark].length <= CreateTransferBatch.MAX_REMARK_CHARACTERS
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_REMARK_CHARACTERS = 32

const Remark = Required.pipe(Schema.filter(atMostCharacters(MAX_REMARK_CHARACTERS)))

/**
 * Which authorisation of the sub-merchant the batch pays under (wechatpay-go `AuthType`): information,
 * funds, or both. It decides which AppID the openids belong to (`sub_appid` or `sp_appid`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(CreateTransferBatch.AuthorizationType)("FUND_AUTHORIZATION_TYPE") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AuthorizationType = Schema.Literal(
  "INFORMATION_AUTHORIZATION_TYPE",
  "FUND_AUTHORIZATION_TYPE",
  "INFORMATION_AND_FUND_AUTHORIZATION_TYPE"
)

/**
 * An authorisation type.
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const type: CreateTransferBatch.AuthorizationType = "INFORMATION_AUTHORIZATION_TYPE"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthorizationType = typeof AuthorizationType.Type

/**
 * The line of work (wechatpay-go `EmploymentScene`: "LOGISTICS：物流；MANUFACTURING：制造业；HOTEL：酒店；CATERING：
 * 餐饮业；EVENT：活动促销；RETAIL：零售；OTHERS：其他").
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(CreateTransferBatch.EmploymentScene)("LOGISTICS") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const EmploymentScene = Schema.Literal(
  "LOGISTICS",
  "MANUFACTURING",
  "HOTEL",
  "CATERING",
  "EVENT",
  "RETAIL",
  "OTHERS"
)

/**
 * A line of work.
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const scene: CreateTransferBatch.EmploymentScene = "CATERING"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EmploymentScene = typeof EmploymentScene.Type

/**
 * Which business system the batch comes from (wechatpay-go `BusinessType`: `UNDEFINE`, `PROMOTION`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(CreateTransferBatch.BusinessType)("PROMOTION") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessType = Schema.Literal("UNDEFINE", "PROMOTION")

/**
 * A business source.
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const type: CreateTransferBatch.BusinessType = "UNDEFINE"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BusinessType = typeof BusinessType.Type

/**
 * One payment (wechatpay-go `TransferDetailInput`). Amounts are in fen. `user_name` is `Redacted<string>` here and
 * RSA-OAEP ciphertext on the wire (`encryption:"EM_APIV3"`); it is optional per detail but the batch must give it
 * on all details or none ("全部填写、或全部不填写").
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const detail: CreateTransferBatch.TransferDetailInput = {
 *   out_detail_no: "x23zy545Bd5436",
 *   transfer_amount: 200000,
 *   transfer_remark: "2020年4月报销",
 *   openid: "o-MYE42l80oelYMDE34nYD456Xoy",
 *   user_name: Redacted.make("张三")
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferDetailInput = Schema.Struct({
  /** The provider's number for this payment, unique within the batch. */
  out_detail_no: Required,
  /** The amount, in fen. */
  transfer_amount: Schema.Int,
  /** The remark the worker sees: at most 32 characters. */
  transfer_remark: Remark,
  /** The worker's openid (under `sub_appid` for information authorisation, else `sp_appid`). */
  openid: Required,
  /**
   * The worker's real name: encrypted on the wire. Exact (no `undefined` member): the union `Schema.optional`
   * builds would report a plain-string name as "Expected undefined, actual <the name>".
   */
  user_name: Schema.optionalWith(Sensitive.EncryptedString, { exact: true })
}).annotations({ identifier: "TransferDetailInput" })

/**
 * One payment, as the program holds it.
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const total = (details: ReadonlyArray<CreateTransferBatch.TransferDetailInput>) =>
 *   details.reduce((sum, detail) => sum + detail.transfer_amount, 0)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferDetailInput = typeof TransferDetailInput.Type

/**
 * The request (wechatpay-go `CreateTransferBatchRequest`). Amounts are in fen. `sub_appid` is needed for the
 * information authorisations and `sp_appid` for the funds one (both optional here: which one applies is
 * WeChat's to check). `employment_type`, `employment_scene` and `business_type` are optional (`omitempty`).
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const request: CreateTransferBatch.CreateTransferBatchRequest = {
 *   sub_mchid: "1900000109",
 *   sub_appid: "wxf636efh567hg4356",
 *   authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
 *   out_batch_no: "plfk2020042013",
 *   batch_name: "2019年1月深圳分部报销单",
 *   batch_remark: "2019年1月深圳分部报销单",
 *   total_amount: 200000,
 *   total_num: 1,
 *   transfer_detail_list: [{ out_detail_no: "d1", transfer_amount: 200000, transfer_remark: "四月", openid: "o1" }],
 *   employment_scene: "LOGISTICS"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateTransferBatchRequest = Schema.Struct({
  /** The sub-merchant (employer) id. */
  sub_mchid: Required,
  /** The sub-merchant's AppID, for the information authorisations. */
  sub_appid: Schema.optional(Required),
  authorization_type: AuthorizationType,
  /** The provider's batch number, unique per provider: the idempotency key. */
  out_batch_no: Required,
  batch_name: Required,
  /** The batch's remark: at most 32 characters. */
  batch_remark: Remark,
  /** The sum of the details' amounts, in fen. */
  total_amount: Schema.Int,
  /** The number of details. */
  total_num: Schema.Int,
  transfer_detail_list: Schema.Array(TransferDetailInput).pipe(
    Schema.maxItems(MAX_DETAILS, { message: () => `at most ${MAX_DETAILS} details` })
  ),
  /** The service provider's AppID, for the funds authorisation. */
  sp_appid: Schema.optional(Required),
  employment_type: Schema.optional(EmploymentType),
  employment_scene: Schema.optional(EmploymentScene),
  business_type: Schema.optional(BusinessType)
}).pipe(
  Schema.filter(batchRules)
).annotations({ identifier: "CreateTransferBatchRequest" })

/**
 * A batch, as the program holds it (names `Redacted`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * // Effect<encoded body, ParseError, Encryptor>: the batch rules are checked, then names are encrypted
 * const toWire = (request: CreateTransferBatch.CreateTransferBatchRequest) =>
 *   Schema.encode(CreateTransferBatch.CreateTransferBatchRequest)(request)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CreateTransferBatchRequest = typeof CreateTransferBatchRequest.Type

/**
 * The answer (wechatpay-go `TransferBatchEntity`): `batch_id` (required: the program keeps it), the echoed
 * `out_batch_no` (required) and `create_time` (RFC 3339, informational: may be absent). Extra fields are ignored.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const batch = Schema.decodeUnknownSync(CreateTransferBatch.TransferBatchEntity)({
 *   out_batch_no: "plfk2020042013",
 *   batch_id: "1030000071100999991182020050700019480001"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransferBatchEntity = Schema.Struct({
  out_batch_no: Schema.String,
  batch_id: Schema.String,
  create_time: Schema.optional(Schema.String)
}).annotations({ identifier: "TransferBatchEntity" })

/**
 * A decoded batch answer.
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 * const remember = (entity: CreateTransferBatch.TransferBatchEntity) => [entity.out_batch_no, entity.batch_id]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransferBatchEntity = typeof TransferBatchEntity.Type

/**
 * The answer schema, under the name the other modules use.
 *
 * @example
 * ```ts
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const same = CreateTransferBatch.CreateTransferBatchResponse === CreateTransferBatch.TransferBatchEntity
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateTransferBatchResponse = TransferBatchEntity

/**
 * A decoded batch answer.
 *
 * @example
 * ```ts
 * import type { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 * const id = (response: CreateTransferBatch.CreateTransferBatchResponse) => response.batch_id
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CreateTransferBatchResponse = TransferBatchEntity

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.createTransferBatch` is derived from it.
 *
 * @example
 * ```ts
 * import { CreateTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * CreateTransferBatch.endpoint.path // "/v3/payroll-card/transfer-batches"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.createTransferBatch",
  method: "POST",
  path: "/v3/payroll-card/transfer-batches",
  request: CreateTransferBatchRequest,
  response: TransferBatchEntity,
  annotate: ["sub_mchid", "out_batch_no"],
  // The answer's fields that must equal the request's.
  echo: ["out_batch_no"]
})

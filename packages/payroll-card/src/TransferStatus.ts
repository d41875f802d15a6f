/**
 * The states a transfer batch and its payments go through, and why a payment failed, as WeChat names them: open
 * enums (a value WeChat adds later decodes as an `Unrecognized` string), re-exported by `PartnerTransferBatch`, whose
 * answers carry them, so `PartnerTransferBatch.BatchStatus`, … is the way to reach them.
 *
 * Source: wechatpay-go `services/partnertransferbatch/models.go` (`TransferBatchEntity`, `TransferDetailEntity` and
 * their enums; commit 6dbd7ce), WeChat's pages 商家批次单号查询批次单 and 查询明细单.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { openLiteral } from "./internal/schema.js"

/**
 * A batch's state (wechatpay-go `TransferBatchEntity.BatchStatus`): `WAIT_PAY` (待付款: waiting for the merchant's
 * staff to confirm), `ACCEPTED` (已受理), `PROCESSING` (转账中), `FINISHED` (已完成: every detail has its result) and
 * `CLOSED` (已关闭: see `close_reason`). `FINISHED` and `CLOSED` are final.
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * PartnerTransferBatch.BatchStatus.isKnown("FINISHED") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const BatchStatus = openLiteral("BatchStatus", ["WAIT_PAY", "ACCEPTED", "PROCESSING", "FINISHED", "CLOSED"])

/**
 * A batch's state, or an `Unrecognized` one.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const final = (status: PartnerTransferBatch.BatchStatus) => status === "FINISHED" || status === "CLOSED"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BatchStatus = typeof BatchStatus.Type

/**
 * Whether a batch's state is final: `FINISHED` or `CLOSED` (wechatpay-go `BatchStatus` comments).
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * PartnerTransferBatch.isFinal("PROCESSING") // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isFinal = (status: BatchStatus): boolean => status === "FINISHED" || status === "CLOSED"

/**
 * Why a batch was closed (wechatpay-go `CloseReasonType`): `MERCHANT_REVOCATION` (商户主动撤销) or `OVERDUE_CLOSE`
 * (系统超时关闭). WeChat's OpenAPI description also lists `PAYER_ACCOUNT_ABNORMAL`; any other value decodes as
 * `Unrecognized`.
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * PartnerTransferBatch.CloseReason.isKnown("OVERDUE_CLOSE") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CloseReason = openLiteral("CloseReason", [
  "MERCHANT_REVOCATION",
  "OVERDUE_CLOSE",
  "PAYER_ACCOUNT_ABNORMAL"
])

/**
 * Why a batch was closed, or an `Unrecognized` reason.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const byMerchant = (reason: PartnerTransferBatch.CloseReason) => reason === "MERCHANT_REVOCATION"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CloseReason = typeof CloseReason.Type

/**
 * A payment's state (wechatpay-go `TransferDetailCompact.DetailStatus`, `TransferDetailEntity.DetailStatus`):
 * `PROCESSING` (转账中: not yet known), `SUCCESS` (转账成功) or `FAIL` (转账失败: see `fail_reason`). WeChat's pages
 * add `INIT` and `WAIT_PAY` (待确认) for payments not yet started.
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * PartnerTransferBatch.DetailStatus.isKnown("SUCCESS") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DetailStatus = openLiteral("DetailStatus", ["INIT", "WAIT_PAY", "PROCESSING", "SUCCESS", "FAIL"])

/**
 * A payment's state, or an `Unrecognized` one.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const paid = (status: PartnerTransferBatch.DetailStatus) => status === "SUCCESS"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type DetailStatus = typeof DetailStatus.Type

/**
 * Why a payment failed: the 17 values of wechatpay-go `FailReasonType` (e.g. `ACCOUNT_FROZEN` 账户冻结,
 * `NAME_NOT_CORRECT` 用户姓名校验失败, `PAY_ROLL_CARD_USER_NOT_OPEN` 用户未开通薪工卡). WeChat adds reasons ("如果有新的错误码，
 * 会更新到此API文档中"), so another value decodes as `Unrecognized`.
 *
 * @example
 * ```ts
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * PartnerTransferBatch.FailReason.known.length // 17
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const FailReason = openLiteral("FailReason", [
  "ACCOUNT_FROZEN",
  "REAL_NAME_CHECK_FAIL",
  "NAME_NOT_CORRECT",
  "OPENID_INVALID",
  "TRANSFER_QUOTA_EXCEED",
  "DAY_RECEIVED_QUOTA_EXCEED",
  "MONTH_RECEIVED_QUOTA_EXCEED",
  "DAY_RECEIVED_COUNT_EXCEED",
  "PRODUCT_AUTH_CHECK_FAIL",
  "OVERDUE_CLOSE",
  "ID_CARD_NOT_CORRECT",
  "ACCOUNT_NOT_EXIST",
  "TRANSFER_RISK",
  "PAY_ROLL_CARD_ALREADY_LOGOUT",
  "PAY_ROLL_CARD_ALREADY_FROZEN",
  "PAY_ROLL_CARD_UNAUTHORIZED",
  "PAY_ROLL_CARD_USER_NOT_OPEN"
])

/**
 * Why a payment failed, or an `Unrecognized` reason.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const workerMustAct = (reason: PartnerTransferBatch.FailReason) =>
 *   reason === "REAL_NAME_CHECK_FAIL" || reason === "PAY_ROLL_CARD_USER_NOT_OPEN"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FailReason = typeof FailReason.Type

/**
 * Which details a batch query lists (wechatpay-go `GetTransferBatchByNoRequest.DetailStatus`): `ALL`, `SUCCESS` or
 * `FAIL`; WeChat's payroll-card page adds `WAIT_PAY`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * Schema.is(PartnerTransferBatch.DetailStatusFilter)("FAIL") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DetailStatusFilter = Schema.Literal("ALL", "SUCCESS", "FAIL", "WAIT_PAY")

/**
 * A detail filter.
 *
 * @example
 * ```ts
 * import type { PartnerTransferBatch } from "@effect-wechatpay/payroll-card"
 *
 * const failedOnly: PartnerTransferBatch.DetailStatusFilter = "FAIL"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type DetailStatusFilter = typeof DetailStatusFilter.Type

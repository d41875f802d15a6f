/**
 * WeChat Pay payroll-card (微工卡) APIs for Effect.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as PayrollCard from "./PayrollCard.js"

/** @since 0.1.0 */
export * as PreOrderWithAuth from "./PreOrderWithAuth.js"

/** @since 0.1.0 */
export * as GetAuthentication from "./GetAuthentication.js"

/** @since 0.1.0 */
export * as GetRelation from "./GetRelation.js"

/** @since 0.1.0 */
export * as CreateToken from "./CreateToken.js"

/** @since 0.1.0 */
export * as PreOrder from "./PreOrder.js"

/** @since 0.1.0 */
export * as ListAuthentications from "./ListAuthentications.js"

/** @since 0.1.0 */
export * as CreateTransferBatch from "./CreateTransferBatch.js"

/** @since 0.1.0 */
export * as PartnerTransferBatch from "./PartnerTransferBatch.js"

/** @since 0.1.0 */
export * as InitiatePartnerTransferBatch from "./InitiatePartnerTransferBatch.js"

/** @since 0.1.0 */
export * as GetTransferBatchByNo from "./GetTransferBatchByNo.js"

/** @since 0.1.0 */
export * as GetTransferBatchByOutNo from "./GetTransferBatchByOutNo.js"

/** @since 0.1.0 */
export * as GetTransferDetailByNo from "./GetTransferDetailByNo.js"

/** @since 0.1.0 */
export * as GetTransferDetailByOutNo from "./GetTransferDetailByOutNo.js"

/** @since 0.1.0 */
export * as ValidateWesureToken from "./ValidateWesureToken.js"

/** @since 0.1.0 */
export * as CreateWesureInsurance from "./CreateWesureInsurance.js"

/** @since 0.1.0 */
export * as TransferReceipt from "./TransferReceipt.js"

/** @since 0.1.0 */
export * as ApplyBillReceipt from "./ApplyBillReceipt.js"

/** @since 0.1.0 */
export * as GetBillReceipt from "./GetBillReceipt.js"

/** @since 0.1.0 */
export * as ApplyDetailReceipt from "./ApplyDetailReceipt.js"

/** @since 0.1.0 */
export * as GetDetailReceipt from "./GetDetailReceipt.js"

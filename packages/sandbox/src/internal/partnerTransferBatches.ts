/**
 * `POST /v3/partner-transfer/batches` (发起批量转账, the service provider's): the body rules of wechatpay-go
 * `partnertransferbatch.InitiateTransferBatchRequest` and `TransferDetailInput` (every payment names its payee,
 * `user_name` required and encrypted; `user_id_card` optional and encrypted) and the answer
 * (`InitiateTransferBatchResponse`), idempotent on `out_batch_no`.
 *
 * An accepted batch goes into the same stores as a payroll-card batch (`transferBatches.ts`'s `Batches` and
 * `BatchIds`): WeChat numbers both in one space per provider, and the partner-transfer queries (`transferQueries.ts`)
 * answer both. What only this call has (`transfer_purpose`, `transfer_scene`, the ID numbers) is kept in this module's
 * own store, so a repeat of an `out_batch_no` is compared with the whole accepted request.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Redacted from "effect/Redacted"
import * as Body from "./body.js"
import * as crypto from "./crypto.js"
import type { Handler, Route } from "./handler.js"
import { requireJson } from "./handler.js"
import * as Params from "./params.js"
import type { Problem } from "./problem.js"
import { paramError } from "./problem.js"
import * as Store from "./store.js"
import type { DetailRequest, Request } from "./transferBatches.js"
import { Batches, BatchIds } from "./transferBatches.js"

/**
 * What a partner batch request has beyond the payroll-card batch's `Request`: its purpose, its scene, and each
 * payment's ID number (decrypted, `Redacted`, `null` when not given), built with `Data` so `Equal.equals` compares it.
 *
 * @internal
 */
export interface PartnerFields {
  readonly transfer_purpose: string | undefined
  readonly transfer_scene: string | undefined
  readonly user_id_cards: ReadonlyArray<Redacted.Redacted<string> | null>
}

/**
 * The partner-only fields of each accepted partner batch, by `out_batch_no` (bounded as the batches are).
 *
 * @internal
 */
export const PartnerBatches = Store.key(
  "partnerBatches",
  (limits) => new Store.BoundedMap<string, PartnerFields>(limits.batches)
)

const AUTH_TYPES = [
  "INFORMATION_AUTHORIZATION_TYPE",
  "FUND_AUTHORIZATION_TYPE",
  "INFORMATION_AND_FUND_AUTHORIZATION_TYPE"
]
/** wechatpay-go `TransferUseType`. */
const PURPOSES = ["GOODSPAYMENT", "COMMISSION", "REFUND", "REIMBURSEMENT", "FREIGHT", "OTHERS"]
/** wechatpay-go `TransferScene`. */
const SCENES = ["ORDINARY_TRANSFER", "PAYROLL_CARD_TRANSFER"]
/** "一个转账批次单最多发起三千笔转账". */
const MAX_DETAILS = 3000
/** "UTF8编码，最多允许32个字符". */
const MAX_REMARK = 32

const bodyProblem = (field: string, issue: string, value?: unknown): Problem =>
  paramError({
    field,
    ...(value === undefined ? {} : { value }),
    issue,
    location: "body",
    message: `Field ${field} ${issue}`
  })

const handle: Handler = ({ headers, now, request, settings, state }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const fields = yield* Body.parseObject(request.body)
    // Every payment names its payee, so every partner batch has encrypted fields.
    yield* Body.serial(headers["wechatpay-serial"], settings.platformPublicKeyId, "transfer_detail_list[].user_name")
    const subMchid = (yield* Body.text(fields, "sub_mchid", { required: true }))!
    const subAppid = yield* Body.text(fields, "sub_appid", { required: false })
    const authType = (yield* Body.oneOf(fields, "authorization_type", AUTH_TYPES, true))!
    const outBatchNo = (yield* Body.text(fields, "out_batch_no", { required: true }))!
    const batchName = (yield* Body.text(fields, "batch_name", { required: true }))!
    const batchRemark = (yield* Body.text(fields, "batch_remark", { required: true, maxCharacters: MAX_REMARK }))!
    const totalAmount = yield* Body.integer(fields, "total_amount")
    const totalNum = yield* Body.integer(fields, "total_num")
    const list = fields.transfer_detail_list
    if (list === undefined || list === null) return yield* Either.left(bodyProblem("transfer_detail_list", "required"))
    if (!Array.isArray(list)) return yield* Either.left(bodyProblem("transfer_detail_list", "must be an array"))
    if (list.length > MAX_DETAILS) {
      return yield* Either.left(bodyProblem("transfer_detail_list", `must have at most ${MAX_DETAILS} details`))
    }
    const spAppid = yield* Body.text(fields, "sp_appid", { required: false })
    const purpose = yield* Body.oneOf(fields, "transfer_purpose", PURPOSES, false)
    const scene = yield* Body.oneOf(fields, "transfer_scene", SCENES, false)
    if (authType === "FUND_AUTHORIZATION_TYPE" ? spAppid === undefined : subAppid === undefined) {
      const field = authType === "FUND_AUTHORIZATION_TYPE" ? "sp_appid" : "sub_appid"
      return yield* Either.left(bodyProblem(field, `is required with authorization_type ${authType}`))
    }

    let sum = 0
    const accepted: Array<DetailRequest> = []
    const idCards: Array<Redacted.Redacted<string> | null> = []
    for (let i = 0; i < list.length; i++) {
      const label = (field: string) => `transfer_detail_list[${i}].${field}`
      const detail: unknown = list[i]
      if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
        return yield* Either.left(bodyProblem(`transfer_detail_list[${i}]`, "must be an object"))
      }
      const entry = detail as Record<string, unknown>
      const outDetailNo = (yield* Body.text(entry, "out_detail_no", { required: true, label: label("out_detail_no") }))!
      const amount = yield* Body.integer(entry, "transfer_amount", label("transfer_amount"))
      const remark = (yield* Body.text(entry, "transfer_remark", {
        required: true,
        maxCharacters: MAX_REMARK,
        label: label("transfer_remark")
      }))!
      const openid = (yield* Body.text(entry, "openid", { required: true, label: label("openid") }))!
      const name = yield* Body.checkEncrypted(entry, "user_name", settings.platformPrivateKey, label("user_name"))
      const idCard = entry.user_id_card == null
        ? null
        : yield* Body.checkEncrypted(entry, "user_id_card", settings.platformPrivateKey, label("user_id_card"))
      sum += amount
      idCards.push(idCard === null ? null : Redacted.make(idCard))
      accepted.push(Data.struct({
        out_detail_no: outDetailNo,
        transfer_amount: amount,
        transfer_remark: remark,
        openid,
        user_name: Redacted.make(name)
      }))
    }
    if (totalAmount !== sum) {
      return yield* Either.left(bodyProblem("total_amount", "must equal the sum of the details' amounts", totalAmount))
    }
    if (totalNum !== list.length) {
      return yield* Either.left(bodyProblem("total_num", "must equal the number of details", totalNum))
    }

    // The payroll-card batch's shape, so the queries answer it; its payroll-only fields are absent here.
    const batchRequest: Request = Data.struct({
      sub_mchid: subMchid,
      sub_appid: subAppid,
      authorization_type: authType,
      out_batch_no: outBatchNo,
      batch_name: batchName,
      batch_remark: batchRemark,
      total_amount: totalAmount,
      total_num: totalNum,
      transfer_detail_list: Data.array(accepted),
      sp_appid: spAppid,
      employment_type: undefined,
      employment_scene: undefined,
      business_type: undefined
    })
    const partner: PartnerFields = Data.struct({
      transfer_purpose: purpose,
      transfer_scene: scene,
      user_id_cards: Data.array(idCards)
    })
    const batches = state.store(Batches)
    const partners = state.store(PartnerBatches)
    const previous = batches.get(outBatchNo)
    if (
      previous !== undefined &&
      !(Equal.equals(previous.request, batchRequest) && Equal.equals(partners.get(outBatchNo), partner))
    ) {
      return yield* Either.left<Problem>({
        status: 400,
        code: "INVALID_REQUEST",
        message: `out_batch_no ${outBatchNo} was already used with different parameters; resend the original ` +
          "parameters (never a new out_batch_no for the same payout)",
        detail: {
          field: "out_batch_no",
          value: outBatchNo,
          issue: "already used with different parameters",
          location: "body"
        }
      })
    }
    return () => {
      let batch = batches.get(outBatchNo)
      if (batch === undefined) {
        const batchId = `1030000${crypto.digits(33)}`
        batch = {
          request: batchRequest,
          batchId,
          createdAt: now,
          details: accepted.map((detail) => ({ ...detail, detail_id: `1040000${crypto.digits(33)}` }))
        }
        batches.set(outBatchNo, batch)
        partners.set(outBatchNo, partner)
        state.store(BatchIds).set(batchId, outBatchNo)
      }
      return JSON.stringify({
        out_batch_no: outBatchNo,
        batch_id: batch.batchId,
        create_time: Params.rfc3339(batch.createdAt)
      })
    }
  })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [{ method: "POST", path: "/v3/partner-transfer/batches", handle }]

/**
 * `POST /v3/payroll-card/transfer-batches` (发起批量转账): the body rules (wechatpay-go `CreateTransferBatchRequest`,
 * `TransferDetailInput`) and the answer (`TransferBatchEntity`), idempotent on `out_batch_no`.
 *
 * Besides the rules a client can check alone, it applies the ones only WeChat can: a detail of 2,000 yuan
 * (200,000 fen) or more needs the payee's name ("明细转账金额 >= 2,000时，该笔明细必须填写收款用户姓名"), and the
 * AppID the authorisation type needs ("特约商户授权类型为INFORMATION_AUTHORIZATION_TYPE和
 * INFORMATION_AND_FUND_AUTHORIZATION_TYPE时 需要填写" `sub_appid`; "FUND_AUTHORIZATION_TYPE时 需要填写" `sp_appid`).
 *
 * It keeps each accepted batch with its request (the queries in `transferQueries.ts` and the receipts answer from
 * it); a repeat of an `out_batch_no` is compared with that request.
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
import { EMPLOYMENT_TYPES } from "./preOrderWithAuth.js"
import type { Problem } from "./problem.js"
import { paramError } from "./problem.js"
import * as Store from "./store.js"

/**
 * One payment as the request gave it. The name is the decrypted plaintext, kept `Redacted` in memory only (`null`
 * when the batch named no one): the detail queries encrypt it to the merchant.
 *
 * @internal
 */
export interface DetailRequest {
  readonly out_detail_no: string
  readonly transfer_amount: number
  readonly transfer_remark: string
  readonly openid: string
  readonly user_name: Redacted.Redacted<string> | null
}

/**
 * A batch request as accepted: its checked fields, built with `Data.struct`/`Data.array` so `Equal.equals` tells a
 * repeat from a reuse of the `out_batch_no` with other fields (names compared as plaintext: a repeat encrypts them
 * afresh, OAEP being randomised).
 *
 * @internal
 */
export interface Request {
  readonly sub_mchid: string
  readonly sub_appid: string | undefined
  readonly authorization_type: string
  readonly out_batch_no: string
  readonly batch_name: string
  readonly batch_remark: string
  readonly total_amount: number
  readonly total_num: number
  readonly transfer_detail_list: ReadonlyArray<DetailRequest>
  readonly sp_appid: string | undefined
  readonly employment_type: string | undefined
  readonly employment_scene: string | undefined
  readonly business_type: string | undefined
}

/**
 * One payment of an accepted batch, with the number WeChat gave it.
 *
 * @internal
 */
export interface Detail extends DetailRequest {
  readonly detail_id: string
}

/**
 * An accepted batch: its request, WeChat's number for it and its payments' numbers.
 *
 * @internal
 */
export interface Batch {
  readonly request: Request
  readonly batchId: string
  readonly createdAt: number
  readonly details: ReadonlyArray<Detail>
}

/**
 * Accepted transfer batches by `out_batch_no`, the idempotency key.
 *
 * @internal
 */
export const Batches = Store.key("batches", (limits) => new Store.BoundedMap<string, Batch>(limits.batches))

/**
 * The `out_batch_no` of each batch by WeChat's `batch_id`, for the queries by WeChat's number.
 *
 * @internal
 */
export const BatchIds = Store.key("batchIds", (limits) => new Store.BoundedMap<string, string>(limits.batches))

const AUTH_TYPES = [
  "INFORMATION_AUTHORIZATION_TYPE",
  "FUND_AUTHORIZATION_TYPE",
  "INFORMATION_AND_FUND_AUTHORIZATION_TYPE"
]
const SCENES = ["LOGISTICS", "MANUFACTURING", "HOTEL", "CATERING", "EVENT", "RETAIL", "OTHERS"]
const BUSINESS_TYPES = ["UNDEFINE", "PROMOTION"]
const MAX_DETAILS = 3000
const MAX_REMARK = 32
/** 2,000 yuan, in fen: from here on a detail needs the payee's name. */
const NAME_REQUIRED_FROM = 200_000

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
    const list = fields.transfer_detail_list
    const details: ReadonlyArray<Record<string, unknown>> = Array.isArray(list) ? list : []
    if (details.some((detail) => typeof detail === "object" && detail !== null && detail.user_name != null)) {
      yield* Body.serial(headers["wechatpay-serial"], settings.platformPublicKeyId, "transfer_detail_list[].user_name")
    }
    const subMchid = (yield* Body.text(fields, "sub_mchid", { required: true }))!
    const subAppid = yield* Body.text(fields, "sub_appid", { required: false })
    const authType = (yield* Body.oneOf(fields, "authorization_type", AUTH_TYPES, true))!
    const outBatchNo = (yield* Body.text(fields, "out_batch_no", { required: true }))!
    const batchName = (yield* Body.text(fields, "batch_name", { required: true }))!
    const batchRemark = (yield* Body.text(fields, "batch_remark", { required: true, maxCharacters: MAX_REMARK }))!
    const totalAmount = yield* Body.integer(fields, "total_amount")
    const totalNum = yield* Body.integer(fields, "total_num")
    if (list === undefined || list === null) return yield* Either.left(bodyProblem("transfer_detail_list", "required"))
    if (!Array.isArray(list)) return yield* Either.left(bodyProblem("transfer_detail_list", "must be an array"))
    if (list.length > MAX_DETAILS) {
      return yield* Either.left(bodyProblem("transfer_detail_list", `must have at most ${MAX_DETAILS} details`))
    }
    const spAppid = yield* Body.text(fields, "sp_appid", { required: false })
    const employmentType = yield* Body.oneOf(fields, "employment_type", EMPLOYMENT_TYPES, false)
    const scene = yield* Body.oneOf(fields, "employment_scene", SCENES, false)
    const businessType = yield* Body.oneOf(fields, "business_type", BUSINESS_TYPES, false)
    if (authType === "FUND_AUTHORIZATION_TYPE" ? spAppid === undefined : subAppid === undefined) {
      const field = authType === "FUND_AUTHORIZATION_TYPE" ? "sp_appid" : "sub_appid"
      return yield* Either.left(bodyProblem(field, `is required with authorization_type ${authType}`))
    }

    let sum = 0
    const names: Array<string | null> = []
    const accepted: Array<DetailRequest> = []
    for (let i = 0; i < details.length; i++) {
      const label = (field: string) => `transfer_detail_list[${i}].${field}`
      const detail = details[i]
      if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
        return yield* Either.left(bodyProblem(`transfer_detail_list[${i}]`, "must be an object"))
      }
      const outDetailNo =
        (yield* Body.text(detail, "out_detail_no", { required: true, label: label("out_detail_no") }))!
      const amount = yield* Body.integer(detail, "transfer_amount", label("transfer_amount"))
      const remark = (yield* Body.text(detail, "transfer_remark", {
        required: true,
        maxCharacters: MAX_REMARK,
        label: label("transfer_remark")
      }))!
      const openid = (yield* Body.text(detail, "openid", { required: true, label: label("openid") }))!
      const name = detail.user_name == null
        ? null
        : yield* Body.checkEncrypted(detail, "user_name", settings.platformPrivateKey, label("user_name"))
      if (name === null && amount >= NAME_REQUIRED_FROM) {
        return yield* Either.left(bodyProblem(label("user_name"), "is required for an amount of 2,000 yuan or more"))
      }
      sum += amount
      names.push(name)
      accepted.push(Data.struct({
        out_detail_no: outDetailNo,
        transfer_amount: amount,
        transfer_remark: remark,
        openid,
        user_name: name === null ? null : Redacted.make(name)
      }))
    }
    const named = names.filter((name) => name !== null).length
    if (named !== 0 && named !== names.length) {
      return yield* Either.left(bodyProblem("transfer_detail_list", "user_name must be given on all details or none"))
    }
    if (totalAmount !== sum) {
      return yield* Either.left(bodyProblem("total_amount", "must equal the sum of the details' amounts", totalAmount))
    }
    if (totalNum !== details.length) {
      return yield* Either.left(bodyProblem("total_num", "must equal the number of details", totalNum))
    }

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
      employment_type: employmentType,
      employment_scene: scene,
      business_type: businessType
    })
    const batches = state.store(Batches)
    const previous = batches.get(outBatchNo)
    if (previous !== undefined && !Equal.equals(previous.request, batchRequest)) {
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
export const routes: ReadonlyArray<Route> = [{ method: "POST", path: "/v3/payroll-card/transfer-batches", handle }]

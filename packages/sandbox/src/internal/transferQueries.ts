/**
 * The partner-transfer queries of an accepted batch (wechatpay-go `services/partnertransferbatch`):
 * `GET /v3/partner-transfer/batches/batch-id/{batch_id}` and `…/out-batch-no/{out_batch_no}` (the batch, a page of
 * its payments once `FINISHED`), and the two detail queries (one payment, the name RSA-OAEP-encrypted to the
 * merchant's key as WeChat does).
 *
 * A batch moves on the simulator's `Clock`: `ACCEPTED` when created, `PROCESSING` after `processingAfter`, `FINISHED`
 * after `finishedAfter`, each payment `SUCCESS` unless its batch's plan fails it. A plan (`Simulator.planTransferBatch`)
 * can also keep the batch `NOT_FOUND` for a while after its creation, as WeChat answers while it is still accepting
 * one, or close it (`CLOSED` with a `close_reason`, no payment made).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as crypto from "./crypto.js"
import type { Context, Handler, Route } from "./handler.js"
import * as Params from "./params.js"
import type { Problem } from "./problem.js"
import * as Store from "./store.js"
import type { Batch, Detail } from "./transferBatches.js"
import { Batches, BatchIds } from "./transferBatches.js"

/**
 * How a batch named by its `out_batch_no` is to end.
 *
 * @internal
 */
export interface Plan {
  /** Milliseconds after its creation during which the batch is `NOT_FOUND`. */
  readonly notFoundFor?: number | undefined
  /** Closes the batch at once with this `close_reason` (e.g. `OVERDUE_CLOSE`). */
  readonly close?: string | undefined
  /** Payments that fail, by `out_detail_no`, with their `fail_reason`. */
  readonly failures?: Readonly<Record<string, string>> | undefined
}

/**
 * How the batches named by `out_batch_no` are to end (`Simulator.planTransferBatch`), set before or after.
 *
 * @internal
 */
export const Plans = Store.key("batchPlans", (limits) => new Store.BoundedMap<string, Plan>(limits.batches))

/** "最小20条，最大100条，不传则默认20条" (wechatpay-go `GetTransferBatchByNoRequest.Limit`). */
const LIMIT = { fallback: 20, min: 20, max: 100 }
const DETAIL_FILTERS = ["ALL", "SUCCESS", "FAIL", "WAIT_PAY"]

const notFound = (what: string): Problem => ({ status: 404, code: "NOT_FOUND", message: `记录不存在: ${what}` })

/**
 * A batch found by its `out_batch_no` (or WeChat's number), with its plan.
 *
 * @internal
 */
export interface Found {
  readonly outBatchNo: string
  readonly batch: Batch
  readonly plan: Plan | undefined
}

// A batch WeChat is still accepting is not found: a plan's `notFoundFor` keeps it so after its creation.
const lookup = (context: Context, key: "batch_id" | "out_batch_no", value: string): Either.Either<Found, Problem> => {
  const outBatchNo = key === "out_batch_no" ? value : context.state.store(BatchIds).get(value)
  const batch = outBatchNo === undefined ? undefined : context.state.store(Batches).get(outBatchNo)
  if (outBatchNo === undefined || batch === undefined) return Either.left(notFound(`${key} ${value}`))
  const plan = context.state.store(Plans).get(outBatchNo)
  if (plan?.notFoundFor !== undefined && context.now < batch.createdAt + plan.notFoundFor) {
    return Either.left(notFound(`${key} ${value}`))
  }
  return Either.right({ outBatchNo, batch, plan })
}

// The same from a path segment, still percent-encoded.
const find = (context: Context, key: "batch_id" | "out_batch_no", segment: string): Either.Either<Found, Problem> =>
  Either.flatMap(Params.decodeSegment(key, segment), (value) => lookup(context, key, value))

type Status = "ACCEPTED" | "PROCESSING" | "FINISHED" | "CLOSED"

const statusOf = ({ batch, plan }: Found, context: Context): { readonly status: Status; readonly since: number } => {
  const { finishedAfter, processingAfter } = context.settings.transferTimings
  if (plan?.close !== undefined) return { status: "CLOSED", since: batch.createdAt }
  const age = context.now - batch.createdAt
  return age >= finishedAfter
    ? { status: "FINISHED", since: batch.createdAt + finishedAfter }
    : age >= processingAfter
    ? { status: "PROCESSING", since: batch.createdAt + processingAfter }
    : { status: "ACCEPTED", since: batch.createdAt }
}

const detailStatusOf = (detail: Detail, plan: Plan | undefined, status: Status) =>
  status === "FINISHED"
    ? plan?.failures?.[detail.out_detail_no] !== undefined ? "FAIL" : "SUCCESS"
    : status === "CLOSED"
    ? "FAIL"
    : status === "PROCESSING"
    ? "PROCESSING"
    : "INIT"

const renderBatch = (found: Found, context: Context): string => {
  const query = Params.queryOf(context.request.url)
  const { batch, outBatchNo, plan } = found
  const { since, status } = statusOf(found, context)
  const finished = status === "FINISHED"
  const failed = finished ? batch.details.filter((d) => plan?.failures?.[d.out_detail_no] !== undefined) : []
  const failAmount = failed.reduce((sum, d) => sum + d.transfer_amount, 0)
  const page = (): Record<string, unknown> => {
    if (!finished || query.get("need_query_detail") !== "true") return {}
    const filter = query.get("detail_status") ?? "ALL"
    const offset = Number(query.get("offset") ?? 0)
    const limit = Number(query.get("limit") ?? LIMIT.fallback)
    const listed = batch.details
      .map((d) => ({
        detail_id: d.detail_id,
        out_detail_no: d.out_detail_no,
        detail_status: detailStatusOf(d, plan, status)
      }))
      .filter((d) => filter === "ALL" || d.detail_status === filter)
      .slice(offset, offset + limit)
    return listed.length === 0 ? {} : { transfer_detail_list: listed }
  }
  return JSON.stringify({
    sp_mchid: context.settings.mchid,
    sub_mchid: batch.request.sub_mchid,
    out_batch_no: outBatchNo,
    batch_id: batch.batchId,
    ...(batch.request.sub_appid === undefined ? {} : { sub_appid: batch.request.sub_appid }),
    batch_status: status,
    batch_type: "API",
    authorization_type: batch.request.authorization_type,
    batch_name: batch.request.batch_name,
    batch_remark: batch.request.batch_remark,
    ...(plan?.close === undefined ? {} : { close_reason: plan.close }),
    total_amount: batch.request.total_amount,
    total_num: batch.request.total_num,
    create_time: Params.rfc3339(batch.createdAt),
    update_time: Params.rfc3339(since),
    ...(finished
      ? {
        success_amount: batch.request.total_amount - failAmount,
        success_num: batch.request.total_num - failed.length,
        fail_amount: failAmount,
        fail_num: failed.length
      }
      : {}),
    ...page(),
    ...(batch.request.sp_appid === undefined ? {} : { sp_appid: batch.request.sp_appid }),
    transfer_scene: "PAYROLL_CARD_TRANSFER"
  })
}

const checkPage = (context: Context): Either.Either<void, Problem> =>
  Either.gen(function*() {
    const query = Params.queryOf(context.request.url)
    yield* Params.oneOf(query, "need_query_detail", ["true", "false"], true)
    yield* Params.page(query, LIMIT)
    yield* Params.oneOf(query, "detail_status", DETAIL_FILTERS, false)
  })

const batchBy = (key: "batch_id" | "out_batch_no"): Handler => (context) =>
  Either.gen(function*() {
    const found = yield* find(context, key, context.params[key] ?? "")
    yield* checkPage(context)
    return () => renderBatch(found, context)
  })

/**
 * A batch by `out_batch_no`, as the queries find it (`NOT_FOUND` while its plan hides it).
 *
 * @internal
 */
export const findBatch = (context: Context, outBatchNo: string): Either.Either<Found, Problem> =>
  lookup(context, "out_batch_no", outBatchNo)

/**
 * A batch's state now and how many of its payments succeeded (0 until it is `FINISHED`).
 *
 * @internal
 */
export const summaryOf = (found: Found, context: Context): { readonly status: Status; readonly successNum: number } => {
  const { status } = statusOf(found, context)
  const successNum = status === "FINISHED"
    ? found.batch.details.filter((d) => found.plan?.failures?.[d.out_detail_no] === undefined).length
    : 0
  return { status, successNum }
}

/**
 * A payment's state now, or `undefined` when the batch has no such payment.
 *
 * @internal
 */
export const detailStatusIn = (found: Found, outDetailNo: string, context: Context): string | undefined => {
  const detail = found.batch.details.find((d) => d.out_detail_no === outDetailNo)
  return detail === undefined ? undefined : detailStatusOf(detail, found.plan, statusOf(found, context).status)
}

const detailBy =
  (batchKey: "batch_id" | "out_batch_no", detailKey: "detail_id" | "out_detail_no"): Handler => (context) =>
    Either.gen(function*() {
      const found = yield* find(context, batchKey, context.params[batchKey] ?? "")
      const wanted = yield* Params.decodeSegment(detailKey, context.params[detailKey] ?? "")
      const detail = found.batch.details.find((d) => d[detailKey] === wanted)
      if (detail === undefined) return yield* Either.left(notFound(`${detailKey} ${wanted}`))
      const { since, status } = statusOf(found, context)
      const detailStatus = detailStatusOf(detail, found.plan, status)
      // Not yet recorded until the batch is processed ("转账还在处理中"), as WeChat's page warns.
      if (detailStatus === "INIT") return yield* Either.left(notFound(`${detailKey} ${wanted}`))
      const failReason = status === "CLOSED" ? "OVERDUE_CLOSE" : found.plan?.failures?.[detail.out_detail_no]
      return () =>
        JSON.stringify({
          sp_mchid: context.settings.mchid,
          out_batch_no: found.outBatchNo,
          batch_id: found.batch.batchId,
          ...(found.batch.request.sub_appid === undefined ? {} : { appid: found.batch.request.sub_appid }),
          out_detail_no: detail.out_detail_no,
          detail_id: detail.detail_id,
          detail_status: detailStatus,
          transfer_amount: detail.transfer_amount,
          transfer_remark: detail.transfer_remark,
          ...(detailStatus === "FAIL" && failReason !== undefined ? { fail_reason: failReason } : {}),
          openid: detail.openid,
          // Encrypted afresh on each answer (OAEP is randomised), to the merchant's key (`encryption:"EM_APIV3"`).
          ...(detail.user_name === null
            ? {}
            : { username: crypto.encrypt(Redacted.value(detail.user_name), context.settings.merchantPublicKey) }),
          initiate_time: Params.rfc3339(found.batch.createdAt),
          update_time: Params.rfc3339(since)
        })
    })

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  { method: "GET", path: "/v3/partner-transfer/batches/batch-id/{batch_id}", handle: batchBy("batch_id") },
  { method: "GET", path: "/v3/partner-transfer/batches/out-batch-no/{out_batch_no}", handle: batchBy("out_batch_no") },
  {
    method: "GET",
    path: "/v3/partner-transfer/batches/batch-id/{batch_id}/details/detail-id/{detail_id}",
    handle: detailBy("batch_id", "detail_id")
  },
  {
    method: "GET",
    path: "/v3/partner-transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}",
    handle: detailBy("out_batch_no", "out_detail_no")
  }
]

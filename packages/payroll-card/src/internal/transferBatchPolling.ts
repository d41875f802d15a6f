/**
 * Following a transfer batch after `createTransferBatch`: WeChat sends no callback for payroll-card batches, its
 * pages say to query the batch, and a batch it is still accepting is `NOT_FOUND` for a while. `awaitTransfer` polls,
 * backing off, until the batch is final; `streamDetails` reads every payment of a batch over its pages.
 *
 * @internal
 */
import type { Endpoint, WeChatPayClient } from "@effect-wechatpay/core"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as GetTransferBatchByNo from "../GetTransferBatchByNo.js"
import type * as GetTransferBatchByOutNo from "../GetTransferBatchByOutNo.js"
import * as PartnerTransferBatch from "../PartnerTransferBatch.js"

/** @internal */
export type BatchRequest =
  | GetTransferBatchByOutNo.GetTransferBatchByOutNoRequest
  | GetTransferBatchByNo.GetTransferBatchByNoRequest

/** @internal */
export type GetBatch = (
  request: BatchRequest
) => Effect.Effect<PartnerTransferBatch.TransferBatch, Endpoint.Error, WeChatPayClient.WeChatPayClient>

/** What a poll saw last: the batch's state, or that WeChat did not find it yet. */
export type LastSeen = PartnerTransferBatch.BatchStatus | "NOT_FOUND"

/** @internal */
export interface AwaitOptions {
  readonly interval: Duration.Duration
  readonly maxInterval: Duration.Duration
  readonly timeout: Duration.Duration
}

/**
 * Polls until the batch is `FINISHED` or `CLOSED`: between polls it waits `interval`, half as long again after each
 * poll, up to `maxInterval`; a `NOT_FOUND` within the timeout is "not yet". Fails with `timedOut` when the next poll
 * would come after the timeout.
 *
 * @internal
 */
export const awaitTransfer = <E>(
  getBatch: GetBatch,
  request: BatchRequest,
  options: AwaitOptions,
  timedOut: (details: { readonly waitedMillis: number; readonly polls: number; readonly last: LastSeen }) => E
): Effect.Effect<PartnerTransferBatch.TransferBatch, Endpoint.Error | E, WeChatPayClient.WeChatPayClient> =>
  Effect.gen(function*() {
    const timeout = Duration.toMillis(options.timeout)
    const maxInterval = Duration.toMillis(options.maxInterval)
    let interval = Math.min(Duration.toMillis(options.interval), maxInterval)
    const started = yield* Clock.currentTimeMillis
    let polls = 0
    while (true) {
      const answer = yield* getBatch(request).pipe(
        Effect.map(Option.some),
        Effect.catchTag("NOT_FOUND", () => Effect.succeedNone)
      )
      polls++
      if (Option.isSome(answer) && PartnerTransferBatch.isFinal(answer.value.batch_status)) return answer.value
      const waited = (yield* Clock.currentTimeMillis) - started
      if (waited + interval > timeout) {
        return yield* Effect.fail(
          timedOut({
            waitedMillis: waited,
            polls,
            last: Option.match(answer, { onNone: () => "NOT_FOUND" as const, onSome: (batch) => batch.batch_status })
          })
        )
      }
      yield* Effect.sleep(interval)
      interval = Math.min(Math.round(interval * 1.5), maxInterval)
    }
  })

/**
 * Every payment of a batch, page by page (`limit` per page, 100 unless the request says): the next page starts where
 * this one ended, and a page shorter than the limit is the last.
 *
 * @internal
 */
export const streamDetails = (
  getBatch: GetBatch,
  request: BatchRequest
): Stream.Stream<PartnerTransferBatch.TransferDetailCompact, Endpoint.Error, WeChatPayClient.WeChatPayClient> => {
  const limit = request.limit ?? PartnerTransferBatch.MAX_PAGE_SIZE
  const first: BatchRequest = { ...request, need_query_detail: true, offset: request.offset ?? 0, limit }
  return Stream.paginateEffect(first, (current) =>
    Effect.map(getBatch(current), (batch) => {
      const page = batch.transfer_detail_list ?? []
      const next = page.length < limit
        ? Option.none()
        : Option.some({ ...current, offset: (current.offset ?? 0) + limit })
      return [page, next] as const
    })).pipe(Stream.flattenIterables)
}

/**
 * The payroll-card helpers declared as data (`Helper`): waiting for an identity check or a transfer batch, and
 * reading every identity check of a day or every payment of a batch. `PayrollCard` re-exports `helpers`, beside
 * `endpoints`; a tool that offers every helper (the `wechatpay` CLI's `await-*` and `stream-*` commands) reads them
 * here, so a helper added to `helpers` is offered with no code of the tool's.
 *
 * @since 0.1.0
 */
import { Helper } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import * as Authentications from "./Authentications.js"
import * as GetAuthentication from "./GetAuthentication.js"
import * as GetTransferBatchByNo from "./GetTransferBatchByNo.js"
import * as GetTransferBatchByOutNo from "./GetTransferBatchByOutNo.js"
import * as ListAuthentications from "./ListAuthentications.js"
import * as TransferBatches from "./TransferBatches.js"

// A batch by either number: the member is the one the request matches (`batch_id` or `out_batch_no`).
const BatchRequest = Schema.Union(
  GetTransferBatchByOutNo.GetTransferBatchByOutNoRequest,
  GetTransferBatchByNo.GetTransferBatchByNoRequest
)

// Exact: a tuning left out is absent, never `undefined`, so a refusal names only what the duration expects.
const duration = (description: string) =>
  Schema.optionalWith(Helper.DurationString.annotations({ description }), { exact: true })

/**
 * The payroll-card helpers, declared: each one's request and tuning schemas and the function that runs it
 * (`PayrollCard.awaitAuthentication`, `awaitTransferBatch`, `streamAuthentications`, `streamTransferDetails`).
 *
 * @example
 * ```ts
 * import { Duration, Effect, Schema } from "effect"
 * import { PayrollCard } from "@effect-wechatpay/payroll-card"
 *
 * const helper = PayrollCard.helpers.awaitTransferBatch
 * const options = Schema.decodeUnknownSync(helper.options)({ interval: "10 seconds", timeout: "2 hours" })
 * const batch = helper.run({ out_batch_no: "plfk2020042013", need_query_detail: false }, options)
 * ```
 *
 * @since 0.1.0
 * @category helpers
 */
export const helpers = {
  awaitAuthentication: Helper.awaiting({
    description: "waits until an identity check is no longer AUTHENTICATE_PROCESSING and prints its result",
    request: GetAuthentication.GetAuthenticationRequest,
    options: Schema.Struct({
      // Authentications.awaitAuthentication's defaults: 3 seconds, 5 minutes.
      interval: duration("how long between polls (default 3 seconds)"),
      timeout: duration("how long to wait for a result (default 5 minutes)")
    }),
    run: (request, options) => Authentications.awaitAuthentication(request, options),
    gaveUp: ["AuthenticationTimeout"]
  }),
  awaitTransferBatch: Helper.awaiting({
    description: "waits until a transfer batch is FINISHED or CLOSED (by batch_id or out_batch_no) and prints it",
    request: BatchRequest,
    options: Schema.Struct({
      // TransferBatches.awaitTransferBatch's defaults: 5 seconds, growing to 1 minute, for 30 minutes.
      interval: duration("the first wait between polls, half as long again each time (default 5 seconds)"),
      maxInterval: duration("the longest wait between polls (default 1 minute)"),
      timeout: duration("how long to wait for a final state (default 30 minutes)")
    }),
    run: (request, options) => TransferBatches.awaitTransferBatch(request, options),
    gaveUp: ["TransferBatchTimeout"]
  }),
  streamAuthentications: Helper.streaming({
    description: "every identity check of a worker's day, over all pages",
    request: ListAuthentications.ListAuthenticationsRequest,
    run: (request) => Authentications.streamAuthentications(request)
  }),
  streamTransferDetails: Helper.streaming({
    description: "every payment of a FINISHED transfer batch (by batch_id or out_batch_no), over all pages",
    request: BatchRequest,
    run: (request) => TransferBatches.streamTransferDetails(request)
  })
}

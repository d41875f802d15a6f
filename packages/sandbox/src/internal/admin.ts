/**
 * The loopback server's admin routes, under `/sandbox/`: a path WeChat Pay never serves, so no client can mistake
 * an admin answer for WeChat's. Admin answers are never signed and never reach the simulator's `received` list.
 *
 * - `POST /sandbox/authentications/{authenticate_number}/complete` with `{"result":"SUCCESS"|"FAILED","reason"?:…}`
 *   plays the worker finishing the identity check in the mini program (`Simulator.completeCheck`): 200 with the
 *   check's new state; 404 `ORDER_NOT_EXIST` when it was never pre-ordered; 409 `INVALID_REQUEST` when it already
 *   ended; 400 `PARAM_ERROR` for a body that is not that JSON.
 * - `POST /sandbox/tokens/{token}/authorize` with `{}` plays the worker opening the card and authorising with a
 *   `createToken` token (`Simulator.authorizeToken`): 200, or 404 `RESOURCE_NOT_EXISTS` for no live token.
 * - `POST /sandbox/transfer-batches/{out_batch_no}/plan` with `{"not_found_for_seconds"?, "close_reason"?,
 *   "fail_details"?: {out_detail_no: fail_reason}}` says how that batch ends (`Simulator.planTransferBatch`).
 * - `POST /sandbox/notifications` sends a notification (`adminNotifications.ts`).
 *
 * They are unauthenticated (they only play WeChat's other parties), so a web page open in a browser on the same
 * machine must not be able to use them. A browser sends a cross-origin POST without asking first only when it is a
 * "simple" request, whose `Content-Type` cannot be `application/json`; so every admin POST must be JSON (415
 * otherwise), any request whose `Origin` is not the sandbox's own is refused (403; browsers send `Origin` with every
 * POST, same-origin ones included, so a page on a DNS-rebound name is refused too), and a CORS preflight
 * (`OPTIONS`) gets 204 with no `Access-Control-Allow-*` header, which the browser reads as a refusal.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Simulator from "../Simulator.js"
import * as AdminNotifications from "./adminNotifications.js"
import * as Params from "./params.js"
import * as Problem from "./problem.js"
import * as Router from "./router.js"

/**
 * Every admin path starts with this.
 *
 * @internal
 */
export const PREFIX = "/sandbox/"

/**
 * The completion route's pattern.
 *
 * @internal
 */
export const COMPLETE_PATH = "/sandbox/authentications/{authenticate_number}/complete"

/**
 * An admin answer: status, JSON body (empty for 204), unsigned.
 *
 * @internal
 */
export interface AdminAnswer {
  readonly status: number
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * An admin request: header names in lower case.
 *
 * @internal
 */
export interface AdminRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string
}

/**
 * What the routes work with: the simulator, the server's own origin (`http://127.0.0.1:8080`) and how the server
 * sends a notification (its transport).
 *
 * @internal
 */
export interface AdminContext {
  readonly simulator: Simulator.Service
  readonly origin: string
  readonly deliver: AdminNotifications.Deliver
}

const CompleteBody = Schema.parseJson(Schema.Struct({
  result: Schema.Literal("SUCCESS", "FAILED"),
  reason: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)))
}))
const decodeBody = Schema.decodeUnknownEither(CompleteBody)

type Handler = (
  context: AdminContext,
  params: Readonly<Record<string, string>>,
  body: string
) => Effect.Effect<AdminAnswer>

const problem = (p: Problem.Problem): AdminAnswer => ({
  status: p.status,
  body: Problem.render(p),
  ...(p.headers === undefined ? {} : { headers: p.headers })
})

const complete: Handler = ({ simulator }, params, body) =>
  Either.match(
    Either.all([
      Params.decodeSegment("authenticate_number", params.authenticate_number),
      Either.mapLeft(decodeBody(body), () =>
        Problem.paramError({
          field: "body",
          issue: "must be {\"result\":\"SUCCESS\"|\"FAILED\"} with an optional non-empty \"reason\"",
          location: "body",
          message: "The body must be JSON {\"result\":\"SUCCESS\"} or {\"result\":\"FAILED\",\"reason\":\"…\"}"
        }))
    ]),
    {
      onLeft: (p) => Effect.succeed(problem(p)),
      onRight: ([number, { reason, result }]) =>
        simulator.completeCheck(number, result, { reason }).pipe(
          Effect.as<AdminAnswer>({
            status: 200,
            body: JSON.stringify({
              authenticate_number: number,
              authenticate_state: result === "SUCCESS" ? "AUTHENTICATE_SUCCESS" : "AUTHENTICATE_FAILED"
            })
          }),
          Effect.catchTag("CheckNotProcessing", (error) =>
            Effect.succeed(problem(
              Option.isNone(error.state)
                ? { status: 404, code: "ORDER_NOT_EXIST", message: error.message }
                : { status: 409, code: "INVALID_REQUEST", message: error.message }
            )))
        )
    }
  )

/**
 * The token route's pattern: the worker opens the card and authorises with a `createToken` token.
 *
 * @internal
 */
export const AUTHORIZE_TOKEN_PATH = "/sandbox/tokens/{token}/authorize"

/**
 * The batch plan route's pattern: how a transfer batch ends (`Simulator.planTransferBatch`).
 *
 * @internal
 */
export const PLAN_BATCH_PATH = "/sandbox/transfer-batches/{out_batch_no}/plan"

const authorizeToken: Handler = ({ simulator }, params) =>
  Either.match(Params.decodeSegment("token", params.token), {
    onLeft: (p) => Effect.succeed(problem(p)),
    onRight: (token) =>
      Effect.map(simulator.authorizeToken(token), (authorised): AdminAnswer =>
        authorised
          ? { status: 200, body: JSON.stringify({ authorized: true }) }
          : problem({ status: 404, code: "RESOURCE_NOT_EXISTS", message: "No live token with that value" }))
  })

const PlanBody = Schema.parseJson(Schema.Struct({
  not_found_for_seconds: Schema.optional(Schema.Number.pipe(Schema.nonNegative(), Schema.lessThanOrEqualTo(86_400))),
  close_reason: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))),
  fail_details: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)) })
  )
}))
const decodePlan = Schema.decodeUnknownEither(PlanBody)

const planBatch: Handler = ({ simulator }, params, body) =>
  Either.match(
    Either.all([
      Params.decodeSegment("out_batch_no", params.out_batch_no),
      Either.mapLeft(decodePlan(body), () =>
        Problem.paramError({
          field: "body",
          issue:
            "must be {\"not_found_for_seconds\"?: n, \"close_reason\"?: s, \"fail_details\"?: {out_detail_no: reason}}",
          location: "body",
          message: "The body must be JSON with not_found_for_seconds, close_reason and/or fail_details"
        }))
    ]),
    {
      onLeft: (p) => Effect.succeed(problem(p)),
      onRight: ([outBatchNo, plan]) =>
        Effect.as(
          simulator.planTransferBatch(outBatchNo, {
            notFoundFor: plan.not_found_for_seconds === undefined ? undefined : plan.not_found_for_seconds * 1000,
            close: plan.close_reason,
            failDetails: plan.fail_details
          }),
          { status: 200, body: JSON.stringify({ out_batch_no: outBatchNo, planned: true }) }
        )
    }
  )

const notifications: Handler = (context, _params, body) =>
  AdminNotifications.handle(context.simulator, context.deliver, body).pipe(
    Effect.map((answer) => Either.match(answer, { onLeft: problem, onRight: (ok) => ok }))
  )

const router = Router.make<Handler>([
  { method: "POST", path: COMPLETE_PATH, handle: complete },
  { method: "POST", path: AUTHORIZE_TOKEN_PATH, handle: authorizeToken },
  { method: "POST", path: PLAN_BATCH_PATH, handle: planBatch },
  { method: "POST", path: AdminNotifications.PATH, handle: notifications }
], [])

const single = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" ? value : value?.[0]

// An origin as browsers serialise it (`http://127.0.0.1:8080`, default port dropped); anything else, `null`
// included, is nobody's.
const originOf = (text: string): string | undefined => {
  try {
    const origin = new URL(text).origin
    return origin === "null" ? undefined : origin
  } catch {
    return undefined
  }
}

const refuseOrigin: AdminAnswer = problem({
  status: 403,
  code: "NO_AUTH",
  message: "Cross-origin requests to the sandbox's admin routes are refused"
})

const notJson: AdminAnswer = problem({
  status: 415,
  code: "PARAM_ERROR",
  message: "Admin routes take a JSON body: send Content-Type: application/json",
  detail: { field: "Content-Type", issue: "must be application/json", location: "header" }
})

/**
 * Answers an admin request (`path` starts with `PREFIX`), after the checks that keep browsers out.
 *
 * @example
 * ```ts
 * handle(context, {
 *   method: "POST",
 *   path: "/sandbox/authentications/N1/complete",
 *   headers: { "content-type": "application/json" },
 *   body: '{"result":"SUCCESS"}'
 * })
 * ```
 * @internal
 */
export const handle = (context: AdminContext, request: AdminRequest): Effect.Effect<AdminAnswer> => {
  const origin = single(request.headers["origin"])
  if (origin !== undefined && originOf(origin) !== originOf(context.origin)) return Effect.succeed(refuseOrigin)
  // A preflight, or a plain OPTIONS: what the routes take, and no CORS permission of any kind.
  if (request.method === "OPTIONS") return Effect.succeed({ status: 204, body: "", headers: { Allow: "POST" } })
  return Either.match(router.find(request.method, request.path), {
    onLeft: (p) => Effect.succeed(problem(p)),
    onRight: ({ params, route }) => {
      const type = single(request.headers["content-type"])?.split(";")[0].trim().toLowerCase()
      if (type !== "application/json") return Effect.succeed(notJson)
      return route.handle(context, params, request.body)
    }
  })
}

/**
 * The loopback server's admin routes, under `/sandbox/`: a path WeChat Pay never serves, so no client can mistake
 * an admin answer for WeChat's. Admin answers are never signed and never reach the simulator's `received` list.
 *
 * - `POST /sandbox/authentications/{authenticate_number}/complete` with `{"result":"SUCCESS"|"FAILED","reason"?:…}`
 *   plays the worker finishing the identity check in the mini program (`Simulator.completeCheck`): 200 with the
 *   check's new state; 404 `ORDER_NOT_EXIST` when it was never pre-ordered; 409 `INVALID_REQUEST` when it already
 *   ended; 400 `PARAM_ERROR` for a body that is not that JSON.
 *
 * @internal
 */
import { Effect, Either, Option, Schema } from "effect"
import type * as Simulator from "../Simulator.js"
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
 * An admin answer: status and JSON body, unsigned.
 *
 * @internal
 */
export interface AdminAnswer {
  readonly status: number
  readonly body: string
}

const CompleteBody = Schema.parseJson(Schema.Struct({
  result: Schema.Literal("SUCCESS", "FAILED"),
  reason: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)))
}))
const decodeBody = Schema.decodeUnknownEither(CompleteBody)

type Handler = (
  simulator: Simulator.Service,
  params: Readonly<Record<string, string>>,
  body: string
) => Effect.Effect<AdminAnswer>

const problem = (p: Problem.Problem): AdminAnswer => ({ status: p.status, body: Problem.render(p) })

const complete: Handler = (simulator, params, body) =>
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

const router = Router.make<Handler>([{ method: "POST", path: COMPLETE_PATH, handle: complete }], [])

/**
 * Answers an admin request (`path` starts with `PREFIX`).
 *
 * @example
 * ```ts
 * handle(simulator, "POST", "/sandbox/authentications/N1/complete", '{"result":"SUCCESS"}')
 * ```
 * @internal
 */
export const handle = (
  simulator: Simulator.Service,
  method: string,
  path: string,
  body: string
): Effect.Effect<AdminAnswer> =>
  Either.match(router.find(method, path), {
    onLeft: (p) => Effect.succeed(problem(p)),
    onRight: ({ params, route }) => route.handle(simulator, params, body)
  })

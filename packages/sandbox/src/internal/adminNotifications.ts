/**
 * `POST /sandbox/notifications`: another process makes the sandbox send a notification, as WeChat would after a
 * payment or a transfer, through the simulator's notifier (signed, the resource encrypted with the APIv3 key).
 *
 * Body: `{"url":"http://127.0.0.1:3000/notify","resource":{…},"event_type"?,"id"?,"summary"?,"original_type"?,
 * "max_attempts"?}`. The answer (200) comes once the notification is acknowledged (2xx) or its attempts are spent:
 * `{"id":"…","delivered":true,"attempts":1,"last_status":204,"statuses":[204]}` (`null` for an attempt that got
 * no answer). `max_attempts` defaults to 1 so the answer comes at once; up to 16 follow WeChat's cadence
 * (15 s, 15 s, 30 s, 3 min, …), by the server's `Clock`.
 *
 * Only loopback targets (`127.0.0.1`, `::1`, `localhost`, over http or https): the sandbox must not be a way to
 * make requests elsewhere. Anything else is 400 `PARAM_ERROR` and no request is made. A sandbox without an APIv3
 * key (public-key mode started without `--api-v3-key`) cannot encrypt a notification: 400 `INVALID_REQUEST`
 * saying how to give it one.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Simulator from "../Simulator.js"
import * as Problem from "./problem.js"

/**
 * The route's path.
 *
 * @internal
 */
export const PATH = "/sandbox/notifications"

/**
 * How the server sends a notification: the simulator's `notify` with the server's transport.
 *
 * @internal
 */
export type Deliver = (options: Simulator.NotifyOptions) => Effect.Effect<Simulator.Delivery>

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"])

const Text = (max: number) => Schema.String.pipe(Schema.minLength(1), Schema.maxLength(max))

const Body = Schema.parseJson(Schema.Struct({
  url: Schema.String.pipe(Schema.maxLength(2048)),
  resource: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  event_type: Schema.optional(Text(64)),
  id: Schema.optional(Text(64)),
  summary: Schema.optional(Text(256)),
  original_type: Schema.optional(Text(64)),
  max_attempts: Schema.optional(Schema.Int.pipe(Schema.between(1, 16)))
}))
const decodeBody = Schema.decodeUnknownEither(Body)

const badBody = Problem.paramError({
  field: "body",
  issue: "must be {\"url\":…,\"resource\":{…}} with optional event_type, id, summary, original_type (strings) " +
    "and max_attempts (1 to 16)",
  location: "body",
  message: "The body must be JSON {\"url\":\"http://127.0.0.1:…\",\"resource\":{…}} with optional \"event_type\", " +
    "\"id\", \"summary\", \"original_type\" and \"max_attempts\" (1 to 16)"
})

const notLoopback = Problem.paramError({
  field: "url",
  issue: "must be an http or https URL on 127.0.0.1, ::1 or localhost",
  location: "body",
  message: "The sandbox sends notifications to loopback URLs only (127.0.0.1, ::1 or localhost)"
})

const noApiV3Key: Problem.Problem = {
  status: 400,
  code: "INVALID_REQUEST",
  message: "This sandbox has no APIv3 key to encrypt notifications with: start it with --api-v3-key KEY " +
    "(32 characters; Simulator.Options.apiV3Key), or in certificate or mixed key mode, which generate one"
}

const isLoopback = (text: string): boolean => {
  try {
    const url = new URL(text)
    return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK.has(url.hostname) &&
      url.username === "" && url.password === ""
  } catch {
    return false
  }
}

/**
 * Checks the body and the target, sends, and says how the delivery went; `Left` is the 4xx to answer instead.
 *
 * @example
 * ```ts
 * handle(simulator, deliver, '{"url":"http://127.0.0.1:3000/notify","resource":{"out_trade_no":"1"}}')
 * ```
 * @internal
 */
export const handle = (
  simulator: Simulator.Service,
  deliver: Deliver,
  text: string
): Effect.Effect<Either.Either<{ readonly status: 200; readonly body: string }, Problem.Problem>> => {
  const decoded = decodeBody(text)
  if (Either.isLeft(decoded)) return Effect.succeed(Either.left(badBody))
  const body = decoded.right
  if (!isLoopback(body.url)) return Effect.succeed(Either.left(notLoopback))
  if (!simulator.config.hasApiV3Key) return Effect.succeed(Either.left(noApiV3Key))
  return Effect.map(
    deliver({
      url: body.url,
      resource: body.resource,
      id: body.id,
      eventType: body.event_type,
      summary: body.summary,
      originalType: body.original_type,
      maxAttempts: body.max_attempts ?? 1
    }),
    (delivery) => {
      const statuses = delivery.attempts.map((attempt) => attempt.status ?? null)
      return Either.right({
        status: 200,
        body: JSON.stringify({
          id: delivery.id,
          delivered: delivery.delivered,
          attempts: statuses.length,
          last_status: statuses.at(-1) ?? null,
          statuses
        })
      })
    }
  )
}

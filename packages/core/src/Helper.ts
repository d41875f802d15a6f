/**
 * A helper declared as data: what a family offers beyond its single calls — waiting for a result (`Await`: polls
 * until a final state, gives up after a timeout) or reading every page (`Stream`) — with the schema of the request
 * it takes, the schema of its tuning (`interval`, `timeout`, … as duration strings) and the function that runs it.
 * Declared, a helper can be offered by tools that know nothing of it (the `wechatpay` CLI derives one command a
 * helper, its flags from both schemas), as `Endpoint` declarations are.
 *
 * `decodeInput` checks what such a tool was given before anything runs: the request against the request schema
 * (a union's member is the one the request decodes as), the tuning against the options schema (a duration
 * `Duration.decodeUnknown` cannot read is refused); a refusal is a `RequestValidationError` and nothing is sent.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as Validation from "./internal/pipeline/requestValidation.js"
import { RequestValidationError } from "./WeChatPayError.js"

// Any helper's (`E` unknown) may name any tag.
type TagOf<E> = unknown extends E ? string : E extends { readonly _tag: infer Tag extends string } ? Tag : never

/**
 * A helper that waits: `run` polls until a final state and succeeds with it. `gaveUp` names the tags of the errors
 * it fails with when its time runs out (the thing waited for may still finish: ask again later), so a tool can
 * tell "not yet" from a failure.
 *
 * @example
 * ```ts
 * import type { Helper } from "@effect-wechatpay/core"
 *
 * const describe = (helper: Helper.Any) => helper._tag === "Await" ? `waits: ${helper.description}` : helper.description
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Awaiting<Request extends Schema.Schema.Any, Options extends Schema.Schema.Any, A, E, R> {
  readonly _tag: "Await"
  /** One line: what it waits for. */
  readonly description: string
  /** The request it takes (a `Union` of structs when it takes one of several). */
  readonly request: Request
  /** Its tuning: a struct of optional fields (`interval`, `timeout`, … as {@link DurationString}s). */
  readonly options: Options
  /** The tags of the errors it fails with when it gives up waiting. */
  readonly gaveUp: ReadonlyArray<TagOf<E>>
  readonly run: (request: Schema.Schema.Type<Request>, options: Schema.Schema.Type<Options>) => Effect.Effect<A, E, R>
}

/**
 * A helper that reads: `run` gives a stream (every page of a list), pulled page by page.
 *
 * @example
 * ```ts
 * import type { Helper } from "@effect-wechatpay/core"
 *
 * const streams = (helpers: Record<string, Helper.Any>) =>
 *   Object.keys(helpers).filter((key) => helpers[key]!._tag === "Stream")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Streaming<Request extends Schema.Schema.Any, Options extends Schema.Schema.Any, A, E, R> {
  readonly _tag: "Stream"
  /** One line: what it reads. */
  readonly description: string
  readonly request: Request
  readonly options: Options
  readonly run: (
    request: Schema.Schema.Type<Request>,
    options: Schema.Schema.Type<Options>
  ) => Stream.Stream<A, E, R>
}

/**
 * A declared helper.
 *
 * @example
 * ```ts
 * import type { Schema } from "effect"
 * import type { Helper } from "@effect-wechatpay/core"
 *
 * type Waits<H> = H extends Helper.Helper<Schema.Schema.Any, Schema.Schema.Any, infer A, unknown, unknown> ? A : never
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Helper<Request extends Schema.Schema.Any, Options extends Schema.Schema.Any, A, E, R> =
  | Awaiting<Request, Options, A, E, R>
  | Streaming<Request, Options, A, E, R>

/**
 * Any helper, whatever its schemas, answer, errors and requirements (what a tool that offers every helper of a
 * family takes).
 *
 * @example
 * ```ts
 * import type { Helper } from "@effect-wechatpay/core"
 *
 * const names = (helpers: Readonly<Record<string, Helper.Any>>) => Object.keys(helpers)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Any =
  | Awaiting<Schema.Schema.Any, Schema.Schema.Any, unknown, unknown, unknown>
  | Streaming<Schema.Schema.Any, Schema.Schema.Any, unknown, unknown, unknown>

const DURATION_HINT = "a duration such as \"5 seconds\" (a number, a space, and nanos, micros, millis, seconds, " +
  "minutes, hours, days or weeks)"

/**
 * A duration written as `Duration` reads it (`"5 seconds"`, `"250 millis"`, `"1.5 minutes"`), decoded to a
 * `Duration`. What `Duration.decodeUnknown` cannot read (`"soon"`, `"5s"`) is refused, and so is a negative one
 * (which `Duration` would silently read as zero). Encodes as whole milliseconds (`"5000 millis"`).
 *
 * @example
 * ```ts
 * import { Duration, Schema } from "effect"
 * import { Helper } from "@effect-wechatpay/core"
 *
 * Duration.toMillis(Schema.decodeUnknownSync(Helper.DurationString)("5 seconds")) // 5000
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DurationString: Schema.Schema<Duration.Duration, string> = Schema.transformOrFail(
  Schema.String,
  Schema.DurationFromSelf,
  {
    strict: true,
    decode: (text, _, ast) => {
      const duration = text.trim().startsWith("-") ? Option.none() : Duration.decodeUnknown(text.trim())
      return Option.match(duration, {
        onNone: () => ParseResult.fail(new ParseResult.Type(ast, text, DURATION_HINT)),
        onSome: ParseResult.succeed
      })
    },
    encode: (duration, _, ast) =>
      Duration.isFinite(duration)
        ? ParseResult.succeed(`${Duration.toMillis(duration)} millis`)
        : ParseResult.fail(new ParseResult.Type(ast, duration, "a finite duration"))
  }
).annotations({ identifier: "DurationString", description: DURATION_HINT })

/**
 * The options schema of a helper without tuning.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Helper } from "@effect-wechatpay/core"
 *
 * Schema.decodeUnknownSync(Helper.NoOptions)({}) // {}
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const NoOptions = Schema.Struct({})

/**
 * Declares a helper that waits. `gaveUp` lists the tags of the errors it fails with when its time runs out; a tag
 * that is not one of `run`'s errors makes the result a message type instead of a helper, so its first use fails to
 * compile.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Helper } from "@effect-wechatpay/core"
 *
 * class StillRunning extends Schema.TaggedError<StillRunning>()("StillRunning", {}) {}
 *
 * const awaitJob = Helper.awaiting({
 *   description: "waits for a job to finish",
 *   request: Schema.Struct({ job_id: Schema.String }),
 *   options: Schema.Struct({ timeout: Schema.optional(Helper.DurationString) }),
 *   gaveUp: ["StillRunning"],
 *   run: (request, options) =>
 *     options.timeout === undefined ? Effect.succeed({ job_id: request.job_id, done: true }) : new StillRunning()
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const awaiting = <
  Request extends Schema.Schema.Any,
  Options extends Schema.Schema.Any,
  A,
  E,
  R,
  const Tags extends string = never
>(
  declaration: {
    readonly description: string
    readonly request: Request
    readonly options: Options
    readonly gaveUp?: ReadonlyArray<Tags> | undefined
    readonly run: (
      request: Schema.Schema.Type<Request>,
      options: Schema.Schema.Type<Options>
    ) => Effect.Effect<A, E, R>
  }
): [Tags] extends [TagOf<E>] ? Awaiting<Request, Options, A, E, R>
  : `gaveUp names ${Exclude<Tags, TagOf<E>>}: not the tag of an error of run` =>
  // Checked in the result's type: a check in the declaration's own type would stop `E` being inferred from `run`.
  ({
    _tag: "Await",
    description: declaration.description,
    request: declaration.request,
    options: declaration.options,
    gaveUp: declaration.gaveUp ?? [],
    run: declaration.run
  }) as never

/**
 * Declares a helper that reads a stream; without `options`, it takes none ({@link NoOptions}).
 *
 * @example
 * ```ts
 * import { Schema, Stream } from "effect"
 * import { Helper } from "@effect-wechatpay/core"
 *
 * const streamPages = Helper.streaming({
 *   description: "every item of every page",
 *   request: Schema.Struct({ list_id: Schema.String }),
 *   run: (request) => Stream.make({ list_id: request.list_id, item: 1 }, { list_id: request.list_id, item: 2 })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const streaming = <
  Request extends Schema.Schema.Any,
  A,
  E,
  R,
  Options extends Schema.Schema.Any = typeof NoOptions
>(
  declaration: {
    readonly description: string
    readonly request: Request
    readonly options?: Options | undefined
    readonly run: (
      request: Schema.Schema.Type<Request>,
      options: Schema.Schema.Type<Options>
    ) => Stream.Stream<A, E, R>
  }
): Streaming<Request, Options, A, E, R> => ({
  _tag: "Stream",
  description: declaration.description,
  request: declaration.request,
  // Without options the declared type is NoOptions': the default type parameter says so.
  options: (declaration.options ?? NoOptions) as Options,
  run: declaration.run
})

// No field beyond the schema's: for a union, a request with fields of two members is refused, not guessed.
const STRICT = { onExcessProperty: "error", errors: "all" } as const

const refuse = (error: ParseResult.ParseError, ast: Schema.Schema.Any["ast"]) =>
  new RequestValidationError({ issues: Validation.issues(error, Validation.sensitivePaths(ast)) })

/**
 * Checks what a tool was given for a helper, before anything runs: `request` (values as the request's type has
 * them: `Redacted` sensitive strings, numbers) against the request schema, no field beyond it, so a union's member
 * is the one it matches; `options` (encoded: duration strings) decoded by the options schema. A refusal is one
 * `RequestValidationError` naming each bad field (never an encrypted value); nothing is sent.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Helper } from "@effect-wechatpay/core"
 *
 * const helper = Helper.awaiting({
 *   description: "waits",
 *   request: Schema.Struct({ job_id: Schema.String }),
 *   options: Schema.Struct({ interval: Schema.optional(Helper.DurationString) }),
 *   run: (request) => Effect.succeed(request.job_id)
 * })
 * const refused = Helper.decodeInput(helper)({ request: { job_id: "j1" }, options: { interval: "soon" } }).pipe(
 *   Effect.catchTag("RequestValidationError", (e) => Effect.succeed(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeInput = <Request extends Schema.Schema.Any, Options extends Schema.Schema.Any>(
  helper: { readonly request: Request; readonly options: Options }
) => {
  // A generic schema's parts are read back from it: `Schema.validate` on `Request` alone would infer its bound's.
  const validateRequest = Schema.validate(helper.request, STRICT) as (
    u: unknown
  ) => Effect.Effect<Schema.Schema.Type<Request>, ParseResult.ParseError, Schema.Schema.Context<Request>>
  const decodeOptions = Schema.decodeUnknown(helper.options, STRICT) as (
    u: unknown
  ) => Effect.Effect<Schema.Schema.Type<Options>, ParseResult.ParseError, Schema.Schema.Context<Options>>
  return (input: { readonly request: unknown; readonly options: unknown }): Effect.Effect<
    { readonly request: Schema.Schema.Type<Request>; readonly options: Schema.Schema.Type<Options> },
    RequestValidationError,
    Schema.Schema.Context<Request> | Schema.Schema.Context<Options>
  > =>
    Effect.all({
      request: Effect.mapError(validateRequest(input.request), (e) => refuse(e, helper.request.ast)),
      options: Effect.mapError(decodeOptions(input.options), (e) => refuse(e, helper.options.ast))
    })
}

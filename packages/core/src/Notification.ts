/**
 * Callbacks (notifications) from WeChat Pay: payments, refunds, transfers all share one format. `decode`
 * verifies the `Wechatpay-*` headers against the key ring, decrypts the AEAD `resource` with the APIv3 key and
 * decodes it with a schema; `httpApp` builds the route for an `HttpRouter`, acknowledging a notification only once
 * its handler succeeded.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type { Duration } from "effect"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Aead from "./Aead.js"
import * as Validation from "./internal/pipeline/requestValidation.js"
import type * as NotificationStore from "./NotificationStore.js"
import * as Verifier from "./Verifier.js"

/**
 * Why a notification was refused: the verification reasons (`MissingHeaders`, `UnknownSerial`,
 * `StaleTimestamp`, `BadSignature`, `SignatureProbe`), `Malformed` (not WeChat's envelope), `Decryption` (the
 * resource does not authenticate with the APIv3 key), `Schema` (the plaintext does not match the schema; only the
 * paths of the failing fields are reported, never their values) and `NotConfigured` (no APIv3 key).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Notification } from "@effect-wechatpay/core"
 *
 * Schema.is(Notification.NotificationFailure)("StaleTimestamp") // true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const NotificationFailure = Schema.Literal(
  "MissingHeaders",
  "UnknownSerial",
  "StaleTimestamp",
  "BadSignature",
  "SignatureProbe",
  "Malformed",
  "Decryption",
  "Schema",
  "NotConfigured"
)

/**
 * A notification that was refused, with its reason. It never carries the APIv3 key, a signature or any part of
 * the decrypted resource.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { Notification } from "@effect-wechatpay/core"
 *
 * declare const decoded: Effect.Effect<void, Notification.NotificationError>
 * const logged = decoded.pipe(Effect.tapErrorTag("NotificationError", (e) => Effect.logWarning(e.reason)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NotificationError extends Schema.TaggedError<NotificationError>(
  "@effect-wechatpay/core/NotificationError"
)("NotificationError", {
  reason: NotificationFailure,
  description: Schema.String,
  /** The notification id, once the envelope was read. */
  id: Schema.optional(Schema.String),
  /** The `Wechatpay-Serial` it named. */
  serial: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
  /** The HTTP status `httpApp` answers with: any non-2xx makes WeChat send the notification again. */
  get status(): number {
    return this.reason === "Schema" || this.reason === "NotConfigured"
      ? 500
      : this.reason === "Malformed" || this.reason === "MissingHeaders" || this.reason === "Decryption"
      ? 400
      : 401
  }
}

/**
 * A notification as it arrived: headers as an HTTP server hands them over, the raw body.
 *
 * @example
 * ```ts
 * import type { Notification } from "@effect-wechatpay/core"
 *
 * declare const headers: Record<string, string>, rawBody: string
 * const input: Notification.Input = { headers, body: rawBody }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string | Uint8Array
}

/**
 * A verified, decrypted notification with WeChat's field names; `resource` is the schema's type.
 *
 * @example
 * ```ts
 * import type { Notification } from "@effect-wechatpay/core"
 *
 * const describe = (n: Notification.Decoded<{ readonly out_trade_no: string }>) =>
 *   `${n.event_type} ${n.id} at ${n.create_time}: ${n.resource.out_trade_no}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Decoded<A> {
  readonly id: string
  /** As sent, e.g. `2015-05-20T13:29:35+08:00`. */
  readonly create_time: string
  readonly event_type: string
  readonly resource_type: string
  readonly summary: string
  readonly resource: A
}

const Envelope = Schema.parseJson(Schema.Struct({
  id: Schema.String,
  create_time: Schema.String,
  event_type: Schema.String,
  resource_type: Schema.String,
  summary: Schema.optionalWith(Schema.String, { default: () => "" }),
  resource: Schema.Struct({
    algorithm: Schema.String,
    ciphertext: Schema.String,
    nonce: Schema.String,
    associated_data: Schema.optional(Schema.String),
    original_type: Schema.optional(Schema.String)
  })
}))
const decodeEnvelope = Schema.decodeUnknownOption(Envelope)

/**
 * The notification decoder's interface.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import type { Notification } from "@effect-wechatpay/core"
 *
 * const Transaction = Schema.Struct({ out_trade_no: Schema.String, trade_state: Schema.String })
 * const decodeTransaction = (service: Notification.Service, input: Notification.Input) =>
 *   service.decode(input, Transaction)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Succeeds when notifications can be decrypted; fails with `NotConfigured`, naming `apiV3Key` /
   * `WECHATPAY_API_V3_KEY`, when there is no APIv3 key. {@link httpApp} checks it when the app is built.
   */
  readonly requireApiV3Key: Effect.Effect<void, NotificationError>
  /** Verifies, decrypts and decodes one notification; keeps no state. */
  readonly decode: <A, I, R>(
    input: Input,
    resource: Schema.Schema<A, I, R>
  ) => Effect.Effect<Decoded<A>, NotificationError, R>
}

/**
 * The notification decoder, provided by `WeChatPay.layer` (it needs `apiV3Key`).
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Notification } from "@effect-wechatpay/core"
 *
 * declare const input: Notification.Input
 * const decoded = Effect.flatMap(Notification.Notification, (n) => n.decode(input, Schema.Unknown))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Notification extends Context.Tag("@effect-wechatpay/core/Notification")<Notification, Service>() {}

const utf8 = new TextDecoder("utf-8", { fatal: false })

const notConfigured = () =>
  new NotificationError({
    reason: "NotConfigured",
    description:
      "no APIv3 key: set apiV3Key in WeChatPay.layer (or WECHATPAY_API_V3_KEY / WECHATPAY_API_V3_KEY_FILE for " +
      "WeChatPay.layerConfig) to decrypt notifications"
  })

/**
 * Builds the decoder over the {@link Verifier.Verifier} in context and the APIv3 key. Without a key, every
 * decode fails with `NotConfigured`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Notification } from "@effect-wechatpay/core"
 *
 * const decoder = Notification.make({ apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb") })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: { readonly apiV3Key: Redacted.Redacted<string> | undefined }
): Effect.Effect<Service, never, Verifier.Verifier> =>
  Effect.map(Verifier.Verifier, (verifier) =>
    Notification.of({
      requireApiV3Key: options.apiV3Key === undefined ? Effect.fail(notConfigured()) : Effect.void,
      decode: <A, I, R>(input: Input, resource: Schema.Schema<A, I, R>) =>
        Effect.gen(function*() {
          const apiV3Key = options.apiV3Key
          if (apiV3Key === undefined) return yield* notConfigured()
          yield* verifier.verify(input).pipe(
            Effect.mapError((e) =>
              new NotificationError({
                // The Verifier checks signatures only: EchoMismatch and Replayed are the client pipeline's reasons.
                reason: e.reason as Exclude<typeof e.reason, "EchoMismatch" | "Replayed">,
                description: e.description,
                ...(e.serial !== undefined ? { serial: e.serial } : {})
              })
            )
          )
          const text = typeof input.body === "string" ? input.body : utf8.decode(input.body)
          const envelope = decodeEnvelope(text)
          if (Option.isNone(envelope)) {
            return yield* new NotificationError({ reason: "Malformed", description: "not a WeChat Pay notification" })
          }
          const { id, resource: encrypted, ...rest } = envelope.value
          yield* Effect.annotateCurrentSpan({
            "wechatpay.notification.id": id,
            "wechatpay.event_type": rest.event_type
          })
          const plaintext = yield* Aead.decrypt(apiV3Key, encrypted).pipe(
            Effect.mapError((e) => new NotificationError({ reason: "Decryption", description: e.description, id }))
          )
          const fields = yield* decodeResource(plaintext, resource, id)
          return { id, ...rest, resource: fields }
        }).pipe(
          Effect.tapError((e) => Effect.annotateCurrentSpan("wechatpay.notification.reason", e.reason)),
          Effect.withSpan("Notification.decode")
        )
    }))

// The plaintext is personal data: it stays Redacted until parsed, and a failure reports only field paths.
const decodeResource = <A, I, R>(plaintext: Redacted.Redacted<string>, schema: Schema.Schema<A, I, R>, id: string) =>
  Effect.gen(function*() {
    const fail = (description: string) => new NotificationError({ reason: "Schema", description, id })
    let json: unknown
    try {
      json = JSON.parse(Redacted.value(plaintext))
    } catch {
      return yield* fail("the decrypted resource is not JSON")
    }
    return yield* Schema.decodeUnknown(schema, { onExcessProperty: "ignore" })(json).pipe(
      Effect.mapError((error) =>
        fail(`the decrypted resource does not match the schema at ${Validation.failingPaths(error)}`)
      )
    )
  })

/**
 * Provides the {@link Notification} decoder built by {@link make}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Notification } from "@effect-wechatpay/core"
 *
 * const NotificationLive = Notification.layer({ apiV3Key: Redacted.make("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb") })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: { readonly apiV3Key: Redacted.Redacted<string> | undefined }
): Layer.Layer<Notification, never, Verifier.Verifier> => Layer.effect(Notification, make(options))

/**
 * Verifies, decrypts and decodes one notification with the {@link Notification} in context.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Notification } from "@effect-wechatpay/core"
 *
 * declare const headers: Record<string, string>, rawBody: string
 * const Refund = Schema.Struct({ out_refund_no: Schema.String, refund_status: Schema.String })
 * const refund = Notification.decode({ headers, body: rawBody }, Refund)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = <A, I, R>(
  input: Input,
  resource: Schema.Schema<A, I, R>
): Effect.Effect<Decoded<A>, NotificationError, Notification | R> =>
  Effect.flatMap(Notification, (service) => service.decode(input, resource))

/**
 * How {@link httpApp} reads, answers and remembers.
 *
 * @example
 * ```ts
 * import type { Notification } from "@effect-wechatpay/core"
 *
 * const options: Notification.HttpAppOptions = { timeToLive: "2 days", successStatus: 200, readTimeout: "5 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpAppOptions {
  /** How long a handled id is remembered (default 1 day: WeChat retries for about 24 hours). */
  readonly timeToLive?: Duration.DurationInput | undefined
  /** 200 or 204 (default), both mean "received" to WeChat. */
  readonly successStatus?: 200 | 204 | undefined
  /**
   * How long the body may take to arrive once the headers did (default 10 seconds; WeChat's own sender gives up
   * after 5): past it the notification is answered 408, so a client that sends headers and stalls holds no fiber.
   */
  readonly readTimeout?: Duration.DurationInput | undefined
}

/**
 * Builds the `HttpApp` of a notification route, and fails with `NotConfigured` (naming `apiV3Key` /
 * `WECHATPAY_API_V3_KEY`) when there is no APIv3 key, so a misconfigured server fails at start, not at its first
 * callback.
 *
 * The app reads the raw body (at most 1 MiB, within `readTimeout`), verifies and decodes it, and answers 2xx only
 * for a notification whose handler succeeded, now or on an earlier delivery:
 * - the id is recorded in the {@link NotificationStore.NotificationStore} only after `handler` succeeded, and a
 *   delivery of a recorded id is acknowledged without running it again;
 * - a delivery that arrives while a run of the same id is in progress in this app is answered 503, so WeChat sends
 *   it again later;
 * - a failed or interrupted handler (the server interrupts it when WeChat gives up waiting) records nothing and
 *   answers 500, and a store that cannot be read or written answers 500: WeChat retries on its schedule;
 * - a refused notification answers 4xx (500 for `Schema`), with WeChat's `{"code":"FAIL","message":…}`.
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServer } from "@effect/platform"
 * import { Effect, Layer, Schema } from "effect"
 * import { Notification } from "@effect-wechatpay/core"
 *
 * const Transaction = Schema.Struct({ out_trade_no: Schema.String, trade_state: Schema.String })
 * const ServerLive = Effect.gen(function*() {
 *   const notify = yield* Notification.httpApp(
 *     Transaction,
 *     (n) => Effect.log(`${n.resource.out_trade_no}: ${n.resource.trade_state}`)
 *   )
 *   return HttpRouter.empty.pipe(HttpRouter.post("/wechatpay/notify", notify), HttpServer.serve())
 * }).pipe(Layer.unwrapEffect)
 * ```
 *
 * @since 0.1.0
 * @category http
 */
export const httpApp = <A, I, R, E, R2>(
  resource: Schema.Schema<A, I, R>,
  handler: (notification: Decoded<A>) => Effect.Effect<unknown, E, R2>,
  options: HttpAppOptions = {}
): Effect.Effect<
  HttpApp.Default<never, NotificationStore.NotificationStore | HttpServerRequest.HttpServerRequest | R | R2>,
  NotificationError,
  Notification
> =>
  Effect.flatMap(Notification, (service) =>
    service.requireApiV3Key.pipe(
      // The route (and with it @effect/platform's server modules) is loaded by the first program that serves
      // callbacks: a program that only calls WeChat never pays for it at start (issue 23).
      Effect.zipRight(Effect.promise(() => import("./internal/notification/app.js"))),
      Effect.map((NotificationApp) => NotificationApp.make(service, resource, handler, options))
    ))

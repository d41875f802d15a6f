/**
 * Which notification ids a handler already ran to success, so that WeChat's retries of a handled notification are
 * acknowledged without running it again. A small service — "was this id handled?", "this id was handled, remember it
 * for a while" — with a bounded in-memory default and an adapter over `@effect/platform`'s `KeyValueStore` for a
 * store shared behind a load balancer. An id is recorded only once its handler succeeded (`Notification.httpApp`).
 *
 * @since 0.1.0
 */
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * The store could not be read or written; the notification is answered with a 5xx, so WeChat sends it again.
 *
 * @example
 * ```ts
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const error = new NotificationStore.StoreError({ description: "redis unreachable" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreError extends Schema.TaggedError<StoreError>("@effect-wechatpay/core/NotificationStore/StoreError")(
  "StoreError",
  { description: Schema.String }
) {}

/**
 * The store's interface: which notification ids a handler already ran to success. `isHandled` reads it;
 * `markHandled` is called only after a handler succeeded, so an id is never recorded for a run that failed, was
 * interrupted or never finished, and nothing depends on forgetting one.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { NotificationStore } from "@effect-wechatpay/core"
 *
 * const once = (store: NotificationStore.Service, id: string, work: Effect.Effect<void>) =>
 *   Effect.flatMap(store.isHandled(id), (handled) =>
 *     handled ? Effect.void : Effect.zipRight(work, store.markHandled(id, "1 day")))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Whether a handler of `id` succeeded within the time to live it was marked with. */
  readonly isHandled: (id: string) => Effect.Effect<boolean, StoreError>
  /** Records that a handler of `id` succeeded, for `timeToLive`. */
  readonly markHandled: (id: string, timeToLive: Duration.DurationInput) => Effect.Effect<void, StoreError>
}

/**
 * The store of handled notification ids.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const handled = Effect.flatMap(NotificationStore.NotificationStore, (store) => store.isHandled("EV-2018022511223320873"))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class NotificationStore extends Context.Tag("@effect-wechatpay/core/NotificationStore")<
  NotificationStore,
  Service
>() {}

/**
 * An in-memory store of at most `capacity` ids (default 10,000); past it, the oldest mark is forgotten first.
 * Time comes from `Clock`. Right for one process; behind a load balancer use a shared store.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const store = NotificationStore.makeMemory({ capacity: 1000 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (options: { readonly capacity?: number | undefined } = {}): Effect.Effect<Service> =>
  Effect.sync(() => {
    const capacity = Math.max(1, options.capacity ?? 10_000)
    // Insertion order is expiry order for a fixed time to live, and the eviction order past `capacity`.
    const marks = new Map<string, number>()
    const live = (id: string, now: number) => {
      for (const [key, expires] of marks) {
        if (expires > now) break
        marks.delete(key)
      }
      const expires = marks.get(id)
      return expires !== undefined && expires > now
    }
    return NotificationStore.of({
      isHandled: (id) => Effect.map(Clock.currentTimeMillis, (now) => live(id, now)),
      markHandled: (id, timeToLive) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          marks.delete(id)
          marks.set(id, now + Duration.toMillis(Duration.decode(timeToLive)))
          while (marks.size > capacity) marks.delete(marks.keys().next().value!)
        })
    })
  })

/**
 * Provides the in-memory store of {@link makeMemory}.
 *
 * @example
 * ```ts
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const StoreLive = NotificationStore.layerMemory({ capacity: 50_000 })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options: { readonly capacity?: number | undefined } = {}): Layer.Layer<NotificationStore> =>
  Layer.effect(NotificationStore, makeMemory(options))

/**
 * A store over `@effect/platform`'s `KeyValueStore` (a file system, Redis or a database behind its interface).
 * `KeyValueStore` has no expiry, so the expiry is stored in the value and checked on read (expired entries are
 * overwritten, never deleted). A delivery of an id whose handler is still running elsewhere is not seen here:
 * two servers that each receive one delivery of an id while neither has finished can both run the handler (one
 * server answers the second delivery of an id it is running with a 5xx). Handlers should stay idempotent.
 *
 * @example
 * ```ts
 * import { KeyValueStore } from "@effect/platform"
 * import { Layer } from "effect"
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const StoreLive = NotificationStore.layerKeyValueStore({ prefix: "wechatpay:notification:" }).pipe(
 *   Layer.provide(KeyValueStore.layerMemory)
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyValueStore = (
  options: { readonly prefix?: string | undefined } = {}
): Effect.Effect<Service, never, KeyValueStore.KeyValueStore> =>
  Effect.map(KeyValueStore.KeyValueStore, (store) => {
    const prefix = options.prefix ?? "wechatpay-notification:"
    const storeError = () => new StoreError({ description: "the key-value store failed" })
    return NotificationStore.of({
      isHandled: (id) =>
        Effect.zipWith(
          store.get(prefix + id),
          Clock.currentTimeMillis,
          (expires, now) => Option.isSome(expires) && Number(expires.value) > now
        ).pipe(Effect.mapError(storeError)),
      markHandled: (id, timeToLive) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) => store.set(prefix + id, String(now + Duration.toMillis(Duration.decode(timeToLive))))
        ).pipe(Effect.mapError(storeError))
    })
  })

/**
 * Provides the store of {@link makeKeyValueStore}.
 *
 * @example
 * ```ts
 * import { KeyValueStore } from "@effect/platform"
 * import { Layer } from "effect"
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const StoreLive = NotificationStore.layerKeyValueStore().pipe(Layer.provide(KeyValueStore.layerMemory))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKeyValueStore = (
  options: { readonly prefix?: string | undefined } = {}
): Layer.Layer<NotificationStore, never, KeyValueStore.KeyValueStore> =>
  Layer.effect(NotificationStore, makeKeyValueStore(options))

/**
 * Which notification ids were already handled, so that WeChat's retries of a notification run its handler once.
 * A small service — "mark this id for a while, unless already marked" — with a bounded in-memory default and an
 * adapter over `@effect/platform`'s `KeyValueStore` for a store shared behind a load balancer.
 *
 * @since 0.1.0
 */
import { KeyValueStore } from "@effect/platform"
import { Clock, Context, Duration, Effect, Layer, Option, Schema } from "effect"

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
 * The store's interface. `mark` succeeds with `true` when the id was not marked (the caller handles it) and
 * `false` when it already was; `unmark` forgets an id whose handling failed, so WeChat's retry runs it again.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { NotificationStore } from "@effect-wechatpay/core"
 *
 * const once = (store: NotificationStore.Service, id: string, work: Effect.Effect<void>) =>
 *   Effect.flatMap(store.mark(id, "1 day"), (first) => (first ? work : Effect.void))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly mark: (id: string, timeToLive: Duration.DurationInput) => Effect.Effect<boolean, StoreError>
  readonly unmark: (id: string) => Effect.Effect<void, StoreError>
}

/**
 * The store of handled notification ids.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NotificationStore } from "@effect-wechatpay/core"
 *
 * const first = Effect.flatMap(NotificationStore.NotificationStore, (store) => store.mark("EV-2018022511223320873", "1 day"))
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
    return NotificationStore.of({
      mark: (id, timeToLive) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          for (const [key, expires] of marks) {
            if (expires > now) break
            marks.delete(key)
          }
          const expires = marks.get(id)
          if (expires !== undefined && expires > now) return false
          marks.delete(id)
          marks.set(id, now + Duration.toMillis(Duration.decode(timeToLive)))
          while (marks.size > capacity) marks.delete(marks.keys().next().value!)
          return true
        }),
      unmark: (id) =>
        Effect.sync(() => {
          marks.delete(id)
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
 * Best effort: `KeyValueStore` has no expiry and no atomic set-if-absent, so the expiry is stored in the value
 * and checked on read (expired entries are overwritten, never deleted), and two deliveries of one id that arrive
 * at the same instant on two servers can both be handled. Handlers should stay idempotent.
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
      mark: (id, timeToLive) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const previous = yield* store.get(prefix + id)
          if (Option.isSome(previous) && Number(previous.value) > now) return false
          yield* store.set(prefix + id, String(now + Duration.toMillis(Duration.decode(timeToLive))))
          return true
        }).pipe(Effect.mapError(storeError)),
      unmark: (id) => Effect.mapError(store.remove(prefix + id), storeError)
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

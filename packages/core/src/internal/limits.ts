/**
 * What every call through one client shares: how many are in flight (attempts that overlap sign on the
 * threadpool; a lone one signs inline, which is faster), and the optional client-side limits on concurrency
 * and rate.
 */
import type { Scope } from "effect"
import { Effect, RateLimiter } from "effect"

/** Counts the calls in flight and applies the rate limits, if any, around each. */
export const make = (
  rateLimit: { readonly maxInFlight?: number | undefined; readonly perSecond?: number | undefined } | undefined
) =>
  Effect.gen(function*(): Effect.fn.Return<
    {
      readonly inFlight: () => number
      readonly accounted: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    },
    never,
    Scope.Scope
  > {
    const semaphore = rateLimit?.maxInFlight === undefined
      ? undefined
      : yield* Effect.makeSemaphore(rateLimit.maxInFlight)
    const limiter = rateLimit?.perSecond === undefined
      ? undefined
      : yield* RateLimiter.make({ limit: rateLimit.perSecond, interval: "1 second", algorithm: "token-bucket" })
    let inFlight = 0
    const accounted = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
      const counted = Effect.suspend(() => {
        inFlight++
        return Effect.ensuring(
          effect,
          Effect.sync(() => {
            inFlight--
          })
        )
      })
      const rated = limiter === undefined ? counted : limiter(counted)
      return semaphore === undefined ? rated : semaphore.withPermits(1)(rated)
    }
    return { inFlight: () => inFlight, accounted }
  })

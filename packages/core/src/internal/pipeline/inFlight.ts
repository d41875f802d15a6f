/**
 * What every call through one client shares: how many exchanges are in flight (an attempt that overlaps others
 * signs on the threadpool; a lone one signs inline, which is faster), and the optional client-side limits on
 * concurrency and rate.
 */
import type { Scope } from "effect"
import * as Effect from "effect/Effect"
import * as RateLimiter from "effect/RateLimiter"
import type { Hooks } from "../runtime/local.js"

/** Counts the exchanges in flight, and applies the rate limits, if any, around each attempt. */
export const make = (
  rateLimit: { readonly maxInFlight?: number | undefined; readonly perSecond?: number | undefined } | undefined
) =>
  Effect.gen(function*(): Effect.fn.Return<
    {
      /** Exchanges (sent, answer not yet in) in flight now. */
      readonly inFlight: () => number
      /** For `Local.locally` around each exchange: counted in the steps that set its refs, no extra step. */
      readonly counter: Hooks
      readonly limited: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
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
    const counter: Hooks = {
      enter: () => {
        inFlight++
      },
      exit: () => {
        inFlight--
      }
    }
    const limited = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
      const rated = limiter === undefined ? effect : limiter(effect)
      return semaphore === undefined ? rated : semaphore.withPermits(1)(rated)
    }
    return { inFlight: () => inFlight, counter, limited }
  })

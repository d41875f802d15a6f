/**
 * `Effect.locally` for the fiber refs every call sets, at a third of its cost.
 *
 * `Effect.locally` and `Effect.provideService` are built on `acquireUseRelease`, and a call through the
 * pipeline set four refs that way (the route, the platform tracer switch, fetch's `RequestInit`, the call's
 * span): about a hundred of the call's three hundred runtime steps (counted in `bench/overhead.ts`). This sets
 * any number of refs in one step (one copy of the fiber's refs) and puts each back, whatever way the effect ends,
 * in one more: the same semantics, as `Effect.locally` also restores only the refs it set.
 */
import type { FiberId, FiberRef } from "effect"
import * as Effect from "effect/Effect"
import * as FiberRefs from "effect/FiberRefs"

/** A fiber ref and the value it takes for the duration of the effect. */
export type Binding = readonly [FiberRef.FiberRef<any>, unknown]

/** Done in the same steps as the setting and the putting back: exactly once each, whatever way the effect ends. */
export interface Hooks {
  readonly enter: () => void
  readonly exit: () => void
}

/**
 * `ref` bound to `value`, for {@link locally}; {@link list} gathers bindings.
 *
 * Why not `[ref, value]`: bindings live as long as the call, and an array or object literal made per call and held
 * that long is one V8 learns to allocate straight into the old generation ("pretenuring"), once enough of them
 * outlive a young collection (as they do when many calls overlap). An old binding then keeps the call's young
 * values (its span, its context) alive until the next full collection: 2 kB more promoted per payroll-card call,
 * measured with `--trace-gc-nvp` in `bench/overhead.ts`. Arrays made of rest parameters have no allocation site for
 * V8 to pretenure.
 *
 * @internal
 */
export const bind = <A>(ref: FiberRef.FiberRef<A>, value: A): Binding => pair(ref, value)
const pair = (...binding: [FiberRef.FiberRef<any>, unknown]): Binding => binding

/**
 * The bindings, in an array V8 does not pretenure (see {@link bind}).
 *
 * @internal
 */
export const list = (...bindings: Array<Binding>): Array<Binding> => bindings

/**
 * Runs `self` with each ref set to its value, and sets it back afterwards (on success, failure, defect or
 * interruption). Uninterruptible between setting and the guard that puts back, so a ref never leaks out.
 *
 * @internal
 */
export const locally = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  bindings: ReadonlyArray<Binding>,
  hooks?: Hooks
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiberRuntime<A, E, R>((fiber) => {
      const previous = bindings.map(([ref]) => fiber.getFiberRef(ref))
      const putBack = setAll(bindings, previous, hooks?.exit)
      return Effect.zipRight(
        setAll(bindings, bindings.map(([, value]) => value), hooks?.enter),
        Effect.matchCauseEffect(restore(self), {
          onFailure: (cause) => Effect.zipRight(putBack, Effect.failCause(cause)),
          onSuccess: (value) => Effect.as(putBack, value)
        })
      )
    })
  )

/** Every binding's ref set to its value in `values`, in one update of the fiber's refs (and `hook` run then). */
const setAll = (
  bindings: ReadonlyArray<Binding>,
  values: ReadonlyArray<unknown>,
  hook: (() => void) | undefined
): Effect.Effect<void> =>
  Effect.updateFiberRefs((id, refs) => {
    hook?.()
    return FiberRefs.updateManyAs(refs, {
      entries: bindings.map(([ref], i) => [ref, [[id, values[i]]]] as const) as unknown as readonly [
        readonly [FiberRef.FiberRef<any>, readonly [readonly [FiberId.Single, any]]]
      ]
    })
  })

/**
 * What the pipeline knows about the call it is running, carried in fiber refs so that `httpClient` (used
 * directly or through `execute`) can name the route and the attempt in its errors, spans and logs.
 */
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

/** The route template of the current call (`/v3/payroll-card/relations/{openid}`), when one was declared. */
export const currentRoute: FiberRef.FiberRef<string | undefined> = globalValue(
  Symbol.for("@effect-wechatpay/core/currentRoute"),
  () => FiberRef.unsafeMake<string | undefined>(undefined)
)

/** The number of the current attempt, 1 for the first. */
export const currentAttempt: FiberRef.FiberRef<number> = globalValue(
  Symbol.for("@effect-wechatpay/core/currentAttempt"),
  () => FiberRef.unsafeMake(1)
)

/** The route to name in messages: the declared template, or the path (no query) the caller chose. */
export const routeOf = (declared: string | undefined, url: string): string => {
  if (declared !== undefined) return declared
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "")
  const end = path.search(/[?#]/)
  return end === -1 ? path : path.slice(0, end)
}

/**
 * Contender: the floor of any Effect SDK, without this one. The bare threadpool client's call (node:crypto
 * and node:http, the same protocol work) run as an Effect in a `ManagedRuntime`, inside a span, its answer
 * decoded by an `effect/Schema` struct: what every client built on Effect and Schema carries before it
 * adds a line of its own. DESIGN asks for both, so its memory and start are the SDK's floor, as the
 * `effect` and `platform` programs are in the cold-start measure.
 *
 * It loads `effect/Effect`, `effect/ManagedRuntime` and `effect/Schema` module by module (Schema loads
 * fast-check and most of `effect` with it) and nothing of `@effect/platform`, so it is a low floor: this
 * SDK also needs `HttpClient`.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import type { MakeContender } from "../shared.js"
import { makeBare } from "./bare.js"

// The fields of PreOrderWithAuth's answer, as payroll-card's `PreOrderWithAuthResponse` declares them: repeated
// here, not imported, since importing payroll-card would load the SDK into its own floor.
const Answer = Schema.Struct({
  authenticate_number: Schema.String,
  openid: Schema.String,
  mchid: Schema.String,
  sub_mchid: Schema.String,
  token: Schema.String,
  expires_in: Schema.Int.pipe(Schema.nonNegative())
})

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = async (setup) => {
  const bare = await makeBare(
    setup,
    (key, message) =>
      new Promise((resolve, reject) =>
        Crypto.sign("sha256", message, key, (error, signature) => error ? reject(error) : resolve(signature))
      )
  )
  const runtime = ManagedRuntime.make(Layer.empty)
  await runtime.runtime()
  const decode = Schema.decodeUnknown(Answer)
  return {
    call: (n) =>
      runtime.runPromise(
        Effect.tryPromise(() => bare.call(n)).pipe(Effect.flatMap(decode), Effect.withSpan("effect-floor.call"))
      ),
    close: () => runtime.dispose().then(bare.close)
  }
}

/**
 * The simulator's wire models: what a transport hands in (`SimulatedRequest`) and what it must do with it
 * (`Outcome`, carrying a `SimulatedResponse`). `Simulator` re-exports them with their documentation; they live here
 * so the engine can build outcomes without importing `Simulator`.
 *
 * @internal
 */
import { Data, Duration } from "effect"

/**
 * A request as it arrived (see `Simulator.SimulatedRequest`).
 *
 * @internal
 */
export interface SimulatedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * An answer to be sent (see `Simulator.SimulatedResponse`).
 *
 * @internal
 */
export interface SimulatedResponse {
  readonly status: number
  /** A header given as an array is sent once per value (a repeated header). */
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body: string
}

/**
 * What the transport must do with a request (see `Simulator.Outcome`).
 *
 * @internal
 */
export type Outcome = Data.TaggedEnum<{
  Respond: {
    readonly response: SimulatedResponse
    readonly delay?: Duration.Duration
    readonly truncateAfterBytes?: number
  }
  Drop: { readonly delay?: Duration.Duration }
}>

/**
 * Constructors and matchers for `Outcome`.
 *
 * @internal
 */
export const Outcome = Data.taggedEnum<Outcome>()

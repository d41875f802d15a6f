/**
 * The simulator's wire models: what a transport hands in (`SimulatedRequest`) and what it must do with it
 * (`Outcome`, carrying a `SimulatedResponse`). `Simulator` re-exports them with their documentation; they live here
 * so the engine can build outcomes without importing `Simulator`.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"

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
  /**
   * The body's raw bytes, when the transport has them: a multipart upload carries binary data that its text (UTF-8
   * decoded) would not keep. Absent, the body is `body`'s UTF-8 encoding.
   */
  readonly bytes?: Uint8Array | undefined
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
  /**
   * A file's bytes, sent instead of `body` (which is then empty): pulled chunk by chunk as the peer reads them, so a
   * file of any size is served in constant memory, with no `Content-Length` (chunked on a socket).
   */
  readonly stream?: BodyStream | undefined
}

/**
 * Raw bytes to send: `chunks` is called once per answer and pulled lazily; `gzip` has the transport compress them
 * on the way out, as WeChat serves a bill asked for with `tar_type=GZIP`.
 *
 * @internal
 */
export interface BodyStream {
  readonly chunks: () => Iterable<Uint8Array>
  readonly gzip: boolean
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

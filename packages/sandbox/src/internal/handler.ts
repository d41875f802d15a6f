/**
 * What a route is: the context its handler gets, what it answers, and the first check of a body route. Kept apart
 * from the route table so route modules can use them without importing the table that gathers them.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { KeyObject } from "node:crypto"
import type { Fault } from "../Fault.js"
import type * as KeyRing from "./keyring.js"
import type { BodyStream, SimulatedRequest } from "./model.js"
import * as Problem from "./problem.js"
import type * as Router from "./router.js"
import type { State } from "./state.js"

/**
 * The parts of the simulator's settings a handler may use.
 *
 * @internal
 */
export interface Settings {
  readonly mchid: string
  /**
   * The platform key that decrypts this request's sensitive fields and the serial it must name. In certificate or
   * mixed mode the engine picks them by the request's `Wechatpay-Serial` (see `keyring.ts`), so every route accepts
   * any key of the mode.
   */
  readonly platformPrivateKey: KeyObject
  readonly platformPublicKeyId: string
  readonly tokenExpiresIn: number
  /** The merchant's public key: it verifies the merchant's signatures, and answer fields are encrypted to it. */
  readonly merchantPublicKey: KeyObject
  /**
   * How long an accepted transfer batch stays `ACCEPTED`, then `PROCESSING`, in milliseconds from its creation; how
   * long a receipt stays `ACCEPTED` after it was applied for.
   */
  readonly transferTimings: {
    readonly processingAfter: number
    readonly finishedAfter: number
    readonly receiptAfter: number
  }
  /** The platform keys by mode: who signs, who decrypts, which certificates are listed. */
  readonly keys: KeyRing.KeyRing
  /** How many generated rows a trade bill carries besides its deterministic ones (`Simulator.Options.billRows`). */
  readonly billRows: number
}

/**
 * What a handler gets: the request, its headers by lower-case name, its path parameters, the `Clock` time
 * (milliseconds), the simulator's records and settings.
 *
 * @internal
 */
export interface Context {
  readonly request: SimulatedRequest
  readonly headers: Readonly<Record<string, string>>
  readonly params: Readonly<Record<string, string>>
  readonly now: number
  readonly state: State
  readonly settings: Settings
  /**
   * The fault injected for this request, if any. The engine applies most faults itself; a route reads only those
   * that concern what it alone knows (a file's bytes, its digest: `CorruptDownload`, `WrongDigest`).
   */
  readonly fault?: Fault | undefined
}

/**
 * Records the request's effect and renders the success: a body answered 200 and signed, or a `Reply` that says
 * its status (a 204 with an empty body) or that it is a file, answered unsigned as WeChat answers downloads.
 *
 * @internal
 */
export type Answer = () => string | Reply

/**
 * A success that is not a plain signed 200.
 *
 * @internal
 */
export interface Reply {
  readonly status: number
  readonly body: string
  /** A file's bytes, sent instead of `body` (see `SimulatedResponse.stream`). */
  readonly stream?: BodyStream | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly unsigned?: boolean | undefined
}

/**
 * Serves one route.
 *
 * @internal
 */
export type Handler = (context: Context) => Either.Either<Answer, Problem.Problem>

/**
 * A route a module serves: `{ method, path, handle }`. Each route module exports `routes: ReadonlyArray<Route>`.
 *
 * @internal
 */
export type Route = Router.Route<Handler>

const mediaTypes = (header: string): Array<string> =>
  header.split(",").map((part) => part.split(";")[0].trim().toLowerCase())

/**
 * The media types an `Accept` header lists, lower case, without parameters.
 *
 * @internal
 */
export const acceptedTypes = mediaTypes

/**
 * A body route's first check: `Content-Type: application/json`.
 *
 * @internal
 */
export const requireJson = (headers: Readonly<Record<string, string>>): Either.Either<void, Problem.Problem> => {
  const contentType = headers["content-type"]
  if (contentType !== undefined && mediaTypes(contentType)[0] === "application/json") return Either.void
  return Either.left(Problem.paramError({
    field: "Content-Type",
    ...(contentType === undefined ? {} : { value: contentType }),
    issue: contentType === undefined ? "missing" : "must be application/json",
    location: "header",
    message: "The Content-Type header must be application/json"
  }))
}

/**
 * Builds the simulator service over the engine and its records.
 *
 * @internal
 */
import { Clock, Effect, Either, type Option } from "effect"
import type { CheckNotProcessing, Options, Service } from "../Simulator.js"
import type * as Authentications from "./authentications.js"
import * as crypto from "./crypto.js"
import * as Engine from "./engine.js"
import * as State from "./state.js"

/**
 * The service for `options`; `notProcessing` builds the error `completeCheck` fails with (passed in, so this
 * module needs no value from `Simulator`).
 *
 * @example
 * ```ts
 * make(options, (authenticateNumber, state) => new CheckNotProcessing({ authenticateNumber, state }))
 * ```
 * @internal
 */
export const make = (
  options: Options,
  notProcessing: (
    authenticateNumber: string,
    state: Option.Option<Authentications.State>
  ) => CheckNotProcessing
): Service => {
  const tokenExpiresIn = options.tokenExpiresIn ?? 1800
  const state = new State.State({
    received: options.maxReceived ?? 10_000,
    checks: options.maxChecks ?? 10_000,
    relations: options.maxRelations ?? 10_000,
    nonces: options.maxNonces ?? 100_000,
    idempotency: options.maxIdempotencyRecords ?? 10_000
  }, tokenExpiresIn)
  const engine: Engine.Engine = {
    settings: {
      mchid: options.mchid,
      merchantSerialNo: options.merchantSerialNo,
      platformPrivateKey: crypto.privateKey(options.platformPrivateKey),
      platformPublicKeyId: options.platformPublicKeyId,
      tokenExpiresIn
    },
    merchantPublicKey: crypto.publicKey(options.merchantPublicKey),
    state
  }

  const completeCheck: Service["completeCheck"] = (authenticateNumber, outcome, completeOptions) =>
    Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        Either.match(state.complete(authenticateNumber, outcome, completeOptions?.reason, now), {
          onLeft: (left) => Effect.fail(notProcessing(authenticateNumber, left.state)),
          onRight: () => Effect.void
        })
    )

  return {
    config: {
      mchid: options.mchid,
      merchantSerialNo: options.merchantSerialNo,
      platformPublicKeyId: options.platformPublicKeyId,
      tokenExpiresIn
    },
    handle: (request) => Effect.map(Clock.currentTimeMillis, (now) => Engine.handle(engine, request, now)),
    inject: (fault, injectOptions) =>
      Effect.suspend(() => {
        const times = injectOptions?.times ?? 1
        if (!Number.isInteger(times) || times < 1) {
          return Effect.dieMessage(`Simulator.inject: times must be a positive integer, got ${times}`)
        }
        state.faults.push(fault, times, injectOptions?.path)
        return Effect.void
      }),
    completeCheck,
    complete: (authenticateNumber, outcome, completeOptions) =>
      Effect.orDieWith(
        completeCheck(authenticateNumber, outcome, completeOptions),
        (error) => new Error(`Simulator.complete: ${error.message}`)
      ),
    received: Effect.sync(() => state.received.slice()),
    reset: Effect.sync(() => state.reset())
  }
}

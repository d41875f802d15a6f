/**
 * Builds the simulator service over the engine and its records.
 *
 * @internal
 */
import type { Option } from "effect"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as NodeCrypto from "node:crypto"
import type { CertificateInfo, CheckNotProcessing, Options, Service } from "../Simulator.js"
import * as TestKeys from "../TestKeys.js"
import * as Authentications from "./authentications.js"
import * as Certificates from "./certificates.js"
import * as crypto from "./crypto.js"
import * as Engine from "./engine.js"
import { KeyRing } from "./keyring.js"
import * as Notifier from "./notifier.js"
import * as State from "./state.js"
import * as Tokens from "./tokens.js"
import * as TransferQueries from "./transferQueries.js"

const YEAR = 365 * 86_400_000

// 40 hex digits whose first is 1–7: a positive DER integer keeps all 20 bytes, so the serial reads back unchanged.
const certificateSerial = () => `${1 + NodeCrypto.randomInt(7)}${crypto.hex(20).slice(1)}`

const newCertificate = (privateKey: string | NodeCrypto.KeyObject, now: number) =>
  Effect.promise(() =>
    Certificates.create({
      privateKey,
      serialNo: certificateSerial(),
      validFrom: now - 86_400_000,
      validTo: now + 5 * YEAR
    })
  )

const info = (c: Certificates.PlatformCertificate): CertificateInfo => ({
  serialNo: c.serialNo,
  pem: c.pem,
  validFrom: c.validFrom,
  validTo: c.validTo
})

// Checked when the simulator is built, as its limits are: a bill's size must be a count of rows.
const billRowsOf = (rows: number | undefined): number => {
  if (rows === undefined) return 0
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new RangeError(`billRows must be a non-negative integer, got ${rows}`)
  }
  return rows
}

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
): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const mode = options.keyMode ?? "publicKey"
    if (mode !== "publicKey" && options.apiV3Key === undefined) {
      return yield* Effect.dieMessage(`Simulator: keyMode ${mode} needs an apiV3Key`)
    }
    const now = yield* Clock.currentTimeMillis
    const certificates = mode === "publicKey"
      ? []
      : [yield* newCertificate(options.certificatePrivateKey ?? (yield* TestKeys.generate).privateKey, now)]
    const publicKey = { serial: options.platformPublicKeyId, privateKey: crypto.privateKey(options.platformPrivateKey) }
    const keys = new KeyRing(mode, publicKey, certificates, options.apiV3Key)
    return build(options, notProcessing, keys)
  })

const build = (
  options: Options,
  notProcessing: (
    authenticateNumber: string,
    state: Option.Option<Authentications.State>
  ) => CheckNotProcessing,
  keys: KeyRing
): Service => {
  const tokenExpiresIn = options.tokenExpiresIn ?? 1800
  const state = new State.State({
    received: options.maxReceived ?? 10_000,
    receivedBytes: options.maxReceivedBytes ?? 64 * 1_048_576,
    checks: options.maxChecks ?? 10_000,
    relations: options.maxRelations ?? 10_000,
    nonces: options.maxNonces ?? 100_000,
    idempotency: options.maxIdempotencyRecords ?? 10_000,
    batches: options.maxTransferBatches ?? 500
  })
  const engine: Engine.Engine = {
    settings: {
      mchid: options.mchid,
      merchantSerialNo: options.merchantSerialNo,
      platformPrivateKey: crypto.privateKey(options.platformPrivateKey),
      platformPublicKeyId: options.platformPublicKeyId,
      tokenExpiresIn,
      merchantPublicKey: crypto.publicKey(options.merchantPublicKey),
      transferTimings: {
        processingAfter: Duration.toMillis(options.transferProcessingAfter ?? "1 second"),
        finishedAfter: Duration.toMillis(options.transferFinishedAfter ?? "3 seconds"),
        receiptAfter: Duration.toMillis(options.receiptFinishedAfter ?? "1 second")
      },
      keys,
      billRows: billRowsOf(options.billRows)
    },
    state
  }

  const completeCheck: Service["completeCheck"] = (authenticateNumber, outcome, completeOptions) =>
    Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        Either.match(Authentications.complete(state, authenticateNumber, outcome, completeOptions?.reason, now), {
          onLeft: (left) => Effect.fail(notProcessing(authenticateNumber, left.state)),
          onRight: () => Effect.void
        })
    )

  return {
    config: {
      mchid: options.mchid,
      merchantSerialNo: options.merchantSerialNo,
      platformPublicKeyId: options.platformPublicKeyId,
      tokenExpiresIn,
      keyMode: keys.mode,
      hasApiV3Key: keys.apiV3Key !== undefined
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
    certificates: Effect.map(Clock.currentTimeMillis, (now) => keys.listed(now).map(info)),
    rotateCertificate: (rotateOptions) =>
      Effect.gen(function*() {
        if (keys.mode === "publicKey") return yield* Effect.dieMessage("Simulator.rotateCertificate: public-key mode")
        const pair = yield* TestKeys.generate
        const certificate = yield* newCertificate(pair.privateKey, yield* Clock.currentTimeMillis)
        // Listed first; used to sign only once activated, as WeChat lists a new certificate before using it.
        keys.certificates.push(certificate)
        if (rotateOptions?.activate !== false) keys.inUse = certificate.serialNo
        return info(certificate)
      }),
    activateCertificate: (serialNo) =>
      Effect.suspend(() => {
        const wanted = serialNo.toUpperCase()
        if (!keys.certificates.some((c) => c.serialNo === wanted)) {
          return Effect.dieMessage(`Simulator.activateCertificate: ${serialNo} is not listed`)
        }
        keys.inUse = wanted
        return Effect.void
      }),
    signWith: (key) =>
      Effect.suspend(() => {
        if (keys.mode !== "mixed") return Effect.dieMessage("Simulator.signWith: only in mixed mode")
        keys.signer = key
        return Effect.void
      }),
    notify: (notifyOptions) => Notifier.deliver(keys, notifyOptions),
    authorizeToken: (token) =>
      Effect.map(Clock.currentTimeMillis, (now) => Tokens.authorize(state, token, now) !== undefined),
    planTransferBatch: (outBatchNo, plan) =>
      Effect.sync(() => {
        state.store(TransferQueries.Plans).set(outBatchNo, {
          notFoundFor: plan.notFoundFor === undefined ? undefined : Duration.toMillis(plan.notFoundFor),
          close: plan.close,
          failures: plan.failDetails
        })
      }),
    received: Effect.sync(() => state.received.all()),
    reset: Effect.sync(() => state.reset())
  }
}

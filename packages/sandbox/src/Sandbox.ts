/**
 * One-line test and demo layers: fresh keys, a simulator holding WeChat's side of them, and a
 * `WeChatPay` layer holding the merchant's side, wired to the simulator in memory or over loopback.
 *
 * @since 0.1.0
 */
import { type PlatformCertificates, WeChatPay, type WeChatPayClient, type WeChatPayError } from "@effect-wechatpay/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as SandboxHttpClient from "./SandboxHttpClient.js"
import * as SandboxServer from "./SandboxServer.js"
import * as Simulator from "./Simulator.js"
import * as TestKeys from "./TestKeys.js"

/**
 * The generated keys and identifiers of a sandbox, for tests that need to look behind the curtain
 * (e.g. to check that no private key leaked into a log).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Sandbox } from "@effect-wechatpay/sandbox"
 *
 * declare const logLines: ReadonlyArray<string>
 * const leaked = Effect.map(Sandbox.Sandbox, (keys) => logLines.some((line) => line.includes(keys.merchantPrivateKey)))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Sandbox extends Context.Tag("@effect-wechatpay/sandbox/Sandbox")<Sandbox, TestKeys.KeySet>() {}

/**
 * Settings of the sandbox layers: the merchant id, token lifetime and the client's options.
 *
 * @example
 * ```ts
 * import type { Sandbox } from "@effect-wechatpay/sandbox"
 *
 * const options: Sandbox.Options = { mchid: "1900000002", tokenExpiresIn: 60, retry: false, timeout: "2 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Omit<WeChatPayClient.Options, "baseUrl"> {
  /** The merchant id (default `1900000001`). */
  readonly mchid?: string | undefined
  /** The simulator's `expires_in` for tokens. */
  readonly tokenExpiresIn?: number | undefined
  /**
   * The simulator's platform keys, and the client configured to match: `publicKey` (default), `certificate`
   * (the client downloads certificates with the APIv3 key) or `mixed` (both).
   */
  readonly keyMode?: Simulator.KeyMode | undefined
  /** How long an accepted transfer batch takes to turn `PROCESSING` and then `FINISHED` (default 1 s and 3 s). */
  readonly transferProcessingAfter?: Simulator.Options["transferProcessingAfter"]
  readonly transferFinishedAfter?: Simulator.Options["transferFinishedAfter"]
  readonly receiptFinishedAfter?: Simulator.Options["receiptFinishedAfter"]
}

/**
 * What the sandbox layers provide: every SDK service, the simulator (to inject faults and read what it
 * received) and the generated keys.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Sandbox } from "@effect-wechatpay/sandbox"
 *
 * declare const test: Effect.Effect<void, never, Sandbox.Services>
 * const runnable = test.pipe(Effect.provide(Sandbox.layer()))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Services = WeChatPay.Services | Simulator.Simulator | Sandbox

const keysAndSimulator = (options: Options) =>
  Layer.unwrapEffect(
    Effect.map(TestKeys.generateSet({ mchid: options.mchid }), (keys) =>
      Layer.merge(
        Layer.succeed(Sandbox, keys),
        Simulator.layer({
          ...keys,
          keyMode: options.keyMode,
          ...(options.tokenExpiresIn !== undefined ? { tokenExpiresIn: options.tokenExpiresIn } : {}),
          transferProcessingAfter: options.transferProcessingAfter,
          transferFinishedAfter: options.transferFinishedAfter,
          receiptFinishedAfter: options.receiptFinishedAfter
        })
      ))
  )

// The client is configured as a merchant in that mode would be: certificate mode has no public key at all.
const clientFor = (keys: TestKeys.KeySet, options: Options, baseUrl?: string) => {
  const {
    keyMode,
    receiptFinishedAfter: _receipt,
    tokenExpiresIn: _token,
    transferFinishedAfter: _finished,
    transferProcessingAfter: _processing,
    ...clientOptions
  } = options
  return WeChatPay.layer({
    ...clientOptions,
    mchid: keys.mchid,
    merchantSerialNo: keys.merchantSerialNo,
    merchantPrivateKey: Redacted.make(keys.merchantPrivateKey),
    ...(keyMode === "certificate"
      ? {}
      : { platformPublicKeyId: keys.platformPublicKeyId, platformPublicKey: keys.platformPublicKey }),
    apiV3Key: Redacted.make(keys.apiV3Key),
    // A public-key merchant keeps its APIv3 key for callbacks only: no certificate download.
    ...(keyMode === undefined || keyMode === "publicKey" ? { downloadCertificates: false } : {}),
    baseUrl
  })
}

/**
 * The whole SDK against an in-memory simulator: no socket, and `TestClock` drives both sides' clocks
 * (skew checks, delays, backoff).
 *
 * @example
 * ```ts
 * import { it } from "@effect/vitest"
 * import { Sandbox } from "@effect-wechatpay/sandbox"
 *
 * it.layer(Sandbox.layer())("pre-order", (it) => {
 *   // it.effect(...) runs with Signer, Encryptor, Verifier, WeChatPayClient and the Simulator
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Services, WeChatPayError.InvalidOptionError | PlatformCertificates.CertificateError> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const keys = yield* Sandbox
      const simulator = yield* Simulator.Simulator
      // A fresh layer value per sandbox: a shared constant would be memoized across sandboxes.
      const transport = Layer.succeed(HttpClient.HttpClient, SandboxHttpClient.fromSimulator(simulator))
      return clientFor(keys, options).pipe(Layer.provide(transport))
    })
  ).pipe(Layer.provideMerge(keysAndSimulator(options)))

/**
 * The whole SDK against the simulator served on a loopback port, through the `HttpClient` the caller
 * provides (`FetchHttpClient.layer`, `NodeHttpClient.layerUndici`, …): the real network stack end to end.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { Sandbox } from "@effect-wechatpay/sandbox"
 *
 * const Live = Sandbox.layerServer().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (
  options: Options & SandboxServer.Options = {}
): Layer.Layer<
  Services | SandboxServer.SandboxServer,
  WeChatPayError.InvalidOptionError | PlatformCertificates.CertificateError | SandboxServer.SandboxServerError,
  HttpClient.HttpClient
> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const keys = yield* Sandbox
      const server = yield* SandboxServer.SandboxServer
      return clientFor(keys, options, server.url)
    })
  ).pipe(
    Layer.provideMerge(SandboxServer.layer({ port: options.port, host: options.host })),
    Layer.provideMerge(keysAndSimulator(options))
  )

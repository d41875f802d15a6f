/**
 * Diagnostic variants of the SDK over `LeanHttpClient` (opt-in with `--contenders=`), each removing one
 * feature from the hot path, so the table shows what that feature costs per call.
 */
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import type { MakeContender } from "../shared.js"
import { makeSdk } from "./sdk.js"

/**
 * Without tracing: no `PayrollCard.preOrderWithAuth` span, span annotations are no-ops.
 *
 * @example
 * ```ts
 * const contender = await noTracer({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const noTracer: MakeContender = (setup) => makeSdk(setup, LeanHttpClient.layer(), { tracer: false })

/**
 * Without the retry wrapper (`retry: false`).
 *
 * @example
 * ```ts
 * const contender = await noRetry({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const noRetry: MakeContender = (setup) => makeSdk(setup, LeanHttpClient.layer(), { retry: false })

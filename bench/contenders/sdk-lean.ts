/** Contender: this SDK over our own `LeanHttpClient.layer` (node:http, keep-alive pool). */
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import type { MakeContender } from "../shared.js"
import { makeSdk } from "./sdk.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = (setup) => makeSdk(setup, LeanHttpClient.layer())

/**
 * Extra contender (not in the default set): this SDK over `NodeHttpClient.layer`, @effect/platform-node's
 * node:http client, to separate the cost of `HttpClient.make` from the cost of undici.
 */
import { NodeHttpClient } from "@effect/platform-node"
import type { MakeContender } from "../shared.js"
import { makeSdk } from "./sdk.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = (setup) => makeSdk(setup, NodeHttpClient.layer)

/** Contender: this SDK over `NodeHttpClient.layerUndici` (the transport the examples use). */
import { NodeHttpClient } from "@effect/platform-node"
import type { MakeContender } from "../shared.js"
import { makeSdk } from "./sdk.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = (setup) => makeSdk(setup, NodeHttpClient.layerUndici)

/** Contender: this SDK over `FetchHttpClient.layer` (Node's global fetch, i.e. its bundled undici). */
import { FetchHttpClient } from "@effect/platform"
import type { MakeContender } from "../shared.js"
import { makeSdk } from "./sdk.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = (setup) => makeSdk(setup, FetchHttpClient.layer)

/** Contender: bare node:crypto + node:http, signing synchronously on the main thread (what other SDKs do). */
import * as Crypto from "node:crypto"
import type { MakeContender } from "../shared.js"
import { makeBare } from "./bare.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = (setup) => makeBare(setup, (key, message) => Crypto.sign("sha256", message, key))

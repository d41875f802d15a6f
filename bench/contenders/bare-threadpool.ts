/**
 * Contender: bare node:crypto + node:http, signing on libuv's threadpool (`crypto.sign` with a callback),
 * so concurrent calls sign on every core: the practical limit of the machine.
 */
import * as Crypto from "node:crypto"
import type { MakeContender } from "../shared.js"
import { makeBare } from "./bare.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = (setup) =>
  makeBare(
    setup,
    (key, message) =>
      new Promise((resolve, reject) =>
        Crypto.sign("sha256", message, key, (error, signature) => error ? reject(error) : resolve(signature))
      )
  )

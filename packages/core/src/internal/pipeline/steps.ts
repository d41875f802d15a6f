/**
 * The steps `WeChatPayClient`'s pipeline is made of, each in a module of its own and bound here to one client's
 * configuration, for the combinator chain in `WeChatPayClient.make` to put in order: send (`send.ts`: own span,
 * failover), answer (`answer.ts`: verify or type the error), the attempt's timeout and the mapping of the
 * transport's errors (`attempt.ts`), and for `execute` decoding and echo binding (`decode.ts`).
 */
import * as Answer from "./answer.js"
import * as Attempt from "./attempt.js"
import * as Decode from "./decode.js"
import * as Send from "./send.js"

/** What the steps need to know. */
export type Config = Attempt.Config

/** The steps, bound to one client's configuration. */
export const make = (config: Config) => {
  const attempt = Attempt.make(config)
  const { prepare, send } = Send.make(config, attempt)
  const { verified } = Answer.make(config, attempt)
  const { decodeAnswer } = Decode.make(attempt)
  return {
    send,
    prepare,
    verified,
    attemptTimeout: attempt.attemptTimeout,
    decodeAnswer,
    sanitizeRequestError: attempt.sanitizeRequestError
  }
}

#!/usr/bin/env -S npx tsx
/**
 * The `wechatpay` bin: runs the command line and exits with its code (see `Cli`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Cli from "./Cli.js"

Effect.runPromise(Cli.run(process.argv)).then((code) => {
  process.exitCode = code
})

#!/usr/bin/env -S npx tsx
/**
 * The `effect-wechatpay-sandbox` command: a loopback WeChat Pay APIv3 simulator for manual testing and other
 * languages' clients (see the `Cli` module for its flags and what it prints). Installed, it is the package's bin;
 * in this repository, run it from source:
 *
 * ```sh
 * npx tsx packages/sandbox/src/main.ts --port 8080 --write-keys .sandbox-keys
 * ```
 *
 * `runMain` interrupts the program on SIGINT/SIGTERM, which closes the server, and exits 1 on a failure.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cli from "./Cli.js"

NodeRuntime.runMain(Cli.program(process.argv.slice(2)))

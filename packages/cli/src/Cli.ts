/**
 * The `wechatpay` command: `payroll-card <call>` (one subcommand per declared call), `call` (any APIv3 request),
 * `certificates download`, `notify decode` and `sandbox start|notify` (the loopback simulator). `run` parses a command line, runs it and gives the exit code:
 * 0 success, 2 invalid input (nothing sent), 3 WeChat's business error, 4 a verification failure, 5 a network
 * failure, 6 an `await-*` command gave up waiting (ask again later), 1 anything unexpected. On failure stdout stays empty and stderr holds one line.
 *
 * @since 0.1.0
 */
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import * as Command from "@effect/cli/Command"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as FamilyCommand from "./FamilyCommand.js"
import * as Commands from "./internal/commands.js"
import * as Downloads from "./internal/downloads.js"
import * as Exits from "./internal/exit.js"
import * as Sandbox from "./internal/sandbox.js"

/**
 * The command tree.
 *
 * @example
 * ```ts
 * import { Cli } from "@effect-wechatpay/cli"
 *
 * const tree = Cli.command
 * ```
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("wechatpay").pipe(
  Command.withDescription("WeChat Pay APIv3 from the command line: every declared call, signed, verified"),
  Command.withSubcommands([
    FamilyCommand.make("payroll-card", PayrollCard.endpoints, PayrollCard.helpers),
    Commands.call,
    Commands.certificates,
    Commands.notify,
    Downloads.bill,
    Downloads.receipt,
    Sandbox.sandbox
  ])
)

// Logs go to stderr, so stdout holds the answer and nothing else; by default only warnings and errors
// (`--log-level debug` shows more).
const Logging = Layer.merge(
  Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)),
  Logger.minimumLogLevel(LogLevel.Warning)
)

const Environment = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer, Logging)

/**
 * Runs a command line (`process.argv`, node and script first) and gives its exit code; the failure's one line is
 * on stderr.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Cli } from "@effect-wechatpay/cli"
 *
 * const code = Effect.runPromise(Cli.run(["node", "wechatpay", "--help"]))
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number> =>
  Command.run(command, { name: "wechatpay", version: "0.1.0" })(argv).pipe(
    Effect.provide(Environment),
    Effect.exit,
    Effect.flatMap((exit) => {
      if (Exit.isSuccess(exit)) return Effect.succeed(0)
      const { code, message } = Exits.ofCause(exit.cause)
      return message === undefined ? Effect.succeed(code) : Effect.as(Console.error(message), code)
    })
  )

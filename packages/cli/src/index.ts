/**
 * @since 0.1.0
 */

/**
 * The `wechatpay` command tree and its runner.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * A family of declared calls as a command, one subcommand per declaration.
 *
 * @since 0.1.0
 */
export * as FamilyCommand from "./FamilyCommand.js"

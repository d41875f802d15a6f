/**
 * `@effect-wechatpay/sandbox`: an offline WeChat Pay APIv3 simulator with in-memory and loopback transports.
 *
 * @since 0.1.0
 */

/**
 * The simulator: request checks, signed answers, injectable faults.
 *
 * @since 0.1.0
 */
export * as Simulator from "./Simulator.js"

/**
 * Misbehaviours to inject into the simulator (`Simulator.Fault` is this module's `Fault`).
 *
 * @since 0.1.0
 */
export * as Fault from "./Fault.js"

/**
 * An `HttpClient` answered in memory by the simulator.
 *
 * @since 0.1.0
 */
export * as SandboxHttpClient from "./SandboxHttpClient.js"

/**
 * The simulator on a loopback HTTP socket.
 *
 * @since 0.1.0
 */
export * as SandboxServer from "./SandboxServer.js"

/**
 * Throwaway RSA keys and identifiers for tests and examples.
 *
 * @since 0.1.0
 */
export * as TestKeys from "./TestKeys.js"

/**
 * One-line layers: keys, simulator and a matching `WeChatPay` client.
 *
 * @since 0.1.0
 */
export * as Sandbox from "./Sandbox.js"

/**
 * The `effect-wechatpay-sandbox` command as a program, to embed in a script of your own.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

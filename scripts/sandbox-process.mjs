// The sandbox CLI as a child process, for the scripts that run code against it as a user would: starts it on a
// free loopback port with fixed identifiers and keys written to `keys`, waits until it listens, and gives the
// WECHATPAY_* variables that point a client at it (`WeChatPay.layerConfig()` reads them).
import { spawn } from "node:child_process"
import * as Path from "node:path"

const MCHID = "1900000001"
const SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
const KEY_ID = "PUB_KEY_ID_0119000000012025010100000000000000"

/**
 * Starts `command …prefix --port 0 … --write-keys keys` in `cwd`; resolves to `{ url, env, stop }` once it listens
 * (rejects if it exits first or takes more than 30 s). `stop()` ends it and waits for its exit.
 */
export const startSandbox = async ({ command, prefix = [], cwd, keys }) => {
  const args = ["--port", "0", "--mchid", MCHID, "--merchant-serial-no", SERIAL, "--platform-public-key-id", KEY_ID]
  const child = spawn(command, [...prefix, ...args, "--write-keys", keys], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"]
  })
  const exited = new Promise((resolve) => child.once("exit", resolve))
  const stop = async () => {
    child.kill("SIGTERM")
    await exited
  }
  try {
    const url = await new Promise((resolve, reject) => {
      let output = ""
      const timer = setTimeout(() => reject(new Error(`the sandbox did not start:\n${output}`)), 30_000)
      child.stdout.on("data", (chunk) => {
        output += chunk
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match !== null && output.includes("Ctrl+C")) {
          clearTimeout(timer)
          resolve(match[1])
        }
      })
      child.once("exit", (code) => {
        clearTimeout(timer)
        reject(new Error(`the sandbox exited (${code}):\n${output}`))
      })
    })
    const env = {
      ...process.env,
      WECHATPAY_MCHID: MCHID,
      WECHATPAY_MERCHANT_SERIAL_NO: SERIAL,
      WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: Path.join(keys, "merchant_private_key.pem"),
      WECHATPAY_PUBLIC_KEY_ID: KEY_ID,
      WECHATPAY_PUBLIC_KEY_FILE: Path.join(keys, "platform_public_key.pem"),
      WECHATPAY_BASE_URL: url
    }
    return { url, env, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

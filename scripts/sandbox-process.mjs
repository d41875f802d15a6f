// The sandbox CLI as a child process, for the scripts that run code against it as a user would: starts it on a
// free loopback port with its keys written to `keys`, waits until it listens, and gives the WECHATPAY_* variables
// that point a client at it (`WeChatPay.layerConfig()` reads them) exactly as the CLI printed them: its
// `export WECHATPAY_…=…` lines, nothing this script knows on its own, so a wrong or missing line fails the run.
import { spawn } from "node:child_process"

/**
 * Starts `command …prefix --port 0 --write-keys keys …extra` in `cwd` (or, given `args`, `command …args`, as a
 * README line has it); resolves to `{ url, env, exports, stop }`
 * once it listens (rejects if it exits first or takes more than 30 s). `exports` holds the printed variables;
 * `env` is this process's environment without any WECHATPAY_* variable of its own, plus those. `stop()` ends the
 * sandbox and waits for its exit.
 */
export const startSandbox = async ({ command, prefix = [], cwd, keys, extra = [], args }) => {
  const child = spawn(command, args ?? [...prefix, "--port", "0", "--write-keys", keys, ...extra], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"]
  })
  const exited = new Promise((resolve) => child.once("exit", resolve))
  const stop = async () => {
    child.kill("SIGTERM")
    await exited
  }
  try {
    const output = await new Promise((resolve, reject) => {
      let text = ""
      const timer = setTimeout(() => reject(new Error(`the sandbox did not start:\n${text}`)), 30_000)
      child.stdout.on("data", (chunk) => {
        text += chunk
        if (text.includes("Ctrl+C")) {
          clearTimeout(timer)
          resolve(text)
        }
      })
      child.once("exit", (code) => {
        clearTimeout(timer)
        reject(new Error(`the sandbox exited (${code}):\n${text}`))
      })
    })
    const exports = parseExports(output)
    const url = exports.WECHATPAY_BASE_URL
    if (url === undefined) throw new Error(`the sandbox printed no export WECHATPAY_BASE_URL line:\n${output}`)
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("WECHATPAY_")))
    return { url, env: { ...env, ...exports }, exports, output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The `export NAME=value` lines of the CLI's output, read as a shell reads them (quotes undone). */
export const parseExports = (output) =>
  Object.fromEntries(
    [...output.matchAll(/^\s*export (WECHATPAY_[A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [
      name,
      /^["']/.test(value) ? value.slice(1, -1).replaceAll(`'\\''`, "'") : value
    ])
  )

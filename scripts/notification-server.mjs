// The README's notification server as a reader runs it: started as a process of its own on a free loopback port
// (PORT), configured by the sandbox's printed WECHATPAY_* lines, then sent one signed, encrypted notification by
// that sandbox (POST /sandbox/notifications). Passes when WeChat's side hears 204 and the server's handler logged
// the notification; and, started without an APIv3 key, the server must fail at start naming the variable.
import { spawn } from "node:child_process"
import * as Net from "node:net"

const OUT_TRADE_NO = "1217752501201407033233368018"

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

const listening = (port) =>
  new Promise((resolve) => {
    const socket = Net.connect(port, "127.0.0.1", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

/** Starts `command args` with `env` and PORT; resolves to `{ port, output, exited, stop }` once it listens. */
const start = async ({ command, args, cwd, env }) => {
  const port = await freePort()
  const child = spawn(command, args, { cwd, env: { ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout.on("data", (chunk) => output += chunk)
  child.stderr.on("data", (chunk) => output += chunk)
  let code
  const exited = new Promise((resolve) =>
    child.once("exit", (c) => {
      code = c
      resolve(c)
    })
  )
  const stop = async () => {
    if (code === undefined) child.kill("SIGTERM")
    await exited
  }
  return { port, child, exited, stop, output: () => output, code: () => code }
}

/**
 * Runs the server (`command args`, in `cwd`) against the sandbox at `sandboxUrl`, configured by `env` (its printed
 * lines, with the APIv3 key), and delivers one notification; then, with `envWithoutKey`, checks it refuses to start.
 */
export const checkNotificationServer = async ({ command, args, cwd, env, envWithoutKey, sandboxUrl }) => {
  const server = await start({ command, args, cwd, env })
  try {
    const deadline = Date.now() + 60_000
    while (!(await listening(server.port))) {
      if (server.code() !== undefined) throw new Error(`the notification server exited:\n${server.output()}`)
      if (Date.now() > deadline) throw new Error(`the notification server did not listen:\n${server.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const url = `http://127.0.0.1:${server.port}/wechatpay/notify`
    console.log(`notification server listening on ${url}; asking the sandbox to notify it`)
    const response = await fetch(`${sandboxUrl}/sandbox/notifications`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        url,
        event_type: "TRANSACTION.SUCCESS",
        resource: { out_trade_no: OUT_TRADE_NO, trade_state: "SUCCESS" }
      })
    })
    const delivery = await response.json()
    if (!response.ok || delivery.delivered !== true || delivery.last_status !== 204) {
      throw new Error(`the notification was not acknowledged: ${JSON.stringify(delivery)}\n${server.output()}`)
    }
    // The handler's own log line: acknowledged only after it ran.
    const logged = Date.now() + 5_000
    while (!server.output().includes(`${OUT_TRADE_NO} SUCCESS`)) {
      if (Date.now() > logged) throw new Error(`the handler did not log the notification:\n${server.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    console.log(`delivered (${delivery.id}), 204, handled`)
  } finally {
    await server.stop()
  }
  const unconfigured = await start({ command, args, cwd, env: envWithoutKey })
  const timer = setTimeout(() => unconfigured.stop(), 60_000)
  const code = await unconfigured.exited
  clearTimeout(timer)
  if (code === 0 || !unconfigured.output().includes("WECHATPAY_API_V3_KEY")) {
    throw new Error(
      `without an APIv3 key the server must fail at start naming it (exit ${code}):\n${unconfigured.output()}`
    )
  }
  console.log("without WECHATPAY_API_V3_KEY the server stops at start, naming the variable")
}

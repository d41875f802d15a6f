import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import * as SandboxServer from "../src/SandboxServer.js"
import * as Simulator from "../src/Simulator.js"
import { generateKeys } from "./fixtures.js"

const MB = 2 ** 20
/** About 278 bytes a row: some 105 MB of bill, uncompressed. */
const ROWS = 380_000

const child = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  Effect.async<string, Error>((resume) => {
    ChildProcess.execFile(
      process.execPath,
      ["--expose-gc", "--import", "tsx", Path.join(import.meta.dirname, "memory", "billRss.ts"), ...args],
      { timeout: 170_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resume(error ? Effect.fail(new Error(`${error.message}\n${stderr}`)) : Effect.succeed(stdout))
    )
  })

/**
 * Serves the big bill from a loopback sandbox in this process and runs the child on it (`mode` "file" or "rows"),
 * sampling this process's RSS meanwhile (no forced collection here): a bill built whole would add its 105 MB, and its
 * gzip. Gives the child's JSON result, its output, and the serving side's RSS growth.
 */
const bigBill = (mode: "file" | "rows") =>
  Effect.gen(function*() {
    const keys = yield* Effect.promise(generateKeys)
    const server = yield* SandboxServer.make().pipe(
      Effect.provide(Layer.fresh(Simulator.layer({ ...keys, billRows: ROWS })))
    )
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10)
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const serverStart = process.memoryUsage().rss
    let serverPeak = serverStart
    const sampler = setInterval(() => {
      serverPeak = Math.max(serverPeak, process.memoryUsage().rss)
    }, 50)
    yield* Effect.addFinalizer(() => Effect.sync(() => clearInterval(sampler)))
    const out = yield* child([server.url, yesterday, mode], {
      SANDBOX_MCHID: keys.mchid,
      SANDBOX_MERCHANT_SERIAL_NO: keys.merchantSerialNo,
      SANDBOX_MERCHANT_PRIVATE_KEY: keys.merchantPrivateKey,
      SANDBOX_PLATFORM_PUBLIC_KEY_ID: keys.platformPublicKeyId,
      SANDBOX_PLATFORM_PUBLIC_KEY: keys.platformPublicKey
    })
    const result = JSON.parse(out.trim().split("\n").pop()!) as {
      readonly growth: number
      readonly bytes: number
      readonly written: number
      readonly millis: number
    }
    return { result, out, serverGrowth: serverPeak - serverStart }
  })

// The sandbox serves here, on a real socket in real time; the client downloads in a child process whose memory is
// its own. The bill is generated as it is sent, gzip-compressed on the way.
describe("a big bill in constant memory", () => {
  it.scopedLive(
    "a 100 MB (uncompressed) gzip trade bill from the loopback server to a file: RSS within 64 MB, a full GC every 50 ms",
    () =>
      Effect.gen(function*() {
        const { out, result, serverGrowth } = yield* bigBill("file")
        assert.isAtLeast(result.bytes, 100 * MB)
        assert.strictEqual(result.written, result.bytes)
        assert.isBelow(result.growth, 64 * MB, out)
        console.log(`big bill: client ${out.trim()}; server RSS growth ${serverGrowth}`)
        assert.isBelow(serverGrowth, 100 * MB)
      }),
    { timeout: 180_000 }
  )

  it.scopedLive(
    "the same bill decoded by Bill.rows as it streams: every row, RSS within 64 MB, a full GC every 50 ms",
    () =>
      Effect.gen(function*() {
        const { out, result, serverGrowth } = yield* bigBill("rows")
        // Here `bytes` counts the rows decoded: every one the sandbox generated (one payment of its own too).
        assert.isAtLeast(result.bytes, ROWS)
        assert.isBelow(result.growth, 64 * MB, out)
        console.log(`big bill rows: client ${out.trim()}; server RSS growth ${serverGrowth}`)
        assert.isBelow(serverGrowth, 100 * MB)
      }),
    { timeout: 180_000 }
  )
})

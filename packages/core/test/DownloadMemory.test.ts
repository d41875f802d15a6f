import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import { billOf } from "./utils/bill.js"
import { fileServer, MB } from "./utils/hostile.js"

const SIZE = 100 * MB

const child = (args: ReadonlyArray<string>) =>
  Effect.async<string, Error>((resume) => {
    ChildProcess.execFile(
      process.execPath,
      ["--expose-gc", "--import", "tsx", Path.join(import.meta.dirname, "memory", "downloadRss.ts"), ...args],
      { timeout: 180_000 },
      (error, stdout, stderr) =>
        resume(error ? Effect.fail(new Error(`${error.message}\n${stderr}`)) : Effect.succeed(stdout))
    )
  })

// Real sockets, a real child process: the download's memory is the child's own, the file and server are here.
describe("Download in constant memory", () => {
  it.scopedLive(
    "a 100 MB (inflated) gzip file to a file: RSS within 64 MB of its start, a full GC every 50 ms",
    () =>
      Effect.gen(function*() {
        const big = billOf(SIZE)
        const small = billOf(MB)
        const server = yield* fileServer((request) => ({
          body: (request.url?.includes("small") ? small : big).gzipped
        }))
        const out = yield* child(["undici", server.url, small.sha1, big.sha1, String(SIZE)])
        const result = JSON.parse(out.trim().split("\n").pop()!) as {
          readonly growth: number
          readonly bytes: number
          readonly written: number
          readonly millis: number
        }
        assert.strictEqual(result.bytes, SIZE)
        assert.strictEqual(result.written, SIZE)
        assert.isBelow(result.growth, 64 * MB, out)
      }),
    { timeout: 180_000 }
  )
})

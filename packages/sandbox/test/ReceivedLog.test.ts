import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import * as SandboxServer from "../src/SandboxServer.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, PATH, provideSimulator, request, send, simulatorLayer } from "./fixtures.js"

const keys = await generateKeys()
const MiB = 1_048_576

// Vitest's workers run without --expose-gc: set the flag, then take `gc` from a fresh context, where V8 installs it.
const gc: () => void = (() => {
  V8.setFlagsFromString("--expose-gc")
  return Vm.runInNewContext("gc") as () => void
})()
const heapAfterGc = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

// A distinct string of `bytes` ASCII characters each time, so no two requests share their text.
let serial = 0
const distinct = (bytes: number) => {
  const tag = `${serial++}-`.padEnd(16, "x")
  return tag + "a".repeat(bytes - tag.length)
}

const unsigned = (url: string, body: string): Simulator.SimulatedRequest => ({
  method: "POST",
  url,
  headers: { Accept: "application/json", "Content-Type": "application/json", "User-Agent": "curl/8.0" },
  body
})

describe("the request log", () => {
  it.effect("keeps a request that failed authentication as metadata only: path, status, code, size", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const body = "x".repeat(MiB)
      yield* send(unsigned(`${PATH}?q=${"b".repeat(500)}`, body))
      const forged = yield* request(keys)
      yield* send({ ...forged, body: forged.body.replace("某项目", "另一项目") })
      const signed = yield* request(keys)
      yield* send(signed)
      const [anonymous, tampered, accepted] = yield* Simulator.received
      assert.deepInclude(anonymous, {
        method: "POST",
        url: PATH,
        headers: {},
        body: "",
        authenticated: false,
        bodyBytes: MiB,
        status: 401,
        code: "SIGN_ERROR"
      })
      assert.deepInclude(tampered, { url: PATH, headers: {}, body: "", authenticated: false, code: "SIGN_ERROR" })
      assert.strictEqual(tampered.bodyBytes, Buffer.byteLength(forged.body.replace("某项目", "另一项目")))
      // A request that authenticated is kept whole, whatever it was answered.
      assert.deepInclude(accepted, { url: PATH, body: signed.body, authenticated: true, status: 200, code: undefined })
      assert.strictEqual(accepted.headers["user-agent"], "sandbox-test/1.0")
    }).pipe(provideSimulator(keys)))

  it.effect("a signed request that fails later (a bad field, a 404) is kept whole with its code", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const missing = yield* request(keys, { url: "/v3/nowhere" })
      yield* send(missing)
      const [entry] = yield* Simulator.received
      assert.deepInclude(entry, { url: "/v3/nowhere", body: missing.body, authenticated: true, status: 404 })
      assert.strictEqual(entry.code, "RESOURCE_NOT_EXISTS")
    }).pipe(provideSimulator(keys)))

  it.effect("100 unsigned requests with 1 MiB paths and bodies leave the heap as it was (what is kept is copied)", () =>
    Effect.gen(function*() {
      yield* atEpoch
      yield* send(unsigned("/v3/warm-up", "{}"))
      const before = heapAfterGc()
      for (let i = 0; i < 100; i++) yield* send(unsigned(`/v3/${distinct(MiB)}`, distinct(MiB)))
      const after = heapAfterGc()
      const log = yield* Simulator.received
      assert.strictEqual(log.length, 101)
      assert.isAtMost(log[100].url.length, 256)
      // Keeping the bodies would be +100 MiB, and keeping a `slice` of each path another +100 MiB (the slice holds
      // the whole 1 MiB string).
      assert.isBelow(after - before, 16 * MiB, `heap grew by ${((after - before) / MiB).toFixed(1)} MiB`)
    }).pipe(provideSimulator(keys)))

  it.effect("maxReceivedBytes bounds what signed requests keep; the oldest go first", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const sent: Array<string> = []
      for (let i = 0; i < 8; i++) {
        const base = yield* request(keys, { url: `/v3/big${i}` })
        const signed = yield* request(keys, { url: `/v3/big${i}`, body: base.body + " ".repeat(MiB) })
        sent.push(signed.url)
        yield* send(signed)
      }
      const log = yield* Simulator.received
      const kept = log.reduce((total, entry) => total + entry.body.length, 0)
      assert.isAtMost(kept, 3 * MiB)
      assert.deepStrictEqual(log.map((entry) => entry.url), sent.slice(-log.length))
      assert.isAtLeast(log.length, 2)
      assert.isTrue(log.every((entry) => entry.authenticated))
    }).pipe(provideSimulator(keys, { maxReceivedBytes: 3 * MiB })))

  it.effect("a limit that is not a positive integer is a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Simulator.make({ ...keys, maxReceivedBytes: 0 }))
      assert.isTrue(exit._tag === "Failure")
    }))

  it.live("over the loopback server, 100 unsigned 1 MiB POSTs add no more than a few MiB to the heap", () =>
    Effect.gen(function*() {
      const server = yield* SandboxServer.SandboxServer
      const post = (body: string) =>
        Effect.promise(() =>
          fetch(`${server.url}${PATH}`, {
            method: "POST",
            headers: { Accept: "application/json", "Content-Type": "application/json" },
            body
          }).then((response) => response.status)
        )
      assert.strictEqual(yield* post("{}"), 401)
      const before = heapAfterGc()
      for (let i = 0; i < 100; i++) assert.strictEqual(yield* post(distinct(MiB - 1)), 401)
      const after = heapAfterGc()
      assert.strictEqual((yield* Simulator.received).length, 101)
      assert.isBelow(after - before, 16 * MiB, `heap grew by ${((after - before) / MiB).toFixed(1)} MiB`)
    }).pipe(Effect.provide(SandboxServer.layer().pipe(Layer.provideMerge(simulatorLayer(keys))))))
})

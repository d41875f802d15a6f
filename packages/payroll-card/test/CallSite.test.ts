import { CallSite } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, FiberRef, Tracer } from "effect"
import * as ChildProcess from "node:child_process"
import * as FileSystem from "node:fs"
import * as Path from "node:path"
import { makeRequest } from "./fixtures.js"
import { tapSpans } from "./utils/tracing.js"

/** This file's frame on the line of the `Error` given (made on the line of the call), as a stack shows it. */
const here = (marker: Error) => {
  const frame = marker.stack!.split("\n")[1]!
  return frame.slice(frame.lastIndexOf("CallSite.test.ts"), frame.lastIndexOf(":"))
}

/** An invalid request (nothing is sent): the call fails with `RequestValidationError`, and what it printed. */
const invalidCall = Effect.gen(function*() {
  const tracer = yield* Effect.tracer
  const spans: Array<Tracer.Span> = []
  const bad = makeRequest({ authenticate_number: "abc-123" })
  // The call and an `Error` on one line: the line the printed frame must name.
  const [call, marker] = [PayrollCard.preOrderWithAuth(bad), new Error()]
  const exit = yield* Effect.exit(Effect.withTracer(call, tapSpans(tracer, (span) => spans.push(span))))
  const line = here(marker)
  assert.isTrue(Exit.isFailure(exit))
  const failure = Exit.isFailure(exit) ? exit.cause : Cause.empty
  assert.strictEqual((Cause.squash(failure) as { readonly _tag?: string })._tag, "RequestValidationError")
  const span = spans.find((span) => span.name === "PayrollCard.preOrderWithAuth")!
  return { line, pretty: Cause.pretty(failure), stacktrace: String(span.attributes.get("code.stacktrace")) }
})

const root = Path.resolve(import.meta.dirname, "../../..")
const program = Path.join(import.meta.dirname, "programs/invalidCall.ts")

/** What `NodeRuntime.runMain` printed when the program failed, run as a user runs it (`node --import tsx`). */
const runMain = (args: ReadonlyArray<string>) =>
  Effect.async<{ readonly code: number | null; readonly output: string }>((resume) => {
    const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", program, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => resume(Effect.succeed({ code, output })))
    return Effect.sync(() => child.kill())
  })

describe("CallSite: a failed call shows the line that made it, when asked to", () => {
  it.layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect("on: Cause.pretty and the call's span show the caller's file and line, besides the declaration", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        const { line, pretty, stacktrace } = yield* invalidCall
        assert.match(pretty, /at PayrollCard\.preOrderWithAuth \(.*PayrollCard\.ts:\d+:\d+\)/)
        assert.match(pretty, new RegExp(`at PayrollCard\\.preOrderWithAuth \\(.*${line.replace(".", "\\.")}:\\d+\\)`))
        assert.include(stacktrace, line)
        assert.lengthOf(yield* Simulator.received, 0)
      }).pipe(Effect.provide(CallSite.layer)))

    it.effect("off (the default): only the declaration, no frame of the caller's", () =>
      Effect.gen(function*() {
        assert.isFalse(yield* FiberRef.get(CallSite.currentEnabled))
        const { pretty, stacktrace } = yield* invalidCall
        assert.match(pretty, /at PayrollCard\.preOrderWithAuth \(.*PayrollCard\.ts:\d+:\d+\)/)
        assert.notInclude(pretty, "CallSite.test.ts")
        assert.notInclude(stacktrace, "CallSite.test.ts")
      }))

    it.effect("withEnabled turns it on for one part of a program, and off again inside it", () =>
      Effect.gen(function*() {
        const on = yield* CallSite.withEnabled(invalidCall, true)
        assert.include(on.pretty, on.line)
        const off = yield* invalidCall.pipe(CallSite.withEnabled(false), CallSite.withEnabled(true))
        assert.notInclude(off.pretty, "CallSite.test.ts")
        assert.isFalse(yield* FiberRef.get(CallSite.currentEnabled))
      }))
  })

  it.live(
    "runMain prints the program's line of the call with CallSite.layer, and not without it",
    () =>
      Effect.gen(function*() {
        const lines = FileSystem.readFileSync(program, "utf8").split("\n")
        const frame = `invalidCall.ts:${lines.findIndex((line) => line.includes("// the call")) + 1}:`
        const [on, off] = yield* Effect.all([runMain(["--call-sites"]), runMain([])], { concurrency: 2 })
        for (const run of [on, off]) {
          assert.strictEqual(run.code, 1, run.output)
          assert.include(run.output, "RequestValidationError: invalid request on POST /v3/payroll-card/")
        }
        assert.match(
          on.output,
          new RegExp(`at PayrollCard\\.preOrderWithAuth \\(.*${frame.replace(".", "\\.")}\\d+\\)`)
        )
        assert.notInclude(off.output, frame)
      }),
    60_000
  )
})

import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import * as Net from "node:net"
import * as SandboxServer from "../src/SandboxServer.js"
import * as Simulator from "../src/Simulator.js"
import { atEpoch, generateKeys, json, request, simulatorLayer, validFields } from "./fixtures.js"

const keys = await generateKeys()
const LIMIT = 64 * 1024
const ServerLive = SandboxServer.layer({ maxBodyBytes: LIMIT }).pipe(Layer.provideMerge(simulatorLayer(keys)))
const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => self.pipe(Effect.provide(ServerLive))

interface RawExchange {
  /** Everything the server sent back, as text. */
  readonly answer: string
  /** Request bytes the client managed to write before the server answered and closed. */
  readonly written: number
}

/**
 * Writes `head`, then `chunk` again and again (never finishing the body) until the server answers and closes,
 * at most `maxChunks` times. A server that waited for the whole body would never answer.
 */
const rawExchange = (port: number, head: string, chunk: Buffer, maxChunks: number) =>
  Effect.async<RawExchange>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    let answer = ""
    let written = 0
    let sent = 0
    let closed = false
    const pump = () => {
      while (!closed && sent < maxChunks) {
        sent += 1
        written += chunk.length
        if (!socket.write(chunk)) return socket.once("drain", pump)
      }
    }
    socket.on("connect", () => {
      socket.write(head)
      pump()
    })
    socket.on("data", (data) => (answer += data.toString("utf8")))
    socket.on("error", () => {})
    socket.on("close", () => {
      closed = true
      resume(Effect.succeed({ answer, written }))
    })
    return Effect.sync(() => socket.destroy())
  })

const headOf = (extra: string) =>
  `POST /v3/payroll-card/authentications/pre-order-with-auth HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
  `Content-Type: application/json\r\nAccept: application/json\r\nUser-Agent: t\r\n${extra}\r\n`

const expect413 = (answer: string) => {
  assert.match(answer, /^HTTP\/1\.1 413 /)
  const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))
  assert.strictEqual(body.code, "PARAM_ERROR")
  assert.include(body.message, String(LIMIT))
  assert.strictEqual(body.detail.location, "body")
}

const stillServes = (url: string) =>
  Effect.gen(function*() {
    const req = yield* request(keys, { fields: validFields(keys, { authenticate_number: `after${Date.now()}` }) })
    const response = yield* Effect.promise(() =>
      fetch(`${url}${req.url}`, { method: req.method, headers: req.headers, body: req.body })
    )
    assert.strictEqual(response.status, 200, yield* Effect.promise(() => response.text()))
  })

describe("SandboxServer request body limit", () => {
  it.effect("an over-limit Content-Length is refused with 413 before the body is sent; the server keeps serving", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      // 800 MB announced, 16 KB sent: the answer can only come from the header.
      const { answer } = yield* rawExchange(
        server.port,
        headOf("Content-Length: 800000000\r\n"),
        Buffer.alloc(16 * 1024, 0x20),
        1
      )
      expect413(answer)
      assert.lengthOf(yield* Simulator.received, 0)
      yield* stillServes(server.url)
    }).pipe(provide))

  it.effect("a chunked body is cut off at the limit: 413 while the client is still sending, nothing buffered", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      const piece = Buffer.alloc(8 * 1024, 0x20)
      const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
      // Up to 800 MB of chunks and never the final 0-chunk: only a cut-off ends this exchange.
      const { answer, written } = yield* rawExchange(
        server.port,
        headOf("Transfer-Encoding: chunked\r\n"),
        chunk,
        100_000
      )
      expect413(answer)
      assert.isBelow(written, 100_000 * chunk.length)
      assert.lengthOf(yield* Simulator.received, 0)
      yield* stillServes(server.url)
    }).pipe(provide))

  it.effect("a body at the limit is still read and answered by the simulator", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      const req = yield* request(keys)
      const body = req.body + " ".repeat(LIMIT - Buffer.byteLength(req.body))
      const signed = yield* request(keys, { body })
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}${signed.url}`, { method: "POST", headers: signed.headers, body })
      )
      assert.strictEqual(response.status, 200, yield* Effect.promise(() => response.text()))
    }).pipe(provide))
})

const complete = (url: string, number: string, body: string, method = "POST") =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/sandbox/authentications/${number}/complete`, {
      method,
      ...(method === "GET" ? {} : { headers: { "Content-Type": "application/json" }, body })
    })
    return { status: response.status, headers: response.headers, body: await response.text() }
  })

describe("SandboxServer admin route", () => {
  it.effect("completes a processing check, unsigned; 404, 409, 400 and 405 otherwise", () =>
    Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.SandboxServer
      const never = yield* complete(server.url, "never1", `{"result":"SUCCESS"}`)
      assert.strictEqual(never.status, 404)
      assert.strictEqual(JSON.parse(never.body).code, "ORDER_NOT_EXIST")

      const req = yield* request(keys, { fields: validFields(keys, { authenticate_number: "adm1" }) })
      const preOrder = yield* Effect.promise(() =>
        fetch(`${server.url}${req.url}`, { method: "POST", headers: req.headers, body: req.body })
      )
      assert.strictEqual(preOrder.status, 200)

      const bad = yield* complete(server.url, "adm1", `{"result":"MAYBE"}`)
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(JSON.parse(bad.body).code, "PARAM_ERROR")
      assert.strictEqual((yield* complete(server.url, "adm1", "", "GET")).status, 405)

      const done = yield* complete(server.url, "adm1", `{"result":"FAILED","reason":"人脸比对未通过"}`)
      assert.strictEqual(done.status, 200, done.body)
      assert.deepStrictEqual(JSON.parse(done.body), {
        authenticate_number: "adm1",
        authenticate_state: "AUTHENTICATE_FAILED"
      })
      // Never signed as WeChat.
      assert.isNull(done.headers.get("wechatpay-signature"))
      assert.isNull(done.headers.get("wechatpay-serial"))

      const again = yield* complete(server.url, "adm1", `{"result":"SUCCESS"}`)
      assert.strictEqual(again.status, 409)
      assert.include(JSON.parse(again.body).message, "already AUTHENTICATE_FAILED")

      const query = yield* request(keys, {
        method: "GET",
        url: "/v3/payroll-card/authentications/adm1?sub_mchid=1900000109",
        headers: { "Content-Type": undefined }
      })
      const check = yield* Effect.promise(() =>
        fetch(`${server.url}${query.url}`, { headers: query.headers }).then((r) => r.text())
      )
      assert.strictEqual(json({ status: 200, headers: {}, body: check }).authenticate_failed_reason, "人脸比对未通过")
      // Admin requests never reach the simulator's list.
      assert.isFalse((yield* Simulator.received).some((r) => r.url.startsWith("/sandbox/")))
    }).pipe(provide))
})

describe("SandboxServer request log", () => {
  it.effect("logs one line per answer: method, path without query, status and code; drops too", () => {
    const lines: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ message }) => lines.push(Array.isArray(message) ? message.join(" ") : String(message)))
    )
    return Effect.gen(function*() {
      yield* atEpoch
      const server = yield* SandboxServer.make({ logRequests: true })
      const send = (req: Simulator.SimulatedRequest) =>
        Effect.promise(() =>
          fetch(`${server.url}${req.url}`, {
            method: req.method,
            headers: req.headers,
            ...(req.method === "GET" ? {} : { body: req.body })
          }).then((r) => r.text(), () => "dropped")
        )
      yield* send(yield* request(keys))
      yield* send(
        yield* request(keys, {
          method: "GET",
          url: "/v3/payroll-card/authentications/nope1?sub_mchid=1900000109",
          headers: { "Content-Type": undefined }
        })
      )
      yield* Simulator.inject(Simulator.Fault.Drop())
      yield* send(yield* request(keys))
      assert.deepStrictEqual(lines, [
        "POST /v3/payroll-card/authentications/pre-order-with-auth 200 OK",
        "GET /v3/payroll-card/authentications/nope1 404 ORDER_NOT_EXIST",
        "POST /v3/payroll-card/authentications/pre-order-with-auth - DROPPED"
      ])
    }).pipe(Effect.scoped, Effect.provide(simulatorLayer(keys)), Effect.provide(capture))
  })
})

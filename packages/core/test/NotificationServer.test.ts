import { Notification, NotificationStore, Verifier } from "@effect-wechatpay/core"
import { Error as PlatformError, HttpRouter, HttpServer, KeyValueStore } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Context, Deferred, Effect, Fiber, Layer, Logger, Redacted, Schema } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"
import { generateKeyPair } from "./utils/keys.js"
import { API_V3_KEY, build, OPENID, SERIAL } from "./utils/notifications.js"

// The callback endpoint on a real NodeHttpServer, with clients that leave, deliveries that overlap and stores that
// fail: WeChat must hear 2xx only for a notification whose handler succeeded.

const platformKeys = Effect.runPromise(Effect.cached(generateKeyPair).pipe(Effect.flatten))
const Transaction = Schema.Struct({ out_trade_no: Schema.String })

interface Answer {
  readonly status: number
  readonly body: string
}

/** Serves `handler`'s route on a loopback port with `store`; the URL of the route. */
const serve = <E>(
  handler: (n: Notification.Decoded<typeof Transaction.Type>) => Effect.Effect<unknown, E>,
  store: Layer.Layer<NotificationStore.NotificationStore>,
  options?: Notification.HttpAppOptions
) =>
  Effect.gen(function*() {
    const platform = yield* Effect.promise(() => platformKeys)
    const app = yield* Notification.httpApp(Transaction, handler, options).pipe(
      Effect.provide(
        Notification.layer({ apiV3Key: Redacted.make(API_V3_KEY) }).pipe(
          Layer.provide(Layer.orDie(Verifier.layer({ publicKeys: { [SERIAL]: platform.publicKey } })))
        )
      )
    )
    const context = yield* Layer.build(
      HttpRouter.empty.pipe(HttpRouter.post("/notify", app), HttpServer.serve(), Layer.provide(store)).pipe(
        Layer.provideMerge(NodeHttpServer.layer(Http.createServer, { port: 0, host: "127.0.0.1" }))
      )
    )
    const address = Context.get(context, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("no TCP address")
    return { port: address.port, url: `http://127.0.0.1:${address.port}/notify`, platform }
  })

/** A signed notification for `id`, fresh (timestamp now, new nonce) on every call, as WeChat signs each attempt. */
const signed = (privateKey: string, id: string) =>
  build({ key: privateKey, id, timestamp: Math.floor(Date.now() / 1000), plaintext: { out_trade_no: OPENID } })

/** POSTs with node's own client; interrupting it destroys the request, as a sender that gives up does. */
const post = (url: string, notification: { readonly body: string; readonly headers: Record<string, string> }) =>
  Effect.async<Answer>((resume) => {
    const request = Http.request(url, {
      method: "POST",
      headers: { ...notification.headers, "content-type": "application/json" }
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on(
        "end",
        () => resume(Effect.succeed({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      )
    })
    request.on("error", (error) => resume(Effect.succeed({ status: 0, body: error.message })))
    request.end(notification.body)
    return Effect.sync(() => request.destroy())
  })

const unreachable = (method: string) =>
  Effect.fail(new PlatformError.SystemError({ reason: "Unknown", module: "KeyValueStore", method }))

const failingKeyValueStore = (fail: { readonly get?: boolean; readonly set?: boolean; readonly remove?: boolean }) =>
  Layer.effect(
    KeyValueStore.KeyValueStore,
    Effect.map(KeyValueStore.KeyValueStore, (inner) =>
      KeyValueStore.make({
        get: (key) => fail.get ? unreachable("get") : inner.get(key),
        getUint8Array: (key) => inner.getUint8Array(key),
        set: (key, value) => fail.set ? unreachable("set") : inner.set(key, value),
        remove: (key) => fail.remove ? unreachable("remove") : inner.remove(key),
        clear: inner.clear,
        size: inner.size
      }))
  ).pipe(Layer.provide(KeyValueStore.layerMemory))

// The server's fibers log through the logger of the fiber that built it.
const logs: Array<string> = []
const collect = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))

describe("Notification.httpApp on a NodeHttpServer", () => {
  it.live("a sender that leaves mid-handler gets no acknowledgement: the next delivery runs the handler again", () =>
    Effect.gen(function*() {
      const runs: Array<string> = []
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const { platform, url } = yield* serve(
        () =>
          runs.length === 0
            ? Effect.sync(() => runs.push("first")).pipe(
              Effect.zipRight(Deferred.succeed(started, undefined)),
              Effect.zipRight(Effect.sleep("3 seconds")),
              Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
            )
            : Effect.sync(() => runs.push("again")),
        NotificationStore.layerMemory()
      )
      const leaving = yield* Effect.fork(post(url, signed(platform.privateKey, "EV-LEFT")))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(leaving)
      yield* Deferred.await(interrupted).pipe(
        Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "not interrupted" })
      )
      assert.strictEqual((yield* post(url, signed(platform.privateKey, "EV-LEFT"))).status, 204)
      assert.deepStrictEqual(runs, ["first", "again"])
      // Handled now: a further delivery is acknowledged without running it.
      assert.strictEqual((yield* post(url, signed(platform.privateKey, "EV-LEFT"))).status, 204)
      assert.deepStrictEqual(runs, ["first", "again"])
    }).pipe(Effect.scoped))

  it.live("a delivery that overlaps a run of its id is answered 503; the run's failure leaves it to the retry", () =>
    Effect.gen(function*() {
      const runs: Array<string> = []
      const started = yield* Deferred.make<void>()
      const gate = yield* Deferred.make<void, string>()
      const { platform, url } = yield* serve(
        () =>
          runs.length === 0
            ? Effect.sync(() => runs.push("first")).pipe(
              Effect.zipRight(Deferred.succeed(started, undefined)),
              Effect.zipRight(Deferred.await(gate))
            )
            : Effect.sync(() => runs.push("retry")),
        NotificationStore.layerMemory()
      )
      const first = yield* Effect.fork(post(url, signed(platform.privateKey, "EV-DUP")))
      yield* Deferred.await(started)
      const duplicate = yield* post(url, signed(platform.privateKey, "EV-DUP"))
      assert.strictEqual(duplicate.status, 503)
      assert.strictEqual(JSON.parse(duplicate.body).code, "FAIL")
      yield* Deferred.fail(gate, "database down")
      assert.strictEqual((yield* Fiber.join(first)).status, 500)
      assert.strictEqual((yield* post(url, signed(platform.privateKey, "EV-DUP"))).status, 204)
      assert.deepStrictEqual(runs, ["first", "retry"])
    }).pipe(Effect.scoped))

  it.live("a store that fails is a 500, never a 2xx, and nothing depends on forgetting an id", () =>
    Effect.gen(function*() {
      const runs: Array<string> = []
      const storeOver = (fail: Parameters<typeof failingKeyValueStore>[0]) =>
        NotificationStore.layerKeyValueStore().pipe(Layer.provide(failingKeyValueStore(fail)))

      // Writes fail: the handler ran, but WeChat is told to retry, since nothing remembers that it ran.
      const unwritable = yield* serve(() => Effect.sync(() => runs.push("unwritable")), storeOver({ set: true }))
      assert.strictEqual((yield* post(unwritable.url, signed(unwritable.platform.privateKey, "EV-W"))).status, 500)
      // Reads fail: answered 500 before the handler runs.
      const unreadable = yield* serve(() => Effect.sync(() => runs.push("unreadable")), storeOver({ get: true }))
      assert.strictEqual((yield* post(unreadable.url, signed(unreadable.platform.privateKey, "EV-R"))).status, 500)
      // A store that cannot remove: a failed handler's retry still runs it.
      let failures = 1
      const noRemove = yield* serve(
        () => failures-- > 0 ? Effect.fail("busy") : Effect.sync(() => runs.push("after failure")),
        storeOver({ remove: true })
      )
      assert.strictEqual((yield* post(noRemove.url, signed(noRemove.platform.privateKey, "EV-F"))).status, 500)
      assert.strictEqual((yield* post(noRemove.url, signed(noRemove.platform.privateKey, "EV-F"))).status, 204)
      assert.deepStrictEqual(runs, ["unwritable", "after failure"])
      assert.isTrue(logs.some((line) => line.includes("EV-W") && line.includes("not recorded")))
      assert.isFalse(logs.join("\n").includes(OPENID))
    }).pipe(Effect.provide(collect), Effect.scoped))

  it.live("a body that does not arrive within readTimeout is answered 408, and the handler never runs", () =>
    Effect.gen(function*() {
      const runs: Array<string> = []
      const { platform, port } = yield* serve(
        () => Effect.sync(() => runs.push("ran")),
        NotificationStore.layerMemory(),
        { readTimeout: "300 millis" }
      )
      const notification = signed(platform.privateKey, "EV-SLOW")
      const started = Date.now()
      // Headers and half the body, then nothing: the client keeps the socket open.
      const answer = yield* Effect.async<string>((resume) => {
        const socket = Net.connect(port, "127.0.0.1", () => {
          const head = Object.entries(notification.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")
          socket.write(
            `POST /notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${head}` +
              `Content-Length: ${Buffer.byteLength(notification.body)}\r\n\r\n` +
              notification.body.slice(0, 100)
          )
        })
        let received = ""
        socket.on("data", (chunk) => received += chunk.toString())
        socket.on("close", () => resume(Effect.succeed(received)))
        return Effect.sync(() => socket.destroy())
      }).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "the connection stayed open" }))
      assert.isBelow(Date.now() - started, 3000)
      assert.match(answer, /^HTTP\/1\.1 408/)
      assert.deepStrictEqual(runs, [])
    }).pipe(Effect.scoped))
})

import { Notification, NotificationStore } from "@effect-wechatpay/core"
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Schema, TestClock } from "effect"
import * as Http from "node:http"
import * as Sandbox from "../src/Sandbox.js"
import * as Simulator from "../src/Simulator.js"

// WeChat's side of issue 17's guarantee: a delivery whose handler never finished is not acknowledged, so WeChat's
// retry schedule delivers it again and the handler runs to success.
describe("a notification lost mid-handler", () => {
  it.scoped(
    "is delivered again on WeChat's schedule and handled; then acknowledged without running again",
    () =>
      Effect.gen(function*() {
        const runs: Array<string> = []
        const started = yield* Deferred.make<void>()
        const interrupted = yield* Deferred.make<void>()
        const notify = yield* Notification.httpApp(Schema.Struct({ out_trade_no: Schema.String }), (n) =>
          runs.length === 0
            ? Effect.sync(() =>
              runs.push(`started ${n.resource.out_trade_no}`)
            ).pipe(
              Effect.zipRight(Deferred.succeed(started, undefined)),
              // Longer than WeChat waits for an answer (5 s): WeChat gives up and the server interrupts the handler.
              Effect.zipRight(Effect.never),
              Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
            )
            : Effect.sync(() => runs.push(`handled ${n.resource.out_trade_no}`)))
        yield* HttpRouter.empty.pipe(HttpRouter.post("/wechatpay/notify", notify), HttpServer.serve(), Layer.launch)
          .pipe(Effect.forkScoped)
        const address = (yield* HttpServer.HttpServer).address
        const url = `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}/wechatpay/notify`
        const simulator = yield* Simulator.Simulator
        const delivering = yield* simulator.notify({ url, id: "EV-LOST", resource: { out_trade_no: "T7" } }).pipe(
          Effect.fork
        )
        yield* Deferred.await(started)
        yield* TestClock.adjust("5 seconds")
        yield* Deferred.await(interrupted)
        // WeChat's first retry interval.
        yield* TestClock.adjust("15 seconds")
        const delivery = yield* Fiber.join(delivering)
        assert.isTrue(delivery.delivered)
        assert.deepStrictEqual(delivery.attempts.map((a) => a.status), [undefined, 204])
        assert.deepStrictEqual(runs, ["started T7", "handled T7"])
        const again = yield* simulator.notify({ url, id: "EV-LOST", resource: { out_trade_no: "T7" } })
        assert.deepStrictEqual(again.attempts.map((a) => a.status), [204])
        assert.deepStrictEqual(runs, ["started T7", "handled T7"])
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            Sandbox.layer({ keyMode: "mixed" }),
            NodeHttpServer.layer(Http.createServer, { port: 0, host: "127.0.0.1" }),
            NotificationStore.layerMemory()
          ).pipe(Layer.provideMerge(NodeHttpClient.layerUndici))
        )
      ),
    { timeout: 30_000 }
  )
})

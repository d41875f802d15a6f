/**
 * Receive WeChat Pay notifications (callbacks) in an `HttpRouter` server: the route verifies the `Wechatpay-*`
 * signature against the key ring, decrypts the resource with the APIv3 key, decodes it with a schema and runs the
 * handler once per notification id.
 *
 *   npx tsx examples/notifications.ts
 *
 * A sandbox in mixed mode (a WeChat Pay public key and a platform certificate) sends a notification to this
 * server, signed with its certificate; the first delivery is refused by the handler, so WeChat's retry cadence
 * delivers it again 15 seconds later. Exits 0 once the handler has seen it, non-zero otherwise.
 */
import { Notification, NotificationStore } from "@effect-wechatpay/core"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Console, Deferred, Effect, Layer, Schema } from "effect"
import * as Http from "node:http"

/** The part of a payment notification's resource this merchant uses. */
const Transaction = Schema.Struct({
  out_trade_no: Schema.String,
  transaction_id: Schema.String,
  trade_state: Schema.Literal("SUCCESS", "REFUND", "NOTPAY", "CLOSED", "REVOKED", "USERPAYING", "PAYERROR"),
  amount: Schema.Struct({ total: Schema.Number, currency: Schema.String })
})

const program = Effect.gen(function*() {
  const received = yield* Deferred.make<typeof Transaction.Type>()
  let deliveries = 0

  // The merchant's route, built at start (it fails here without an APIv3 key). A handler failure answers 500, so
  // WeChat sends the notification again later.
  const notify = yield* Notification.httpApp(Transaction, (notification) =>
    Effect.gen(function*() {
      if (++deliveries === 1) return yield* Effect.fail("database busy, try again")
      yield* Console.log(`${notification.event_type} ${notification.id}: ${notification.resource.out_trade_no}`)
      yield* Deferred.succeed(received, notification.resource)
    }))
  const router = HttpRouter.empty.pipe(HttpRouter.post("/wechatpay/notify", notify))
  yield* Layer.launch(HttpServer.serve(router)).pipe(Effect.forkScoped)
  const server = yield* HttpServer.HttpServer
  const address = server.address._tag === "TcpAddress" ? server.address : yield* Effect.dieMessage("no TCP address")
  const url = `http://127.0.0.1:${address.port}/wechatpay/notify`
  yield* Console.log(`merchant server on ${url}`)

  // WeChat's side: a payment succeeded.
  yield* Simulator.Simulator.pipe(Effect.flatMap((simulator) => simulator.signWith("certificate")))
  const delivery = yield* Simulator.notify({
    url,
    eventType: "TRANSACTION.SUCCESS",
    resource: {
      out_trade_no: "1217752501201407033233368018",
      transaction_id: "4200000000000000000000000001",
      trade_state: "SUCCESS",
      amount: { total: 100, currency: "CNY" }
    }
  })
  yield* Console.log(`delivered after ${delivery.attempts.length} attempts: ${delivery.delivered}`)
  if (!delivery.delivered) return yield* Effect.dieMessage("the notification was not acknowledged")
  const transaction = yield* Deferred.await(received).pipe(Effect.timeout("5 seconds"))
  if (transaction.trade_state !== "SUCCESS") return yield* Effect.dieMessage("unexpected trade state")
}).pipe(Effect.scoped)

// The sandbox (WeChat) on one loopback port, the merchant's server on another; the SDK services come from the
// sandbox layer, configured with the APIv3 key as a merchant would be.
const Live = Layer.mergeAll(
  Sandbox.layerServer({ keyMode: "mixed" }),
  NodeHttpServer.layer(Http.createServer, { port: 0, host: "127.0.0.1" }),
  NotificationStore.layerMemory()
).pipe(Layer.provideMerge(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(Live), NodeRuntime.runMain)

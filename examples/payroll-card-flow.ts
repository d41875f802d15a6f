/**
 * The whole payroll-card (微工卡) flow, each step printed, against a sandbox on a loopback port (real HTTP, fresh
 * keys, no credentials):
 *
 *   token → pre-order → the worker completes the check → poll the result → relation → later check →
 *   the day's checks → transfer batch
 *
 *   npx tsx examples/payroll-card-flow.ts
 *
 * The worker's part (the mini program) is played by the simulator (`Simulator.complete`); against the real API it
 * is a person, which is why this example runs only against the sandbox. It exits non-zero when a call fails.
 */
import { ListAuthentications, PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxServer, Simulator } from "@effect-wechatpay/sandbox"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Clock, Console, Effect, Fiber, Layer, Redacted, Stream } from "effect"

const worker = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111"
}
const job = { project_name: "城市配送", employer_name: "某某物流有限公司" }
// Secrets stay Redacted: printing them shows <redacted>, the wire carries RSA-OAEP ciphertext.
const user_name = Redacted.make("张三")
const id_card_number = Redacted.make("110101199003072316")

const step = (n: number, text: string) => Console.log(`\n${n}. ${text}`)

const program = Effect.gen(function*() {
  const server = yield* SandboxServer.SandboxServer
  yield* Console.log(`sandbox on ${server.url}`)
  // Letters and digits only, unique per provider: the idempotency keys of the checks and the batch.
  const run = yield* Clock.currentTimeMillis

  yield* step(1, "PayrollCard.createToken: a token for the worker to open the card and authorise the employer")
  const token = yield* PayrollCard.createToken({ ...worker, user_name, id_card_number })
  yield* Console.log(`   token ${token.token}, valid for ${token.expires_in} s`)

  yield* step(2, "PayrollCard.preOrderWithAuth: the first identity check, which also authorises")
  const request: PreOrderWithAuth.PreOrderWithAuthRequest = {
    ...worker,
    ...job,
    authenticate_number: `flow${run}a`,
    user_name,
    id_card_number,
    employment_type: "LONG_TERM_EMPLOYMENT",
    authenticate_type: "SIGN_IN"
  }
  const preOrdered = yield* PayrollCard.preOrderWithAuth(request)
  const target = PreOrderWithAuth.miniProgramTarget(request, preOrdered)
  yield* Console.log(`   send the worker to the mini program ${target.appId}, path ${target.path.split("?")[0]}`)

  yield* step(3, "the worker completes the check in the mini program (played by Simulator.complete, in 1 s)")
  const workerDone = yield* Effect.fork(
    Effect.delay(Simulator.complete(request.authenticate_number, "SUCCESS"), "1 second")
  )

  yield* step(4, "PayrollCard.awaitAuthentication: poll the result until it is final")
  const result = yield* PayrollCard.awaitAuthentication(
    { authenticate_number: request.authenticate_number, sub_mchid: worker.sub_mchid },
    { interval: "300 millis", timeout: "10 seconds" }
  )
  yield* Fiber.join(workerDone)
  yield* Console.log(`   ${result.authenticate_number}: ${result.authenticate_state}`)
  if (result.authenticate_state !== "AUTHENTICATE_SUCCESS") {
    return yield* Effect.fail(`the identity check ended ${result.authenticate_state}`)
  }

  yield* step(5, "PayrollCard.getRelation: the worker has authorised the employer")
  const relation = yield* PayrollCard.getRelation(worker)
  yield* Console.log(`   authorize_state ${relation.authorize_state} since ${relation.authorize_time ?? "?"}`)

  yield* step(6, "PayrollCard.preOrder: a later check needs no name or ID number")
  const later = yield* PayrollCard.preOrder({ ...worker, ...job, authenticate_number: `flow${run}b` })
  yield* Simulator.complete(later.authenticate_number, "SUCCESS")
  yield* Console.log(`   ${later.authenticate_number} pre-ordered and completed`)

  yield* step(7, "PayrollCard.streamAuthentications: today's checks, over all pages")
  const today = ListAuthentications.beijingDate(yield* Clock.currentTimeMillis)
  yield* PayrollCard.streamAuthentications({ ...worker, authenticate_date: today, limit: 1 }).pipe(
    Stream.runForEach((check) => Console.log(`   ${check.authenticate_number} ${check.authenticate_state}`))
  )

  yield* step(8, "PayrollCard.createTransferBatch: pay the worker")
  const batch = yield* PayrollCard.createTransferBatch({
    sub_mchid: worker.sub_mchid,
    sub_appid: worker.sub_appid,
    authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
    out_batch_no: `flow${run}`,
    batch_name: "城市配送 日结",
    batch_remark: "日结",
    total_amount: 15_000,
    total_num: 1,
    transfer_detail_list: [
      {
        out_detail_no: `flow${run}d1`,
        transfer_amount: 15_000,
        transfer_remark: "日结",
        openid: worker.openid,
        user_name
      }
    ],
    employment_type: "LONG_TERM_EMPLOYMENT",
    employment_scene: "LOGISTICS"
  })
  yield* Console.log(`   batch ${batch.out_batch_no} accepted as ${batch.batch_id} at ${batch.create_time ?? "?"}`)
  yield* Console.log("\nthe flow is complete")
})

// The sandbox on a loopback port, the SDK talking to it through undici: nothing here is a mock.
const SandboxLive = Sandbox.layerServer().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(
  // Failed: say which step's error it was; runMain then prints it and exits with code 1.
  Effect.tapError((error) => Console.error(`\nthe flow stopped: ${typeof error === "string" ? error : error._tag}`)),
  Effect.provide(SandboxLive),
  NodeRuntime.runMain
)

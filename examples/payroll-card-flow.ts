/**
 * The whole payroll-card (微工卡) flow, each step printed, against a sandbox on a loopback port (real HTTP, fresh
 * keys, no credentials):
 *
 *   token → the worker authorises → relation → pre-order → the worker completes the check → poll the result →
 *   the day's checks → transfer batch → poll it to FINISHED → each payment's state → receipt, downloaded and checked
 *
 *   npx tsx examples/payroll-card-flow.ts
 *
 * The worker's part (the mini program) is played by the simulator (`Simulator.authorizeToken`, `Simulator.complete`),
 * and so is WeChat refusing one payment (`Simulator.planTransferBatch`); against the real API these are people and
 * banks, which is why this example runs only against the sandbox. It exits non-zero when a call fails.
 */
import { ListAuthentications, PayrollCard, type PreOrder } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxServer, Simulator } from "@effect-wechatpay/sandbox"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Clock, Console, Effect, Fiber, Layer, Redacted, Schedule, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

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

  yield* step(2, "the worker opens the card and authorises with it in the mini program (played by the simulator)")
  yield* Simulator.authorizeToken(token.token)
  const relation = yield* PayrollCard.getRelation(worker)
  yield* Console.log(`   PayrollCard.getRelation: ${relation.authorize_state} since ${relation.authorize_time ?? "?"}`)

  yield* step(3, "PayrollCard.preOrder: an identity check for the authorised worker (no name or ID number sent)")
  const request: PreOrder.PreOrderRequest = { ...worker, ...job, authenticate_number: `flow${run}a` }
  const preOrdered = yield* PayrollCard.preOrder(request)
  yield* Console.log(`   the check's token for the mini program, valid for ${preOrdered.expires_in} s`)

  yield* step(4, "the worker completes the check (Simulator.complete, in 1 s); PayrollCard.awaitAuthentication polls")
  const workerDone = yield* Effect.fork(
    Effect.delay(Simulator.complete(request.authenticate_number, "SUCCESS"), "1 second")
  )
  const result = yield* PayrollCard.awaitAuthentication(
    { authenticate_number: request.authenticate_number, sub_mchid: worker.sub_mchid },
    { interval: "300 millis", timeout: "10 seconds" }
  )
  yield* Fiber.join(workerDone)
  yield* Console.log(`   ${result.authenticate_number}: ${result.authenticate_state}`)
  if (result.authenticate_state !== "AUTHENTICATE_SUCCESS") {
    return yield* Effect.fail(`the identity check ended ${result.authenticate_state}`)
  }

  yield* step(5, "PayrollCard.streamAuthentications: today's checks, over all pages")
  const today = ListAuthentications.beijingDate(yield* Clock.currentTimeMillis)
  yield* PayrollCard.streamAuthentications({ ...worker, authenticate_date: today, limit: 1 }).pipe(
    Stream.runForEach((check) => Console.log(`   ${check.authenticate_number} ${check.authenticate_state}`))
  )

  yield* step(6, "PayrollCard.createTransferBatch: pay two workers (WeChat will refuse the second's name)")
  const outBatchNo = `flow${run}`
  yield* Simulator.planTransferBatch(outBatchNo, { failDetails: { [`${outBatchNo}d2`]: "NAME_NOT_CORRECT" } })
  const payment = (n: number, amount: number, openid: string) => ({
    out_detail_no: `${outBatchNo}d${n}`,
    transfer_amount: amount,
    transfer_remark: "日结",
    openid,
    user_name
  })
  const batch = yield* PayrollCard.createTransferBatch({
    sub_mchid: worker.sub_mchid,
    sub_appid: worker.sub_appid,
    authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
    out_batch_no: outBatchNo,
    batch_name: "城市配送 日结",
    batch_remark: "日结",
    total_amount: 25_000,
    total_num: 2,
    transfer_detail_list: [payment(1, 15_000, worker.openid), payment(2, 10_000, "oAnotherWorker000000000001")],
    employment_type: "LONG_TERM_EMPLOYMENT",
    employment_scene: "LOGISTICS"
  })
  yield* Console.log(`   batch ${batch.out_batch_no} accepted as ${batch.batch_id} at ${batch.create_time ?? "?"}`)

  yield* step(7, "PayrollCard.awaitTransferBatch: poll (no callback exists) until FINISHED or CLOSED")
  const finished = yield* PayrollCard.awaitTransferBatch(
    { out_batch_no: outBatchNo, need_query_detail: false },
    { interval: "500 millis", timeout: "30 seconds" }
  )
  yield* Console.log(`   ${finished.batch_status}: ${finished.success_num} paid, ${finished.fail_num} failed`)

  yield* step(8, "PayrollCard.streamTransferDetails and getTransferDetailByOutNo: each payment's state")
  yield* PayrollCard.streamTransferDetails({ out_batch_no: outBatchNo, need_query_detail: true }).pipe(
    Stream.mapEffect((compact) =>
      PayrollCard.getTransferDetailByOutNo({ out_batch_no: outBatchNo, out_detail_no: compact.out_detail_no })
    ),
    // The worker's name comes back decrypted but Redacted: it prints as <redacted>.
    Stream.runForEach((detail) =>
      Console.log(
        `   ${detail.out_detail_no}: ${detail.detail_status}${
          detail.fail_reason === undefined ? "" : ` (${detail.fail_reason})`
        }, ${detail.transfer_amount} fen to ${detail.username}`
      )
    )
  )

  yield* step(9, "PayrollCard.applyBillReceipt, then getBillReceipt until the receipt is FINISHED")
  yield* PayrollCard.applyBillReceipt({ out_batch_no: outBatchNo })
  const receipt = yield* PayrollCard.getBillReceipt({ out_batch_no: outBatchNo }).pipe(
    Effect.filterOrFail((r) => r.signature_status === "FINISHED", () => "the receipt is not ready yet"),
    Effect.retry({ schedule: Schedule.spaced("500 millis"), times: 20 })
  )
  yield* Console.log(`   receipt ${receipt.signature_no}: ${receipt.hash_type} ${receipt.hash_value}`)

  yield* step(10, "PayrollCard.downloadReceiptToFile: a signed GET, the digest checked, the file written only then")
  const directory = yield* Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "payroll-receipts-")))
  const saved = yield* PayrollCard.downloadReceiptToFile(receipt, Path.join(directory, `${outBatchNo}.pdf`))
  yield* Console.log(`   ${saved.bytes} bytes at ${saved.path}, ${receipt.hash_type} matched`)
  yield* Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true }))
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

import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { ListAuthentications, PayrollCard } from "@effect-wechatpay/payroll-card"
import { Sandbox, SandboxServer, Simulator } from "@effect-wechatpay/sandbox"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Chunk, Clock, Effect, Fiber, Layer, Redacted, Stream } from "effect"
import { Rsa } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"

/**
 * The payroll-card flow the README draws, over real sockets with each of the platform's HTTP clients: token →
 * pre-order → the worker completes the check (through the sandbox's admin route, as a client in another process
 * would) while the provider polls → relation → a later check → the day's checks, page by page → transfer batch.
 */
const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

let run = 0

describe("the payroll-card flow over loopback", () => {
  for (const [name, transport] of transports) {
    layer(Sandbox.layerServer().pipe(Layer.provide(transport)), { excludeTestServices: true })(name, (it) => {
      it.effect("token → pre-order → worker → result → relation → later check → the day's checks → batch", () =>
        Effect.gen(function*() {
          const server = yield* SandboxServer.SandboxServer
          const keys = yield* Sandbox.Sandbox
          const worker = { openid: `oFlowWorker${run++}`, sub_mchid: "1900000109", sub_appid: "wxa1111111111111" }
          const prefix = `flow${Date.now()}n${run}`

          const token = yield* PayrollCard.createToken({
            ...worker,
            user_name: Redacted.make(USER_NAME),
            id_card_number: Redacted.make(ID_CARD_NUMBER)
          })
          assert.strictEqual(token.openid, worker.openid)

          const first = yield* PayrollCard.preOrderWithAuth(
            makeRequest({ ...worker, authenticate_number: `${prefix}a` })
          )
          // The worker, in another process: the admin route, over plain HTTP, after the provider starts polling.
          const workerDone = yield* Effect.fork(Effect.delay(
            Effect.promise(() =>
              fetch(`${server.url}/sandbox/authentications/${first.authenticate_number}/complete`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ result: "SUCCESS" })
              }).then((response) => response.status)
            ),
            "150 millis"
          ))
          const result = yield* PayrollCard.awaitAuthentication(
            { authenticate_number: first.authenticate_number, sub_mchid: worker.sub_mchid },
            { interval: "50 millis", timeout: "5 seconds" }
          )
          assert.strictEqual(yield* Fiber.join(workerDone), 200)
          assert.strictEqual(result.authenticate_state, "AUTHENTICATE_SUCCESS")

          const relation = yield* PayrollCard.getRelation(worker)
          assert.strictEqual(relation.authorize_state, "AUTHORIZED")

          for (const suffix of ["b", "c"]) {
            const later = yield* PayrollCard.preOrder({
              ...worker,
              authenticate_number: `${prefix}${suffix}`,
              project_name: "城市配送",
              employer_name: "某某物流有限公司"
            })
            yield* Simulator.complete(later.authenticate_number, "SUCCESS")
          }

          // One check a page: three pages over HTTP, each query signed as sent.
          const today = ListAuthentications.beijingDate(yield* Clock.currentTimeMillis)
          const checks = yield* PayrollCard.streamAuthentications({ ...worker, authenticate_date: today, limit: 1 })
            .pipe(
              Stream.map((check) => check.authenticate_number),
              Stream.runCollect
            )
          assert.deepStrictEqual(Chunk.toArray(checks), [`${prefix}a`, `${prefix}b`, `${prefix}c`])

          const batch = yield* PayrollCard.createTransferBatch({
            sub_mchid: worker.sub_mchid,
            sub_appid: worker.sub_appid,
            authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
            out_batch_no: prefix,
            batch_name: "城市配送 日结",
            batch_remark: "日结",
            total_amount: 15_000,
            total_num: 1,
            transfer_detail_list: [{
              out_detail_no: `${prefix}d1`,
              transfer_amount: 15_000,
              transfer_remark: "日结",
              openid: worker.openid,
              user_name: Redacted.make(USER_NAME)
            }]
          })
          assert.strictEqual(batch.out_batch_no, prefix)
          const sent = (yield* Simulator.received).filter((r) => r.url === "/v3/payroll-card/transfer-batches").at(-1)!
          const wire = JSON.parse(sent.body)
          assert.strictEqual(
            Rsa.decrypt(wire.transfer_detail_list[0].user_name, Rsa.from(keys.platformPrivateKey, "private")),
            USER_NAME
          )
        }))
    })
  }
})

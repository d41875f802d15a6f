/**
 * The SDK's own cost per call, in one process, with the RSA signing and verification stubbed out (their cost
 * is the same for every client): `PayrollCard.preOrderWithAuth` as the bench's sdk contenders call it (one
 * `runPromise` per call, default options, spans on), its fields encrypted by the real `Encryptor`, over
 * `LeanHttpClient` to a loopback server in this process that echoes each request with a fresh nonce. Prints
 * CPU µs per call at concurrency 1 and 32 (the server's share included: the same in every variant), or with
 * `--ops` the number of Effect runtime steps per call, which does not move with the machine's load.
 *
 *   npx tsx bench/overhead.ts [--n=10000] [--rounds=5] [--layer=full|execute|raw|transport|bare] [--ops | --calls=N]
 *     [--call-sites=on|off|both]
 *
 * `--calls=N` runs 1,000 calls to warm up and then N at concurrency 1, and nothing else: under
 * `valgrind --tool=cachegrind`, the difference in instructions between two values of N, divided by their
 * difference, is the instructions per call, which (unlike time on a shared machine) repeats to the percent:
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     node --import tsx bench/overhead.ts --calls=3000
 *
 * `--layer` stops at one layer of the SDK: `execute` calls `WeChatPayClient.execute` with an encoded body,
 * `raw` sends the request through `WeChatPayClient.httpClient`, `transport` through `LeanHttpClient` alone, and
 * `bare` through node:http with no SDK (the floor of the others, server included).
 *
 * `--call-sites` makes each call inside the fiber that runs it (as a program's `Effect.gen` does; one more
 * runtime step, an `Effect.suspend`), with `CallSite` recording (`on`) or not (`off`), to price the opt-in; `both`
 * measures the two in one process, in alternating batches (fairer on a shared machine than two runs).
 */
import { CallSite, Encryptor, Signer, Verifier, WeChatPayClient } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { PayrollCard, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { TestKeys } from "@effect-wechatpay/sandbox"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Layer, ManagedRuntime, Redacted, RuntimeFlags, Supervisor } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { ID_CARD_NUMBER, plainFields, TOKEN, USER_NAME } from "./shared.js"

const flag = (name: string) =>
  process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split("=")[1] ??
    (process.argv.includes(`--${name}`) ? "" : undefined)
const n = Number(flag("n") ?? 10_000)
const rounds = Number(flag("rounds") ?? 5)
const layer = flag("layer") ?? "full"
const ops = flag("ops") !== undefined
const exactly = flag("calls")
const callSites = flag("call-sites")
if (callSites !== undefined && !["on", "off", "both"].includes(callSites)) {
  throw new Error("--call-sites: on, off or both")
}

let nonce = 0
const server = Http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (chunk: Buffer) => chunks.push(chunk))
  req.on("end", () => {
    const sent = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    const answer = JSON.stringify({
      authenticate_number: sent.authenticate_number,
      openid: sent.openid,
      mchid: "1900000001",
      sub_mchid: sent.sub_mchid,
      token: TOKEN,
      expires_in: 600
    })
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(answer)),
      "request-id": "R",
      "wechatpay-nonce": `n${nonce++}`,
      "wechatpay-timestamp": String(Math.floor(Date.now() / 1000)),
      "wechatpay-serial": "S",
      "wechatpay-signature": "x"
    })
    res.end(answer)
  })
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

/** Counts the runtime's steps (every effect a fiber evaluates), with op supervision on. */
class StepCounter extends Supervisor.AbstractSupervisor<void> {
  steps = 0
  get value() {
    return Effect.void
  }
  override onEffect() {
    this.steps++
  }
}
const counter = new StepCounter()

const keys = await Effect.runPromise(TestKeys.generateSet())
const services = Layer.mergeAll(
  Layer.succeed(
    Signer.Signer,
    Signer.Signer.of({
      mchid: "1900000001",
      serialNo: "M",
      authorize: () => Effect.succeed(Redacted.make("WECHATPAY2-SHA256-RSA2048 stub"))
    })
  ),
  Layer.succeed(Verifier.Verifier, Verifier.Verifier.of({ serials: ["S"], verify: () => Effect.void })),
  Encryptor.layer({ serialNo: keys.platformPublicKeyId, publicKey: keys.platformPublicKey }),
  LeanHttpClient.layer()
)
const base = Layer.provideMerge(WeChatPayClient.layer({ baseUrl }), services).pipe(
  Layer.merge(ops ? Layer.merge(Supervisor.addSupervisor(counter), RuntimeFlags.enableOpSupervision) : Layer.empty)
)
// One runtime per variant: with `--call-sites=both`, calls with call sites off and on, in alternating batches.
const variants = (callSites === "both" ? ["off", "on"] : [callSites]).map((sites) => ({
  label: sites === undefined ? layer : `${layer}, call sites ${sites}`,
  runtime: ManagedRuntime.make(Layer.merge(base, sites === "on" ? CallSite.layer : Layer.empty))
}))
for (const { runtime } of variants) await runtime.runtime()

let next = 0
const userName = Redacted.make(USER_NAME)
const idCardNumber = Redacted.make(ID_CARD_NUMBER)
const PATH = PayrollCard.endpoints.preOrderWithAuth.path
const body = (k: number) => JSON.stringify({ ...plainFields(k), user_name: "c2lnbmVk", id_card_number: "c2lnbmVk" })
const post = (k: number) => HttpClientRequest.post(PATH).pipe(HttpClientRequest.bodyText(body(k), "application/json"))

// The floor of the layers below: node:http with a keep-alive agent, the same body, the answer's bytes collected,
// in one Effect.promise. What `transport` costs above it is the lean transport's own.
const agent = new Http.Agent({ keepAlive: true })
const bare = (k: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const payload = Buffer.from(body(k))
    const request = Http.request(`${baseUrl}${PATH}`, {
      agent,
      method: "POST",
      headers: { "content-type": "application/json", "content-length": payload.length }
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => resolve(Buffer.concat(chunks)))
      response.on("error", reject)
    })
    request.on("error", reject)
    request.end(payload)
  })

const calls: Record<
  string,
  () => Effect.Effect<unknown, unknown, HttpClient.HttpClient | WeChatPayClient.WeChatPayClient | Encryptor.Encryptor>
> = {
  bare: () => Effect.promise(() => bare(next++)),
  transport: () =>
    Effect.flatMap(
      HttpClient.HttpClient,
      (client) => Effect.flatMap(client.execute(HttpClientRequest.prependUrl(post(next++), baseUrl)), (res) => res.text)
    ),
  raw: () =>
    Effect.flatMap(
      WeChatPayClient.WeChatPayClient,
      (client) => Effect.flatMap(client.httpClient.execute(post(next++)), (res) => res.text)
    ),
  execute: () =>
    Effect.flatMap(WeChatPayClient.WeChatPayClient, (client) =>
      client.execute({
        method: "POST",
        path: PATH,
        body: body(next++),
        route: PATH,
        wechatpaySerial: "S",
        echo: { sub_mchid: "1900000109" }
      }, PreOrderWithAuth.PreOrderWithAuthResponse)),
  full: () =>
    PayrollCard.preOrderWithAuth({ ...plainFields(next++), user_name: userName, id_card_number: idCardNumber })
}
const make = calls[layer]
if (make === undefined) throw new Error(`--layer: one of ${Object.keys(calls).join(", ")}`)
// With `--call-sites`, the time spent making each call (where a recorded call site is taken), apart from running it:
// the median of single calls' times, which a busy machine's preemptions do not move as they move an average.
let making: Array<number> = []
const timedMake = () => {
  const start = process.hrtime.bigint()
  const effect = make()
  making.push(Number(process.hrtime.bigint() - start) / 1_000)
  return effect
}
const calling = (runtime: (typeof variants)[number]["runtime"]) =>
  callSites === undefined ? () => runtime.runPromise(make()) : () => runtime.runPromise(Effect.suspend(timedMake))

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const batch = async (call: () => Promise<unknown>, k: number, concurrency: number) => {
  let left = k
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await call()
  }))
}

if (exactly !== undefined) {
  const call = calling(variants[0]!.runtime)
  await batch(call, 1_000, 1)
  await batch(call, Number(exactly), 1)
  console.log(`${variants[0]!.label}: ${exactly} calls after 1,000 to warm up`)
} else if (ops) {
  for (const { label, runtime } of variants) {
    await batch(calling(runtime), 1_000, 1)
    counter.steps = 0
    await batch(calling(runtime), 1_000, 1)
    console.log(`${label}: ${counter.steps / 1_000} runtime steps per call`)
  }
} else {
  for (const concurrency of [1, 32]) {
    const results = variants.map(() => [] as Array<number>)
    const made = variants.map(() => [] as Array<number>)
    for (const { runtime } of variants) await batch(calling(runtime), Math.min(5_000, n), concurrency)
    for (let r = 0; r < rounds; r++) {
      // Alternating which goes first, so that neither always runs on a warmer or a busier machine.
      for (const v of r % 2 === 0 ? variants.keys() : [...variants.keys()].reverse()) {
        const cpu = process.cpuUsage()
        making = made[v]!
        await batch(calling(variants[v]!.runtime), n, concurrency)
        const used = process.cpuUsage(cpu)
        results[v]!.push((used.user + used.system) / n)
      }
    }
    if (results.length === 2) {
      // Each round's two batches ran back to back: their difference is steadier than the two medians'.
      const differences = results[1]!.map((on, r) => on - results[0]![r]!)
      console.log(
        `${layer}, c=${concurrency}: call sites on cost ${
          median(differences).toFixed(1)
        } µs of CPU per call more (median of ${rounds} paired rounds)`
      )
    }
    variants.forEach(({ label }, v) => {
      const sorted = results[v]!.sort((a, b) => a - b)
      console.log(
        `${label}, c=${concurrency}: CPU µs per call median ${sorted[Math.floor(rounds / 2)]!.toFixed(1)} (min ${
          sorted[0]!.toFixed(1)
        }, max ${sorted[rounds - 1]!.toFixed(1)})${
          callSites === undefined ? "" : `; making the call ${median(made[v]!).toFixed(2)} µs of it`
        }`
      )
    })
  }
}
for (const { runtime } of variants) await runtime.dispose()
server.close()

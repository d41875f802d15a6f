/**
 * What each building block of the SDK's hot path costs on the main thread, in isolation: CPU µs per
 * operation (process.cpuUsage over many runs, 32 in flight where the block is asynchronous, as in the
 * concurrency-32 slot). The RSA work is left out or stubbed unless the line says otherwise, so these
 * are the costs a change to the pipeline can remove.
 *
 *   npx tsx bench/micro.ts [--n=20000]
 */
import * as Encryptor from "@effect-wechatpay/core/Encryptor"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import * as Signer from "@effect-wechatpay/core/Signer"
import * as Verifier from "@effect-wechatpay/core/Verifier"
import { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { TestKeys } from "@effect-wechatpay/sandbox"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Context, Effect, Layer, ManagedRuntime, Redacted, Schedule, Schema } from "effect"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Os from "node:os"
import { ID_CARD_NUMBER, plainFields, USER_NAME } from "./shared.js"

const n = Number(process.argv.find((a) => a.startsWith("--n="))?.slice(4) ?? 20_000)

const runtime = ManagedRuntime.make(Layer.empty)
await runtime.runtime()

/** CPU µs per run of `effect`, `concurrency` at a time, after a warm-up. */
const measure = async (label: string, effect: Effect.Effect<unknown, unknown>, concurrency = 32, count = n) => {
  const batch = (k: number) =>
    runtime.runPromise(Effect.forEach(Array.from({ length: k }), () => effect, { concurrency, discard: true }))
  await batch(Math.min(2_000, count))
  const cpu = process.cpuUsage()
  await batch(count)
  const used = process.cpuUsage(cpu)
  console.log(`${((used.user + used.system) / count).toFixed(1).padStart(8)} µs  ${label}`)
}

/** The same for a promise-returning function. */
const measurePromise = async (label: string, f: () => Promise<unknown>, concurrency = 32, count = n) => {
  const batch = async (k: number) => {
    let left = k
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await f()
    }))
  }
  await batch(Math.min(2_000, count))
  const cpu = process.cpuUsage()
  await batch(count)
  const used = process.cpuUsage(cpu)
  console.log(`${((used.user + used.system) / count).toFixed(1).padStart(8)} µs  ${label}`)
}

const keys = await Effect.runPromise(TestKeys.generateSet())
const request = {
  ...plainFields(1),
  user_name: Redacted.make(USER_NAME),
  id_card_number: Redacted.make(ID_CARD_NUMBER)
}
// An encryptor that does no RSA, so the line shows the schema's own cost.
const stubEncryptor = Encryptor.Encryptor.of({
  serialNo: keys.platformPublicKeyId,
  maxPlaintextBytes: 214,
  encrypt: (plaintext) => Effect.succeed(Redacted.value(plaintext))
})
const realEncryptor = Effect.runSync(
  Encryptor.make({ serialNo: keys.platformPublicKeyId, publicKey: keys.platformPublicKey })
)
const encode = Schema.encode(PreOrderWithAuth.PreOrderWithAuthRequest)
const answer = JSON.stringify({
  authenticate_number: "bench0",
  openid: "o",
  mchid: keys.mchid,
  sub_mchid: "1900000109",
  token: "t",
  expires_in: 1800
})
const decode = Schema.decodeUnknown(PreOrderWithAuth.PreOrderWithAuthResponse, { onExcessProperty: "ignore" })
const signer = Effect.runSync(
  Signer.make({
    mchid: keys.mchid,
    serialNo: keys.merchantSerialNo,
    privateKey: Redacted.make(keys.merchantPrivateKey)
  })
)
const verifier = Effect.runSync(Verifier.make({ publicKeys: { [keys.platformPublicKeyId]: keys.platformPublicKey } }))
const platformKey = Crypto.createPrivateKey(keys.platformPrivateKey)
const timestamp = String(Math.floor(Date.now() / 1000))
const signedHeaders = {
  "wechatpay-timestamp": timestamp,
  "wechatpay-nonce": "N",
  "wechatpay-serial": keys.platformPublicKeyId,
  "wechatpay-signature": Crypto.sign("sha256", Buffer.from(`${timestamp}\nN\n${answer}\n`), platformKey).toString(
    "base64"
  )
}
const answerBytes = new TextEncoder().encode(answer)
const nextTick = Effect.async<void>((resume) => {
  setImmediate(() => resume(Effect.void))
})

// A loopback server for the transports.
const server = Http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume()
  req.on("end", () => res.end(answer))
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/x`
const post = HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUint8Array(answerBytes, "application/json"))
const exchange = (client: HttpClient.HttpClient) =>
  Effect.flatMap(client.execute(post), (response) => response.arrayBuffer)

console.log(
  `CPU µs per operation (${n} runs, 32 in flight when async); ${Os.cpus().length} cpus, node ${process.version}`
)
await measure("Effect.forEach slot: Effect.void (the harness's own floor)", Effect.void)
await measurePromise("ManagedRuntime.runPromise(Effect.void) per call", () => runtime.runPromise(Effect.void))
await measure("an Effect.async resolved by setImmediate (stand-in for I/O)", nextTick)
await measure(
  "  + Effect.timeoutFail (per attempt; the SDK has two: attempt and deadline)",
  Effect.timeoutFail(nextTick, { duration: "10 seconds", onTimeout: () => "timeout" })
)
await measure(
  "  + Effect.retry with the SDK's schedule, success path",
  Effect.retry(nextTick, {
    schedule: Schedule.exponential("200 millis", 2).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(2))),
    while: () => true
  })
)
await measure(
  "  + Effect.fn span and one annotateCurrentSpan",
  Effect.fn("bench.span")(function*() {
    yield* Effect.annotateCurrentSpan("a", 1)
    return yield* nextTick
  })()
)
await measure(
  "  + Effect.ensuring",
  Effect.ensuring(nextTick, Effect.void)
)
await measure(
  "Schema.encode(PreOrderWithAuthRequest), RSA stubbed",
  Effect.provideService(encode(request), Encryptor.Encryptor, stubEncryptor),
  1
)
await measure(
  "Schema.encode(PreOrderWithAuthRequest), real RSA-OAEP ×2",
  Effect.provideService(encode(request), Encryptor.Encryptor, realEncryptor),
  1
)
await measure(
  "JSON.parse + Schema.decodeUnknown(PreOrderWithAuthResponse)",
  Effect.suspend(() => decode(JSON.parse(answer))),
  1
)
await measure(
  "HttpClientRequest: make + bodyUint8Array + setHeader ×2",
  Effect.sync(() =>
    HttpClientRequest.make("POST")(url, { headers: { accept: "application/json" } }).pipe(
      HttpClientRequest.bodyUint8Array(answerBytes, "application/json"),
      HttpClientRequest.setHeader("wechatpay-serial", "S"),
      HttpClientRequest.setHeader("authorization", "A")
    )
  ),
  1
)
await measure(
  "Signer.authorize, synchronous (RSA-2048 sign included)",
  signer.authorize({ method: "POST", target: "/v3/x", body: answerBytes }),
  1,
  Math.min(n, 5_000)
)
await measure(
  "Signer.authorize, threadpool (main-thread share + the threadpool's CPU)",
  signer.authorize({ method: "POST", target: "/v3/x", body: answerBytes }, { offload: true }),
  32,
  Math.min(n, 5_000)
)
await measure(
  "Verifier.verify (RSA verify included)",
  verifier.verify({ headers: signedHeaders, body: answerBytes, status: 200 }),
  1
)
await runtime.runPromise(Effect.scoped(Effect.gen(function*() {
  const leanClient = yield* LeanHttpClient.make()
  yield* Effect.promise(() =>
    measure("exchange over LeanHttpClient (request + body), loopback, server in-process", exchange(leanClient))
  )
  yield* Effect.promise(() =>
    measure(
      "  the same without its http.client span and traceparent (tracer disabled)",
      Effect.withTracerEnabled(exchange(leanClient), false)
    )
  )
  const undici = Context.get(yield* Layer.build(NodeHttpClient.layerUndici), HttpClient.HttpClient)
  yield* Effect.promise(() => measure("exchange over NodeHttpClient.layerUndici, same", exchange(undici)))
  const fetch = Context.get(yield* Layer.build(FetchHttpClient.layer), HttpClient.HttpClient)
  yield* Effect.promise(() => measure("exchange over FetchHttpClient.layer, same", exchange(fetch)))
  yield* Effect.promise(() =>
    measure(
      "exchange over LeanHttpClient wrapped by HttpClient.make (its AbortController, URL, span)",
      exchange(HttpClient.make((request) => leanClient.execute(request)))
    )
  )
})))
server.close()
await runtime.dispose()

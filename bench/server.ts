/**
 * The bench's WeChat Pay stand-in, run in its own process by `bench/run.ts`. It answers the
 * pre-order-with-auth endpoint as WeChat does: each answer echoes the identifiers of the request it
 * answers (`authenticate_number`, `openid`, `sub_mchid`, and the merchant's `mchid`) and carries its own
 * `Wechatpay-Nonce`, `Wechatpay-Timestamp` and signature, so a client that binds answers to requests or
 * refuses replayed nonces accepts it.
 *
 * Signing an answer costs as much RSA as signing a request, and this process shares the cores with the
 * contender being measured: if it signed on the request's path, the server's CPU would decide the
 * result. So answers are PRE-SIGNED off the measured path. Every contender sends the same, known
 * sequence of requests (call `n` is `plainFields(n)`, numbered from 0 in each contender process), so
 * before each slot the runner sends `Prepare { from, to }` and the server signs the answers to calls
 * `from … to − 1` that it does not hold yet (or holds from more than {@link FRESH_MS} ago, so that none
 * turns stale during the slot: answers are served up to {@link SERVABLE_MS} after signing, within the
 * clients' 5-minute window), on libuv's threadpool while no
 * contender runs. A request outside the prepared set is still answered correctly, signed on the spot,
 * and counted in the `Stats` reply, so the runner can say when that happened.
 *
 * The pool is shared by the contender processes: each answer is fresh to each client (its nonce is
 * unique among the answers one process receives), but two contender processes receive the same answer
 * for their call `n`. That is what keeps the signing work at one answer per call of the fastest
 * contender rather than one per call of every contender.
 *
 * It reads and parses every request body (it must, to echo it), but does not verify requests: that is
 * not what is measured.
 *
 * It listens on two ports with the same answers: on `port` each answer carries its `Content-Length`; on
 * `chunkedPort` the same bytes go out without one (`Transfer-Encoding: chunked`, body and terminator in two
 * writes), as a gateway may frame them, so `--chunked` measures every contender both ways in one run.
 */
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { loadKeys, PATH, plainFields, TOKEN } from "./shared.js"

/** Messages from the runner to the server. */
export type ServerCommand =
  | { readonly _tag: "Prepare"; readonly from: number; readonly to: number }
  | { readonly _tag: "Stats" }

/** Replies of the server to the runner. */
export type ServerReply =
  | { readonly _tag: "Listening"; readonly port: number; readonly chunkedPort: number }
  | { readonly _tag: "Prepared"; readonly signed: number; readonly ms: number }
  | {
    readonly _tag: "Stats"
    readonly served: number
    readonly preSigned: number
    readonly preSignMs: number
    readonly signedOnPath: number
    readonly cpu: NodeJS.CpuUsage
  }

/** An answer is served only if it was signed less than this long ago (clients allow 5 minutes of skew)… */
const SERVABLE_MS = 270_000
/** … and `Prepare` re-signs those older than this, so that none turns stale during the slot that follows. */
const FRESH_MS = 200_000

const keys = loadKeys()
const platformKey = Crypto.createPrivateKey(keys.platformPrivateKey)

interface Signed {
  readonly body: Buffer
  readonly headers: Http.OutgoingHttpHeaders
  readonly signedAt: number
}

interface Identifiers {
  readonly authenticate_number: string
  readonly openid: string
  readonly sub_mchid: string
}

const keyOf = (ids: Identifiers) => `${ids.authenticate_number}\n${ids.openid}\n${ids.sub_mchid}`

const answers = new Map<string, Signed>()
let served = 0
let preSigned = 0
let preSignMs = 0
let signedOnPath = 0
let answerId = 0

/** The answer's body and the message its signature covers, with a nonce never used before. */
const unsigned = (ids: Identifiers) => {
  const body = Buffer.from(JSON.stringify({
    authenticate_number: ids.authenticate_number,
    openid: ids.openid,
    mchid: keys.mchid,
    sub_mchid: ids.sub_mchid,
    token: TOKEN,
    expires_in: 1800
  }))
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = Crypto.randomBytes(16).toString("hex").toUpperCase()
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from("\n")])
  const finish = (signature: Buffer): Signed => ({
    body,
    signedAt: Date.now(),
    headers: {
      "content-type": "application/json",
      "content-length": String(body.length),
      "request-id": `08F0A1B2C3D4E5F6${(answerId++).toString(16).toUpperCase().padStart(16, "0")}`,
      "wechatpay-timestamp": timestamp,
      "wechatpay-nonce": nonce,
      "wechatpay-serial": keys.platformPublicKeyId,
      "wechatpay-signature": signature.toString("base64")
    }
  })
  return { message, finish }
}

const signNow = (ids: Identifiers): Signed => {
  const { finish, message } = unsigned(ids)
  return finish(Crypto.sign("sha256", message, platformKey))
}

const signOnThreadpool = (ids: Identifiers): Promise<Signed> => {
  const { finish, message } = unsigned(ids)
  return new Promise((resolve, reject) =>
    Crypto.sign(
      "sha256",
      message,
      platformKey,
      (error, signature) => error ? reject(error) : resolve(finish(signature))
    )
  )
}

const isFresh = (signed: Signed | undefined, now: number, maxAgeMs: number): signed is Signed =>
  signed !== undefined && now - signed.signedAt < maxAgeMs

/** Signs the answers to calls `from … to − 1` that are missing or stale, a few at a time per thread. */
const prepare = async (from: number, to: number) => {
  const start = performance.now()
  const now = Date.now()
  const todo: Array<Identifiers> = []
  for (let n = from; n < to; n++) {
    const ids = plainFields(n)
    if (!isFresh(answers.get(keyOf(ids)), now, FRESH_MS)) todo.push(ids)
  }
  let next = 0
  const worker = async () => {
    while (next < todo.length) {
      const ids = todo[next++]!
      answers.set(keyOf(ids), await signOnThreadpool(ids))
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  const ms = performance.now() - start
  preSigned += todo.length
  preSignMs += ms
  return { signed: todo.length, ms }
}

const json = (response: Http.ServerResponse, status: number, value: unknown) => {
  const body = Buffer.from(JSON.stringify(value))
  response.writeHead(status, { "content-type": "application/json", "content-length": String(body.length) })
  response.end(body)
}

const isString = (value: unknown): value is string => typeof value === "string" && value !== ""

const handler = (chunked: boolean): Http.RequestListener => (request, response) => {
  // Read the whole body, as a real server must, before answering.
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.once("end", () => {
    if (request.method !== "POST" || request.url !== PATH) {
      return json(response, 404, { code: "RESOURCE_NOT_EXISTS", message: "bench server: unknown path" })
    }
    let fields: Record<string, unknown>
    try {
      fields = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    } catch {
      return json(response, 400, { code: "PARAM_ERROR", message: "bench server: the body is not JSON" })
    }
    const { authenticate_number, openid, sub_mchid } = fields
    if (!isString(authenticate_number) || !isString(openid) || !isString(sub_mchid)) {
      return json(response, 400, { code: "PARAM_ERROR", message: "bench server: an identifier is missing" })
    }
    const ids = { authenticate_number, openid, sub_mchid }
    const key = keyOf(ids)
    let answer = answers.get(key)
    if (!isFresh(answer, Date.now(), SERVABLE_MS)) {
      signedOnPath++
      answer = signNow(ids)
      answers.set(key, answer)
    }
    served++
    if (!chunked) {
      response.writeHead(200, answer.headers)
      return void response.end(answer.body)
    }
    const { "content-length": _, ...headers } = answer.headers
    // A write before `end`: node then frames the body in chunks rather than add a `Content-Length` itself.
    response.writeHead(200, { ...headers, "transfer-encoding": "chunked" })
    response.write(answer.body)
    response.end()
  })
}

const listen = (chunked: boolean) =>
  new Promise<number>((resolve) => {
    const server = Http.createServer({ keepAliveTimeout: 600_000, requestTimeout: 0 }, handler(chunked))
    // Contenders sit idle while the others run: their pooled connections must survive the wait.
    server.keepAliveTimeout = 600_000
    server.headersTimeout = 600_000 + 1_000
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))
  })

const reply = (message: ServerReply) => process.send!(message)

Promise.all([listen(false), listen(true)]).then(([port, chunkedPort]) =>
  reply({ _tag: "Listening", port, chunkedPort })
)

process.on("message", (message: ServerCommand) => {
  switch (message._tag) {
    case "Prepare":
      prepare(message.from, message.to).then((result) => reply({ _tag: "Prepared", ...result }))
      break
    case "Stats":
      reply({ _tag: "Stats", served, preSigned, preSignMs, signedOnPath, cpu: process.cpuUsage() })
      break
  }
})
// The runner is gone (finished or crashed): so is the server.
process.on("disconnect", () => process.exit(0))

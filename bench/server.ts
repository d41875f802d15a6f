/**
 * The bench's WeChat Pay stand-in, run in its own process by `bench/run.ts`: it answers the
 * pre-order-with-auth endpoint with one fixed success body, signed with the platform private key.
 *
 * It re-signs once a minute (new Wechatpay-Timestamp, Nonce and Signature) rather than per request, so
 * the server costs little CPU and the signature stays inside the clients' 5-minute skew window. It reads
 * every request body to its end but does not verify requests: that is not what is measured.
 */
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { loadKeys, PATH, TOKEN } from "./shared.js"

const keys = loadKeys()
const platformKey = Crypto.createPrivateKey(keys.platformPrivateKey)

const body = Buffer.from(JSON.stringify({
  authenticate_number: "bench0",
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  mchid: keys.mchid,
  sub_mchid: "1900000109",
  token: TOKEN,
  expires_in: 1800
}))

let headers: Http.OutgoingHttpHeaders = {}
let served = 0

const resign = () => {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = Crypto.randomBytes(16).toString("hex").toUpperCase()
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from("\n")])
  headers = {
    "content-type": "application/json",
    "content-length": String(body.length),
    "request-id": "08F0A1B2C3D4E5F60708090A0B0C0D0E0F",
    "wechatpay-timestamp": timestamp,
    "wechatpay-nonce": nonce,
    "wechatpay-serial": keys.platformPublicKeyId,
    "wechatpay-signature": Crypto.sign("sha256", message, platformKey).toString("base64")
  }
}
resign()
setInterval(resign, 60_000).unref()

const notFound = Buffer.from(JSON.stringify({ code: "RESOURCE_NOT_EXISTS", message: "bench server: unknown path" }))

const server = Http.createServer({ keepAliveTimeout: 600_000, requestTimeout: 0 }, (request, response) => {
  // Read the whole body, as a real server must, before answering.
  request.resume()
  request.once("end", () => {
    if (request.method === "POST" && request.url === PATH) {
      served++
      response.writeHead(200, headers)
      response.end(body)
    } else {
      response.writeHead(404, { "content-type": "application/json", "content-length": String(notFound.length) })
      response.end(notFound)
    }
  })
})
// Contenders sit idle while the others run: their pooled connections must survive the wait.
server.keepAliveTimeout = 600_000
server.headersTimeout = 600_000 + 1_000

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo
  process.send!({ _tag: "Listening", port })
})

process.on("message", (message: { readonly _tag: string }) => {
  if (message._tag === "Stats") process.send!({ _tag: "Stats", served, cpu: process.cpuUsage() })
})
// The runner is gone (finished or crashed): so is the server.
process.on("disconnect", () => process.exit(0))

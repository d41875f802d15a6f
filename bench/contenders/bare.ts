/**
 * The bare clients: node:crypto and node:http with a keep-alive agent, no framework. They do the same
 * protocol work as the SDK (encrypt both fields, sign the exact bytes sent, verify the answer's
 * signature, serial and timestamp, parse it) and differ only in where the RSA signature is computed.
 */
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import { type Contender, ID_CARD_NUMBER, PATH, plainFields, type Setup, USER_NAME } from "../shared.js"

const NEWLINE = Buffer.from("\n")
const MAX_SKEW_SECONDS = 300

interface Answer {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly body: Buffer
}

/**
 * A bare contender; `sign` is either the synchronous or the threadpool SHA256withRSA.
 *
 * @example
 * ```ts
 * const contender = await makeBare(setup, async (key, message) => Crypto.sign("sha256", message, key))
 * ```
 */
export const makeBare = async (
  { baseUrl, keys }: Setup,
  sign: (key: Crypto.KeyObject, message: Buffer) => Buffer | Promise<Buffer>
): Promise<Contender> => {
  const url = new URL(baseUrl)
  const agent = new Http.Agent({ keepAlive: true })
  const merchantKey = Crypto.createPrivateKey(keys.merchantPrivateKey)
  const platformKey = Crypto.createPublicKey(keys.platformPublicKey)
  const encrypt = (plaintext: string) =>
    Crypto.publicEncrypt(
      { key: platformKey, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      Buffer.from(plaintext, "utf8")
    ).toString("base64")

  const post = (body: Buffer, authorization: string) =>
    new Promise<Answer>((resolve, reject) => {
      const request = Http.request({
        agent,
        hostname: url.hostname,
        port: url.port,
        method: "POST",
        path: PATH,
        headers: {
          accept: "application/json",
          "content-type": "application/json",
          "content-length": body.length,
          "user-agent": "bench-bare/1.0",
          "wechatpay-serial": keys.platformPublicKeyId,
          authorization
        }
      }, (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }))
        response.on("error", reject)
      })
      request.on("error", reject)
      request.end(body)
    })

  const verify = (answer: Answer) => {
    const { body, headers } = answer
    const timestamp = headers["wechatpay-timestamp"]
    const nonce = headers["wechatpay-nonce"]
    const signature = headers["wechatpay-signature"]
    const serial = headers["wechatpay-serial"]
    if (
      typeof timestamp !== "string" || typeof nonce !== "string" || typeof signature !== "string" ||
      serial !== keys.platformPublicKeyId || signature.startsWith("WECHATPAY/SIGNTEST/")
    ) throw new Error("missing or unknown Wechatpay-* headers")
    if (Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) >= MAX_SKEW_SECONDS) {
      throw new Error("stale Wechatpay-Timestamp")
    }
    const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, NEWLINE])
    if (!Crypto.verify("sha256", message, platformKey, Buffer.from(signature, "base64"))) {
      throw new Error("bad signature")
    }
  }

  return {
    call: async (n) => {
      const body = Buffer.from(JSON.stringify({
        ...plainFields(n),
        user_name: encrypt(USER_NAME),
        id_card_number: encrypt(ID_CARD_NUMBER)
      }))
      const timestamp = Math.floor(Date.now() / 1000)
      const nonce = Crypto.randomBytes(16).toString("hex")
      const message = Buffer.concat([Buffer.from(`POST\n${PATH}\n${timestamp}\n${nonce}\n`), body, NEWLINE])
      const signature = (await sign(merchantKey, message)).toString("base64")
      const answer = await post(
        body,
        `WECHATPAY2-SHA256-RSA2048 mchid="${keys.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${keys.merchantSerialNo}",signature="${signature}"`
      )
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`)
      verify(answer)
      return JSON.parse(answer.body.toString("utf8"))
    },
    close: async () => agent.destroy()
  }
}

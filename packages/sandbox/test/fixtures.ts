/**
 * Test helpers that speak the protocol with `node:crypto` directly (no client code), so the simulator is checked
 * against a third, hand-written reading of the protocol.
 */
import { Clock, Effect, TestClock } from "effect"
import * as Crypto from "node:crypto"
import * as Simulator from "../src/Simulator.js"
import * as TestKeys from "../src/TestKeys.js"

export const PATH = "/v3/payroll-card/authentications/pre-order-with-auth"

/** 2023-11-14T22:13:20Z: a realistic 10-digit timestamp for TestClock. */
export const EPOCH_MILLIS = 1_700_000_000_000

/** Generates keys once per test file (RSA-2048 generation is the slow part). */
export const generateKeys = (): Promise<TestKeys.KeySet> => Effect.runPromise(TestKeys.generateSet())

export const simulatorLayer = (keys: TestKeys.KeySet, extra?: Partial<Simulator.Options>) =>
  Simulator.layer({ ...keys, ...extra })

/** Moves TestClock to a realistic "now"; every simulator test starts here. */
export const atEpoch = TestClock.setTime(EPOCH_MILLIS)

export const encrypt = (plaintext: string, publicKeyPem: string): string =>
  Crypto.publicEncrypt(
    { key: publicKeyPem, padding: Crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(plaintext, "utf8")
  ).toString("base64")

export const validFields = (
  keys: TestKeys.KeySet,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> => ({
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  appid: "wxa1111111",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111112",
  authenticate_number: "mcdhehfgisdhfjghed39384564i83",
  project_name: "某项目",
  employer_name: "某用工企业",
  user_name: encrypt("张三", keys.platformPublicKey),
  id_card_number: encrypt("110101199003078881", keys.platformPublicKey),
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN",
  ...overrides
})

export const nonce = (): string => Crypto.randomBytes(24).toString("base64").replace(/[^A-Za-z0-9]/g, "x").slice(0, 32)

export const signature = (message: string, privateKeyPem: string): string =>
  Crypto.sign("sha256", Buffer.from(message, "utf8"), privateKeyPem).toString("base64")

export interface AuthorizationInput {
  readonly method: string
  readonly url: string
  readonly body: string
  readonly timestamp: number
  readonly nonce?: string
  readonly mchid?: string
  readonly serialNo?: string
  readonly privateKey?: string
}

export const authorization = (keys: TestKeys.KeySet, input: AuthorizationInput): string => {
  const n = input.nonce ?? nonce()
  const sig = signature(
    `${input.method}\n${input.url}\n${input.timestamp}\n${n}\n${input.body}\n`,
    input.privateKey ?? keys.merchantPrivateKey
  )
  return `WECHATPAY2-SHA256-RSA2048 mchid="${input.mchid ?? keys.mchid}",nonce_str="${n}",` +
    `timestamp="${input.timestamp}",serial_no="${input.serialNo ?? keys.merchantSerialNo}",signature="${sig}"`
}

export interface RequestInput {
  readonly method?: string
  readonly url?: string
  readonly fields?: Record<string, unknown>
  /** Raw body text, instead of `fields`. */
  readonly body?: string
  /** Seconds; default Clock time. */
  readonly timestamp?: number
  readonly nonce?: string
  readonly mchid?: string
  readonly serialNo?: string
  readonly privateKey?: string
  /** Replaces headers; `undefined` removes one. */
  readonly headers?: Record<string, string | undefined>
}

/** A correctly signed request at Clock time, with the given changes. */
export const request = (keys: TestKeys.KeySet, input: RequestInput = {}) =>
  Effect.map(Clock.currentTimeMillis, (now): Simulator.SimulatedRequest => {
    const method = input.method ?? "POST"
    const url = input.url ?? PATH
    const body = input.body ?? (method === "GET" ? "" : JSON.stringify(input.fields ?? validFields(keys)))
    const auth = authorization(keys, {
      method,
      url,
      body,
      timestamp: input.timestamp ?? Math.floor(now / 1000),
      ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
      ...(input.mchid === undefined ? {} : { mchid: input.mchid }),
      ...(input.serialNo === undefined ? {} : { serialNo: input.serialNo }),
      ...(input.privateKey === undefined ? {} : { privateKey: input.privateKey })
    })
    const headers: Record<string, string> = {
      Authorization: auth,
      Accept: "application/json",
      "Content-Type": "application/json",
      "User-Agent": "sandbox-test/1.0",
      "Wechatpay-Serial": keys.platformPublicKeyId
    }
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      if (value === undefined) delete headers[name]
      else headers[name] = value
    }
    return { method, url, headers, body }
  })

/** Sends a request straight to the simulator and expects an answer (not a drop). */
export const send = (req: Simulator.SimulatedRequest) =>
  Effect.flatMap(Simulator.handle(req), (outcome) =>
    outcome._tag === "Respond"
      ? Effect.succeed(outcome)
      : Effect.dieMessage("expected the simulator to respond, it dropped the connection"))

export const header = (response: Simulator.SimulatedResponse, name: string): string | undefined => {
  const entry = Object.entries(response.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())
  const value = entry?.[1]
  return typeof value === "string" || value === undefined ? value : value.join(", ")
}

/** Verifies a WeChat-style answer signature with the platform public key, by hand. */
export const verifyAnswer = (
  headers: { readonly timestamp: string; readonly nonce: string; readonly signature: string },
  body: string,
  platformPublicKey: string
): boolean =>
  Crypto.verify(
    "sha256",
    Buffer.from(`${headers.timestamp}\n${headers.nonce}\n${body}\n`, "utf8"),
    platformPublicKey,
    Buffer.from(headers.signature, "base64")
  )

export const verifyResponse = (response: Simulator.SimulatedResponse, platformPublicKey: string): boolean =>
  verifyAnswer(
    {
      timestamp: header(response, "Wechatpay-Timestamp") ?? "",
      nonce: header(response, "Wechatpay-Nonce") ?? "",
      signature: header(response, "Wechatpay-Signature") ?? ""
    },
    response.body,
    platformPublicKey
  )

export const json = (response: Simulator.SimulatedResponse): any => JSON.parse(response.body)

export const provideSimulator =
  (keys: TestKeys.KeySet, extra?: Partial<Simulator.Options>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
    self.pipe(Effect.provide(simulatorLayer(keys, extra)))

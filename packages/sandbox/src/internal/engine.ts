/**
 * The request engine: turns one request into an `Outcome` at a given `Clock` time.
 *
 * In order: use up a matching fault; check `User-Agent` and `Accept`; find the route (`routes.ts`: 404 and 405 come
 * from there); authenticate (`authorization.ts`); run the route's handler; then apply the fault, spend the nonce,
 * record the request's effect and sign the answer; last, log the request (`received.ts`: whole if it authenticated,
 * metadata otherwise). Each step fails with the `Problem`
 * WeChat would answer, as an `Either`, so the whole evaluation stays synchronous: no other request can run between
 * checking a nonce or an idempotency record and writing it.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as NodeCrypto from "node:crypto"
import type { Fault } from "../Fault.js"
import * as Authorization from "./authorization.js"
import * as Certificates from "./certificates.js"
import * as crypto from "./crypto.js"
import type { SimulatedRequest, SimulatedResponse } from "./model.js"
import { Outcome } from "./model.js"
import * as Multipart from "./multipart.js"
import * as Problem from "./problem.js"
import * as Received from "./received.js"
import * as Routes from "./routes.js"
import type { State } from "./state.js"

/**
 * What the engine needs: keys parsed once, identifiers, and the records.
 *
 * @internal
 */
export interface Engine {
  readonly settings: Routes.Settings & { readonly merchantSerialNo: string }
  readonly state: State
}

interface Rejection {
  readonly problem: Problem.Problem
  /** Set once the signature verified: the nonce is then spent even though the request failed. */
  readonly spent?: Authorization.Credentials
}

interface Accepted {
  readonly credentials: Authorization.Credentials
  readonly answer: Routes.Answer
}

const ACCEPTABLE = new Set(["application/json", "application/*", "*/*"])

const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

const checkHeaders = (headers: Readonly<Record<string, string>>): Either.Either<void, Problem.Problem> => {
  const userAgent = headers["user-agent"]
  if (userAgent === undefined || userAgent.trim() === "") {
    return Either.left(Problem.paramError({
      field: "User-Agent",
      issue: "missing",
      location: "header",
      message: "Missing User-Agent header: WeChat Pay APIv3 requires every request to carry a User-Agent"
    }))
  }
  const accept = headers["accept"]
  if (accept === undefined || !Routes.acceptedTypes(accept).some((type) => ACCEPTABLE.has(type))) {
    return Either.left(Problem.paramError({
      field: "Accept",
      ...(accept === undefined ? {} : { value: accept }),
      issue: accept === undefined ? "missing" : "does not accept application/json",
      location: "header",
      message: "The Accept header must allow application/json (send Accept: application/json)"
    }))
  }
  return Either.void
}

const rejected = (problem: Problem.Problem): Rejection => ({ problem })

// The key that decrypts this request's fields, and the serial it must name, chosen by the serial it names.
const keyedFor = (settings: Engine["settings"], headers: Readonly<Record<string, string>>): Routes.Settings => {
  if (settings.keys.mode === "publicKey") return settings
  const key = settings.keys.decrypting(headers["wechatpay-serial"])
  return { ...settings, platformPrivateKey: key.privateKey, platformPublicKeyId: key.serial }
}

// Reads state (spent nonces) but writes nothing, so it can run before the checks WeChat reports first: the
// request log needs to know whether a request authenticated whatever it was answered.
const authenticate = (
  engine: Engine,
  request: SimulatedRequest,
  headers: Record<string, string>,
  now: number
): Either.Either<Authorization.Credentials, Problem.Problem> =>
  // An upload is signed over its `meta` part, not its body (see `multipart.ts`).
  Authorization.authenticate(
    Multipart.isMultipart(headers) ? { ...request, body: Multipart.signedBody(request, headers) } : request,
    headers["authorization"],
    Math.floor(now / 1000),
    {
      mchid: engine.settings.mchid,
      merchantSerialNo: engine.settings.merchantSerialNo,
      merchantPublicKey: engine.settings.merchantPublicKey,
      seen: (nonce) => engine.state.store(Authorization.Nonces).has(nonce)
    }
  )

const evaluate = (
  engine: Engine,
  request: SimulatedRequest,
  headers: Record<string, string>,
  path: string,
  now: number,
  authentication: Either.Either<Authorization.Credentials, Problem.Problem>,
  fault: Fault | undefined
): Either.Either<Accepted, Rejection> =>
  Either.gen(function*() {
    yield* Either.mapLeft(checkHeaders(headers), rejected)
    const match = yield* Either.mapLeft(Routes.router.find(request.method, path), rejected)
    const { settings, state } = engine
    const credentials = yield* Either.mapLeft(authentication, rejected)
    const answer = yield* Either.mapLeft(
      match.route.handle({
        request,
        headers,
        params: match.params,
        now,
        state,
        settings: keyedFor(settings, headers),
        fault
      }),
      (problem): Rejection => ({ problem, spent: credentials })
    )
    return { credentials, answer }
  })

const otherSerial = (engine: Engine): string => {
  const serial = `PUB_KEY_ID_01${crypto.digits(28)}`
  return serial === engine.settings.platformPublicKeyId ? otherSerial(engine) : serial
}

// Signs like WeChat: TIMESTAMP\nNONCE\nBODY\n over the exact body text that is sent. The faults that tamper
// with verification are applied here, each one changing a single thing.
const signed = (
  engine: Engine,
  status: number,
  body: string,
  nowSeconds: number,
  extra: Readonly<Record<string, string>> | undefined,
  fault: Fault | undefined,
  named: string | undefined
): SimulatedResponse => {
  const timestamp = String(fault?._tag === "StaleTimestamp" ? nowSeconds - (fault.seconds ?? 600) : nowSeconds)
  const nonce = crypto.alphanumeric(32)
  // The key ring says who signs: the public key, the certificate in use, or in mixed mode the key the request's
  // `Wechatpay-Serial` names (WeChat's migration guide, 如何从平台证书切换成微信支付公钥 §4.5).
  const signer = engine.settings.keys.signingFor(named)
  const signature = fault?._tag === "BadSignature"
    ? NodeCrypto.randomBytes(256).toString("base64")
    : fault?._tag === "SignatureProbe"
    ? `WECHATPAY/SIGNTEST/${NodeCrypto.randomBytes(192).toString("base64")}`
    : crypto.sign(`${timestamp}\n${nonce}\n${body}\n`, signer.privateKey)
  return {
    status,
    headers: {
      "Content-Type": "application/json",
      "Request-ID": crypto.hex(16),
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Serial": fault?._tag === "UnknownSerial" ? otherSerial(engine) : signer.serial,
      ...(fault?._tag === "MissingHeaders" ? {} : { "Wechatpay-Signature": signature }),
      "Wechatpay-Timestamp": timestamp,
      // Real answers carry the server's time; a client can tell a skewed clock from it.
      Date: new Date(nowSeconds * 1000).toUTCString(),
      ...extra,
      ...(fault?._tag === "Headers" ? fault.headers : {})
    },
    body
  }
}

// The key the answer is signed with, as the request names it. A certificate download names none (the client has no
// certificate yet): in mixed mode WeChat signs it with a platform certificate, which the download must carry.
const namedKey = (engine: Engine, headers: Readonly<Record<string, string>>, path: string): string | undefined =>
  headers["wechatpay-serial"] ??
    (path === Certificates.PATH && engine.settings.keys.mode === "mixed"
      ? engine.settings.keys.inUse
      : undefined)

const problemResponse = (
  engine: Engine,
  problem: Problem.Problem,
  nowSeconds: number,
  named: string | undefined
): SimulatedResponse =>
  signed(engine, problem.status, Problem.render(problem), nowSeconds, problem.headers, undefined, named)

/**
 * Answers one request at `Clock` time `now` (milliseconds).
 *
 * @example
 * ```ts
 * const outcome = handle(engine, { method: "GET", url: "/v3/nope", headers: {}, body: "" }, Date.now())
 * ```
 * @internal
 */
export const handle = (engine: Engine, request: SimulatedRequest, now: number): Outcome => {
  const { state } = engine
  state.prune(now)
  const headers = lowerCaseKeys(request.headers)
  const path = pathOf(request.url)
  const fault = state.faults.take(request.url, path)
  const authentication = authenticate(engine, request, headers, now)
  const { code, outcome } = answer(engine, request, headers, path, now, fault, authentication)
  state.received.add(Received.entry(request, headers, path, now, Option.fromNullable(fault), {
    authenticated: Either.isRight(authentication),
    status: outcome._tag === "Respond" ? outcome.response.status : undefined,
    code
  }))
  return outcome
}

const answer = (
  engine: Engine,
  request: SimulatedRequest,
  headers: Record<string, string>,
  path: string,
  now: number,
  fault: Fault | undefined,
  authentication: Either.Either<Authorization.Credentials, Problem.Problem>
): { readonly outcome: Outcome; readonly code?: string | undefined } => {
  const { state } = engine
  const nowSeconds = Math.floor(now / 1000)
  if (fault?._tag === "Drop") return { outcome: Outcome.Drop({}) }
  const delay = fault?._tag === "Delay" ? { delay: Duration.decode(fault.duration) } : {}
  const respond = (response: SimulatedResponse, truncateAfterBytes?: number): Outcome =>
    Outcome.Respond({ response, ...delay, ...(truncateAfterBytes === undefined ? {} : { truncateAfterBytes }) })
  const refuse = (problem: Problem.Problem) => ({
    outcome: respond(problemResponse(engine, problem, nowSeconds, namedKey(engine, headers, path))),
    code: problem.code
  })

  const verdict = evaluate(engine, request, headers, path, now, authentication, fault)
  if (Either.isLeft(verdict)) {
    const { problem, spent } = verdict.left
    if (spent !== undefined) state.store(Authorization.Nonces).set(spent.nonce, spent.timestamp)
    return refuse(problem)
  }
  if (fault?._tag === "ApiError") {
    return refuse({
      status: fault.status ?? Problem.statusOf(fault.code),
      code: fault.code,
      message: fault.message ?? Problem.messageOf(fault.code),
      ...(fault.retryAfter === undefined ? {} : { headers: { "Retry-After": String(fault.retryAfter) } })
    })
  }
  if (fault?._tag === "GatewayHtml") {
    const status = fault.status ?? 502
    return {
      outcome: respond({
        status,
        headers: { "Content-Type": "text/html", Server: "nginx" },
        body: Problem.gatewayHtml(status)
      })
    }
  }

  const { answer, credentials } = verdict.right
  state.store(Authorization.Nonces).set(credentials.nonce, credentials.timestamp)
  const produced = answer()
  const reply = typeof produced === "string" ? { status: 200, body: produced } : produced
  const body = fault?._tag === "EmptyBody" ? "" : reply.body
  // A file download is answered as WeChat answers it: the bytes, unsigned (the digest in the metadata is the proof).
  const response = reply.unsigned === true
    ? {
      status: reply.status,
      headers: { "Request-ID": crypto.hex(16), ...reply.headers },
      body,
      ...(reply.stream === undefined ? {} : { stream: reply.stream })
    }
    : signed(engine, reply.status, body, nowSeconds, reply.headers, fault, namedKey(engine, headers, path))
  // A streamed file's length is unknown until it is sent: cut it a little way in.
  if (fault?._tag === "Truncate" && reply.stream !== undefined) {
    return { outcome: respond(response, Math.max(0, fault.bytes ?? 1024)) }
  }
  if (fault?._tag === "Truncate") {
    const length = Buffer.byteLength(body, "utf8")
    const bytes = fault.bytes ?? Math.floor(length / 2)
    // Cutting at or past the end would not truncate anything, so keep at least one byte back.
    return { outcome: respond(response, Math.max(0, Math.min(bytes, length - 1))) }
  }
  return { outcome: respond(response) }
}

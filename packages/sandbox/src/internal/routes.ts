/**
 * The simulator's route table: which WeChat Pay APIv3 calls it serves and how.
 *
 * A handler runs after the engine has checked the common headers (`User-Agent`, `Accept`) and authenticated the
 * request (signature, clock, nonce). It checks what is particular to its call and either fails with the
 * `Problem` WeChat would answer, or succeeds with an `Answer`: a thunk that records what the request changes and
 * renders the success body. The engine calls the thunk only when no injected fault replaces the answer, then signs
 * the body as WeChat does.
 *
 * To add a route:
 * 1. Write its checks and its answer's rendering in a module of its own beside this one (see `relations.ts` for a
 *    query, `preOrderWithAuth.ts` for a body with encrypted fields), returning `Either` with a `Problem` on the left.
 *    `params.ts` checks path and query parameters; `body.ts` parses a JSON body, checks plain fields by `Rule`,
 *    `Wechatpay-Serial` and decrypts encrypted fields. A body route starts with `requireJson(headers)`.
 * 2. Add `{ method, path: "/v3/…/{param}", handle }` to `ROUTES`; `context.params` holds each `{param}` still
 *    percent-encoded (decode it with `Params.decodeSegment` so a bad escape names the field). If the path was listed
 *    in `UNSERVED`, remove it there.
 * 3. Keep new records in `State` as a `BoundedMap` with a limit in `Limits` (and `Simulator.Options`), and test the
 *    route through a transport as `test/Queries.test.ts` does.
 * Everything a handler does must stay synchronous: the engine relies on it to make check-and-record atomic.
 *
 * @internal
 */
import { Either } from "effect"
import type { KeyObject } from "node:crypto"
import * as Authentications from "./authentications.js"
import * as Certificates from "./certificates.js"
import * as crypto from "./crypto.js"
import type * as KeyRing from "./keyring.js"
import type { SimulatedRequest } from "./model.js"
import * as PreOrderWithAuth from "./preOrderWithAuth.js"
import * as Problem from "./problem.js"
import * as Relations from "./relations.js"
import * as Router from "./router.js"
import type { State } from "./state.js"

/**
 * The parts of the simulator's settings a handler may use.
 *
 * @internal
 */
export interface Settings {
  readonly mchid: string
  readonly platformPrivateKey: KeyObject
  readonly platformPublicKeyId: string
  readonly tokenExpiresIn: number
  /** The platform keys by mode: who signs, who decrypts, which certificates are listed. */
  readonly keys: KeyRing.KeyRing
}

/**
 * What a handler gets: the request, its headers by lower-case name, its path parameters, the `Clock` time
 * (milliseconds), the simulator's records and settings.
 *
 * @internal
 */
export interface Context {
  readonly request: SimulatedRequest
  readonly headers: Readonly<Record<string, string>>
  readonly params: Readonly<Record<string, string>>
  readonly now: number
  readonly state: State
  readonly settings: Settings
}

/**
 * Records the request's effect and renders the success body.
 *
 * @internal
 */
export type Answer = () => string

/**
 * Serves one route.
 *
 * @internal
 */
export type Handler = (context: Context) => Either.Either<Answer, Problem.Problem>

const mediaTypes = (header: string): Array<string> =>
  header.split(",").map((part) => part.split(";")[0].trim().toLowerCase())

/**
 * The media types an `Accept` header lists, lower case, without parameters.
 *
 * @internal
 */
export const acceptedTypes = mediaTypes

/**
 * A body route's first check: `Content-Type: application/json`.
 *
 * @internal
 */
export const requireJson = (headers: Readonly<Record<string, string>>): Either.Either<void, Problem.Problem> => {
  const contentType = headers["content-type"]
  if (contentType !== undefined && mediaTypes(contentType)[0] === "application/json") return Either.void
  return Either.left(Problem.paramError({
    field: "Content-Type",
    ...(contentType === undefined ? {} : { value: contentType }),
    issue: contentType === undefined ? "missing" : "must be application/json",
    location: "header",
    message: "The Content-Type header must be application/json"
  }))
}

// A GET has no body, so no Content-Type to check: it was signed over an empty BODY line.
const getAuthentication: Handler = ({ params, request, settings, state }) =>
  Either.flatMap(Authentications.parse(params.authenticate_number, request.url), (wanted) => {
    const check = state.checks.get(wanted.authenticate_number)
    // A number pre-ordered for another sub-merchant is as unknown to this one as a number never used.
    if (check === undefined || check.sub_mchid !== wanted.sub_mchid) {
      return Either.left<Problem.Problem>({
        status: 404,
        code: "ORDER_NOT_EXIST",
        message: `No identity check with authenticate_number ${wanted.authenticate_number} for sub_mchid ` +
          `${wanted.sub_mchid}; pre-order it first`
      })
    }
    return Either.right(() => Authentications.render(check, settings.mchid))
  })

const getRelation: Handler = ({ params, request, settings, state }) =>
  Either.map(
    Relations.parse(params.openid, request.url),
    (wanted) => () =>
      Relations.render(wanted, state.relations.get(Relations.key(wanted.sub_mchid, wanted.openid)), settings.mchid)
  )

const preOrderWithAuth: Handler = ({ headers, now, request, settings, state }) =>
  Either.gen(function*() {
    yield* requireJson(headers)
    const platform = settings.keys.decrypting(headers["wechatpay-serial"])
    const accepted = yield* PreOrderWithAuth.validate(request.body, headers["wechatpay-serial"], {
      privateKey: platform.privateKey,
      publicKeyId: platform.serial
    })
    const previous = state.liveIssue(accepted.authenticate_number, now)
    if (previous !== undefined && previous.fingerprint !== accepted.fingerprint) {
      return yield* Either.left<Problem.Problem>({
        status: 400,
        code: "INVALID_REQUEST",
        message: `authenticate_number ${accepted.authenticate_number} was already used with different ` +
          "parameters; resend the original parameters or use a new authenticate_number",
        detail: {
          field: "authenticate_number",
          value: accepted.authenticate_number,
          issue: "already used with different parameters",
          location: "body"
        }
      })
    }
    return () => issue(accepted, now, state, settings)
  })

// The pre-order's effect: a token (the same one while it lives) and an identity check in progress.
const issue = (accepted: PreOrderWithAuth.Accepted, now: number, state: State, settings: Settings): string => {
  let entry = state.liveIssue(accepted.authenticate_number, now)
  if (entry === undefined) {
    entry = { fingerprint: accepted.fingerprint, token: crypto.alphanumeric(32), issuedAt: now }
    state.issued.set(accepted.authenticate_number, entry)
  }
  // A repeated pre-order leaves its check as it is; only other fields (after the token expired) start anew.
  if (state.checks.get(accepted.authenticate_number)?.fingerprint !== accepted.fingerprint) {
    state.checks.set(accepted.authenticate_number, {
      authenticate_number: accepted.authenticate_number,
      sub_mchid: accepted.sub_mchid,
      openid: accepted.openid,
      source: accepted.launchAppid,
      project_name: accepted.project_name,
      employer_name: accepted.employer_name,
      authenticate_type: accepted.authenticate_type,
      fingerprint: accepted.fingerprint,
      state: "AUTHENTICATE_PROCESSING"
    })
  }
  return JSON.stringify({
    authenticate_number: accepted.authenticate_number,
    openid: accepted.openid,
    mchid: settings.mchid,
    sub_mchid: accepted.sub_mchid,
    token: entry.token,
    // A repeated request gets the same token, so it also gets what is left of that token's life.
    expires_in: settings.tokenExpiresIn - Math.floor((now - entry.issuedAt) / 1000)
  })
}

// A merchant with only the WeChat Pay public key has no platform certificates: WeChat answers this 404.
const certificates: Handler = ({ now, settings }) => {
  const keys = settings.keys
  if (keys.mode === "publicKey" || keys.apiV3Key === undefined) {
    return Either.left<Problem.Problem>({ status: 404, code: "NOT_FOUND", message: "无可用的平台证书" })
  }
  const apiV3Key = keys.apiV3Key
  return Either.right(() => Certificates.render(keys.listed(now), apiV3Key))
}

/**
 * Every route the simulator serves.
 *
 * @internal
 */
export const ROUTES: ReadonlyArray<Router.Route<Handler>> = [
  { method: "POST", path: PreOrderWithAuth.PATH, handle: preOrderWithAuth },
  { method: "GET", path: Authentications.PATH, handle: getAuthentication },
  { method: "GET", path: Relations.PATH, handle: getRelation },
  { method: "GET", path: Certificates.PATH, handle: certificates }
]

/**
 * WeChat paths beside served ones that are not served yet: 404, never a sibling's `{param}`.
 *
 * @internal
 */
export const UNSERVED: ReadonlyArray<string> = ["/v3/payroll-card/authentications/pre-order"]

/**
 * The compiled table.
 *
 * @internal
 */
export const router = Router.make(ROUTES, UNSERVED)

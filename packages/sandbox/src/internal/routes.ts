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
import * as AuthenticationList from "./authenticationList.js"
import * as Authentications from "./authentications.js"
import * as Certificates from "./certificates.js"
import type { Handler } from "./handler.js"
import * as PreOrders from "./preOrders.js"
import * as PreOrderWithAuth from "./preOrderWithAuth.js"
import * as Problem from "./problem.js"
import * as Receipts from "./receipts.js"
import * as Relations from "./relations.js"
import * as Router from "./router.js"
import * as Tokens from "./tokens.js"
import * as TransferBatches from "./transferBatches.js"
import * as TransferQueries from "./transferQueries.js"
import * as Wesure from "./wesure.js"

export type { Answer, Context, Handler, Settings } from "./handler.js"
export { acceptedTypes, requireJson } from "./handler.js"

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
  { method: "POST", path: PreOrderWithAuth.PATH, handle: PreOrders.preOrderWithAuth },
  { method: "POST", path: PreOrderWithAuth.PRE_ORDER_PATH, handle: PreOrders.preOrder },
  { method: "GET", path: Authentications.PATH, handle: getAuthentication },
  { method: "GET", path: Relations.PATH, handle: getRelation },
  { method: "POST", path: Tokens.PATH, handle: Tokens.handle },
  { method: "GET", path: AuthenticationList.PATH, handle: AuthenticationList.handle },
  { method: "POST", path: TransferBatches.PATH, handle: TransferBatches.handle },
  { method: "GET", path: Certificates.PATH, handle: certificates },
  { method: "GET", path: TransferQueries.BY_NO, handle: TransferQueries.byNo },
  { method: "GET", path: TransferQueries.BY_OUT_NO, handle: TransferQueries.byOutNo },
  { method: "GET", path: TransferQueries.DETAIL_BY_NO, handle: TransferQueries.detailByNo },
  { method: "GET", path: TransferQueries.DETAIL_BY_OUT_NO, handle: TransferQueries.detailByOutNo },
  { method: "POST", path: Receipts.BILL_PATH, handle: Receipts.applyBill },
  { method: "GET", path: Receipts.BILL_QUERY_PATH, handle: Receipts.getBill },
  { method: "POST", path: Receipts.DETAIL_PATH, handle: Receipts.applyDetail },
  { method: "GET", path: Receipts.DETAIL_PATH, handle: Receipts.getDetail },
  { method: "GET", path: Receipts.FILE_PATH, handle: Receipts.file },
  { method: "POST", path: Wesure.TOKEN_VALIDATIONS_PATH, handle: Wesure.validateToken },
  { method: "POST", path: Wesure.INSURANCE_PATH, handle: Wesure.insurance }
]

/**
 * WeChat paths beside served ones that are not served yet: 404, never a sibling's `{param}`.
 *
 * @internal
 */
export const UNSERVED: ReadonlyArray<string> = []

/**
 * The compiled table.
 *
 * @internal
 */
export const router = Router.make(ROUTES, UNSERVED)

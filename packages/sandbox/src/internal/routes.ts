/**
 * The simulator's route table: which WeChat Pay APIv3 calls it serves. Each route module owns its routes and its
 * records; this module only gathers them.
 *
 * A handler runs after the engine has checked the common headers (`User-Agent`, `Accept`) and authenticated the
 * request (signature, clock, nonce). It checks what is particular to its call and either fails with the
 * `Problem` WeChat would answer, or succeeds with an `Answer`: a thunk that records what the request changes and
 * renders the success body. The engine calls the thunk only when no injected fault replaces the answer, then signs
 * the body as WeChat does. Everything a handler does must stay synchronous: the engine relies on it to make
 * check-and-record atomic.
 *
 * To add a route:
 * 1. Write a module beside this one exporting `routes: ReadonlyArray<Route>`, each `{ method, path, handle }` (see
 *    `relations.ts` for a query, `preOrders.ts` for a body with encrypted fields). `params.ts` checks path and query
 *    parameters (`Params.segment`, `required`, `optional`, `page`…); `body.ts` parses a JSON body and checks it; a
 *    body route starts with `requireJson(headers)`.
 * 2. Keep its records in a store it declares, `Store.key(name, (limits) => new Store.BoundedMap(limits.…), stale?)`
 *    (`store.ts`), reached with `context.state.store(key)`; keep the accepted request, so a later query can answer
 *    from it.
 * 3. Add `...Module.routes` to `ROUTES` below (remove its path from `UNSERVED` if listed), and test the route
 *    through a transport as `test/Queries.test.ts` does.
 *
 * @internal
 */
import * as AuthenticationList from "./authenticationList.js"
import * as Authentications from "./authentications.js"
import * as Bills from "./bills.js"
import * as CertificateDownload from "./certificateDownload.js"
import type { Route } from "./handler.js"
import * as MediaUpload from "./mediaUpload.js"
import * as PartnerTransferBatches from "./partnerTransferBatches.js"
import * as PreOrders from "./preOrders.js"
import * as Receipts from "./receipts.js"
import * as Relations from "./relations.js"
import * as Router from "./router.js"
import * as Tokens from "./tokens.js"
import * as TransferBatches from "./transferBatches.js"
import * as TransferQueries from "./transferQueries.js"
import * as Wesure from "./wesure.js"

export type { Answer, Context, Handler, Settings } from "./handler.js"
export { acceptedTypes, requireJson } from "./handler.js"

/**
 * Every route the simulator serves.
 *
 * @internal
 */
export const ROUTES: ReadonlyArray<Route> = [
  ...PreOrders.routes,
  ...Authentications.routes,
  ...Relations.routes,
  ...Tokens.routes,
  ...AuthenticationList.routes,
  ...TransferBatches.routes,
  ...CertificateDownload.routes,
  ...TransferQueries.routes,
  ...Receipts.routes,
  ...Wesure.routes,
  ...PartnerTransferBatches.routes,
  ...Bills.routes,
  ...MediaUpload.routes
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

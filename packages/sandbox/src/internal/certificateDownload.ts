/**
 * `GET /v3/certificates` (下载平台证书): the platform certificates, each sealed under the merchant's APIv3 key
 * (`certificates.ts` makes and renders them). Its own module so that `certificates.ts`, which the key ring uses,
 * does not import the route types.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Certificates from "./certificates.js"
import type { Handler, Route } from "./handler.js"
import type { Problem } from "./problem.js"

// A merchant with only the WeChat Pay public key has no platform certificates: WeChat answers this 404.
const certificates: Handler = ({ now, settings }) => {
  const keys = settings.keys
  if (keys.mode === "publicKey" || keys.apiV3Key === undefined) {
    return Either.left<Problem>({ status: 404, code: "NOT_FOUND", message: "无可用的平台证书" })
  }
  const apiV3Key = keys.apiV3Key
  return Either.right(() => Certificates.render(keys.listed(now), apiV3Key))
}

/**
 * The routes this module serves.
 *
 * @internal
 */
export const routes: ReadonlyArray<Route> = [{ method: "GET", path: Certificates.PATH, handle: certificates }]

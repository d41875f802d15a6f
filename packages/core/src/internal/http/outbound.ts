/**
 * What every request the SDK sends carries, whichever path sends it (a call through `WeChatPayClient`, the
 * certificate download): WeChat's default headers, `Authorization` kept out of spans, and `fetch` told that a
 * redirect is an answer. The download cannot go through the call pipeline (the pipeline verifies with the key
 * ring the download fills), so both take these from here.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { version } from "../version.js"

const userAgent = `effect-wechatpay/${version} (@effect-wechatpay/core; ${
  typeof process === "undefined" ? "unknown" : `${process.platform}/${process.arch}; node/${process.versions.node}`
})`

/** The redacted header names, `authorization` included. */
export const withAuthorization = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes("authorization") ? names : [...names, "authorization"]

/**
 * `Accept` and `User-Agent`, as WeChat asks, and `Accept-Encoding: identity`: a compressed answer could inflate
 * far past its size on the wire (the body limit also counts inflated bytes, for a server that ignores this).
 */
export const defaultHeaders = (request: HttpClientRequest.HttpClientRequest) =>
  HttpClientRequest.setHeaders(request, {
    accept: "application/json",
    "accept-encoding": "identity",
    "user-agent": userAgent
  })

/** What the SDK's requests give `fetch` (with the caller's own `RequestInit`): a redirect is an answer, not followed. */
export const manualRedirect = (context: Context.Context<never>): globalThis.RequestInit => {
  const init = Context.getOption(context as Context.Context<FetchHttpClient.RequestInit>, FetchHttpClient.RequestInit)
  return Option.isSome(init) ? { ...init.value, redirect: "manual" } : MANUAL_REDIRECT
}
const MANUAL_REDIRECT: globalThis.RequestInit = { redirect: "manual" }

/**
 * Runs `effect` (a request sent through the user's transport) with `fetch` told not to follow redirects; the
 * other transports never do. The call pipeline binds the same `RequestInit` in its own per-call step instead.
 */
export const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime<A, E, R>((fiber) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, manualRedirect(fiber.currentContext))
  )

/**
 * The platform's spans and ours record request headers: Authorization stays redacted even if the program
 * changed the redacted names.
 */
export const redactAuthorization = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  // Set only when the program took it out: a fiber ref set per call copies the fiber's refs, twice.
  Effect.withFiberRuntime<A, E, R>((fiber) =>
    fiber.getFiberRef(Headers.currentRedactedNames).includes("authorization")
      ? effect
      : Effect.locallyWith(effect, Headers.currentRedactedNames, withAuthorization)
  )

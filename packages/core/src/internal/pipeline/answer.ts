/**
 * The answer to an attempt: read within its bound, a 2xx returned only once its signature verified and its nonce
 * was never accepted before (a replayed copy is refused), any other status typed — WeChat's error body as its
 * code's class (with the clock skew behind a `SIGN_ERROR`), a redirect or a body that is not WeChat's JSON as
 * `UnexpectedResponse`, never followed.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Verifier from "../../Verifier.js"
import type { CallError } from "../../WeChatPayClient.js"
import * as WeChatPayError from "../../WeChatPayError.js"
import { sanitize } from "../errors/sanitize.js"
import * as Bounded from "../http/boundedBody.js"
import * as Http from "../http/classify.js"
import * as Timeout from "../runtime/timeout.js"
import { type Attempt, type CallContext, type Config, contextOf } from "./attempt.js"
import * as AttemptDeadline from "./attemptDeadline.js"
import * as Buffered from "./bufferedAnswer.js"
import { parseJson, utf8 } from "./decode.js"
import * as Replay from "./replay.js"

/** The longest `Retry-After` believed (a day): a wait past the call's deadline fails the call at once anyway. */
const MAX_RETRY_AFTER_SECONDS = 86_400

/** Verified answers remembered for replay detection; past it the oldest are forgotten first. */
const MAX_REMEMBERED_NONCES = 100_000

const decodeErrorBody = Schema.decodeUnknownOption(WeChatPayError.ApiErrorBody)

/** The answer step, bound to one client's configuration. */
export const make = (
  { baseUrl, maxBodySize, verifier }: Config,
  { failFor, sanitizeRequestError, timedOut, unreadable }: Attempt
) => {
  // One memory of verified nonces for the client, shared by its fibers: the window is the Verifier's.
  const nonces = Replay.make({ windowSeconds: Verifier.MAX_SKEW_SECONDS, maxEntries: MAX_REMEMBERED_NONCES })

  /** A 2xx answer is returned only once verified; any other becomes its typed error. */
  const answer = (res: HttpClientResponse.HttpClientResponse) => {
    const status = res.status
    const requestId: string | undefined = res.headers["request-id"]
    const fail = (error: (context: CallContext) => CallError) => failFor(res.request, error)
    const unexpected = (description: string, text = "", retryAfter?: number) =>
      fail((context) =>
        new WeChatPayError.UnexpectedResponse({
          status,
          description,
          excerpt: Http.excerpt(text),
          ...context,
          ...(requestId !== undefined ? { requestId } : {}),
          ...(retryAfter !== undefined ? { retryAfter } : {})
        })
      )
    const read = Effect.catchAll(
      Bounded.read(res, maxBodySize),
      (error) =>
        error._tag === "ResponseError" && error.cause instanceof AttemptDeadline.AttemptTimedOut
          ? timedOut(res.request)
          : unexpected(
            Bounded.describe(error._tag === "TooLarge" ? error : error.cause) ??
              "the body could not be read to its end"
          )
    )
    if (status < 200 || status >= 300) return Effect.flatMap(read, (raw) => refused(res, raw, unexpected))
    // The success path is a flat chain, not a generator: every call takes it.
    return Effect.flatMap(read, (raw) =>
      Effect.zipRight(
        Effect.catchAll(verifier.verify({ headers: res.headers, body: raw, status }), (error) =>
          fail((context) =>
            new WeChatPayError.ResponseVerificationError({
              reason: error.reason,
              description: error.description,
              ...(error.status !== undefined ? { status: error.status } : {}),
              ...(error.serial !== undefined ? { serial: error.serial } : {}),
              ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
              ...context
            })
          )),
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, CallError>((fiber) => {
          // Verified, so the nonce and timestamp are there: the same signed answer is data once.
          const now = Timeout.clockOf(fiber).unsafeCurrentTimeMillis()
          if (nonces.admit(res.headers["wechatpay-nonce"]!, Number(res.headers["wechatpay-timestamp"]), now)) {
            return Effect.succeed(Buffered.replay(res, raw))
          }
          return fail((context) =>
            new WeChatPayError.ResponseVerificationError({
              reason: "Replayed",
              description: "this signed answer (its Wechatpay-Nonce) was already accepted: a replayed copy",
              status,
              ...(requestId !== undefined ? { requestId } : {}),
              ...context
            })
          )
        })
      ))
  }

  /** A non-2xx answer, read: its typed error. */
  const refused = (
    res: HttpClientResponse.HttpClientResponse,
    raw: Uint8Array,
    unexpected: (description: string, text?: string, retryAfter?: number) => Effect.Effect<never, CallError>
  ) =>
    Effect.gen(function*() {
      const status = res.status
      const where = yield* contextOf(res.request.method, res.request.url.slice(baseUrl.length))
      const now = yield* Clock.currentTimeMillis
      const retryAfter = Http.retryAfterSeconds(res.headers["retry-after"], now, MAX_RETRY_AFTER_SECONDS)
      const text = utf8.decode(raw)
      const location = res.headers["location"]
      if (status >= 300 && status < 400 && location !== undefined) {
        return yield* unexpected(
          `a redirect to ${JSON.stringify(sanitize(location, 200))}, not followed`,
          text,
          retryAfter
        )
      }
      const body = Option.flatMap(parseJson(text), decodeErrorBody)
      if (Option.isNone(body)) {
        return yield* unexpected("an error answer that is not WeChat's JSON", text, retryAfter)
      }
      yield* Effect.annotateCurrentSpan("wechatpay.code", body.value.code)
      const skew = body.value.code === "SIGN_ERROR" ? Http.clockSkewSeconds(res.headers["date"], now) : undefined
      return yield* Effect.fail(WeChatPayError.fromBody(body.value, {
        status,
        requestId: res.headers["request-id"],
        retryAfter,
        clockSkewSeconds: skew !== undefined && Math.abs(skew) >= Verifier.MAX_SKEW_SECONDS ? skew : undefined,
        ...where
      }))
    })

  /** The answer step and the mapping of the transport's own errors, as one layer of the client. */
  const verified = (
    effect: Effect.Effect<
      HttpClientResponse.HttpClientResponse,
      HttpClientError.RequestError | HttpClientError.ResponseError
    >
  ) =>
    Effect.catchTags(Effect.flatMap(effect, answer), { RequestError: sanitizeRequestError, ResponseError: unreadable })

  return { verified }
}

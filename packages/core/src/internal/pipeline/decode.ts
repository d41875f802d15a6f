/**
 * Decoding a verified answer: its JSON against the call's response schema (a body off the schema is
 * `UnexpectedResponse` naming the failing paths, never data), then bound to its request — each field the request
 * sent that the answer echoes must come back equal, or the answer, however well signed, answers another request.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import type { CallError } from "../../WeChatPayClient.js"
import * as WeChatPayError from "../../WeChatPayError.js"
import * as Http from "../http/classify.js"
import type { Attempt, CallContext } from "./attempt.js"
import * as Buffered from "./bufferedAnswer.js"
import * as Echo from "./echo.js"
import * as Validation from "./requestValidation.js"

/** Answers are UTF-8; a malformed sequence becomes U+FFFD rather than a failure (the schema then judges). */
export const utf8 = new TextDecoder("utf-8", { fatal: false })

/** JSON, or none. */
export const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

/** `decodeAnswer`, bound to one client's attempt helpers. */
export const make = ({ failFor }: Attempt) => {
  const decodeAnswer = <A, R>(
    res: HttpClientResponse.HttpClientResponse,
    decode: (u: unknown) => Effect.Effect<A, unknown, R>,
    echo: Readonly<Record<string, unknown>> | undefined
  ): Effect.Effect<A, CallError, R> => {
    // The pipeline's own answers are in memory: read on the spot rather than through `text`'s effect.
    const body = Buffered.bodyOf(res)
    return body === undefined
      ? Effect.flatMap(Effect.orDie(res.text), (text) => decodeText(res, text, decode, echo))
      : decodeText(res, utf8.decode(body), decode, echo)
  }

  const decodeText = <A, R>(
    res: HttpClientResponse.HttpClientResponse,
    text: string,
    decode: (u: unknown) => Effect.Effect<A, unknown, R>,
    echo: Readonly<Record<string, unknown>> | undefined
  ): Effect.Effect<A, CallError, R> => {
    const requestId = res.headers["request-id"]
    const fail = (error: (context: CallContext) => CallError) => failFor(res.request, error)
    const unexpected = (description: string) =>
      fail((context) =>
        new WeChatPayError.UnexpectedResponse({
          status: res.status,
          description,
          excerpt: Http.excerpt(text),
          ...context,
          ...(requestId !== undefined ? { requestId } : {})
        })
      )
    const json = text.length === 0 && res.status === 204 ? Option.some(undefined) : parseJson(text)
    if (Option.isNone(json)) return unexpected("a success whose body is not JSON")
    const decoded = Effect.catchAll(
      decode(json.value),
      (error) =>
        unexpected(
          `a success whose body does not match the response schema${
            ParseResult.isParseError(error) ? ` at ${Validation.failingPaths(error)}` : ""
          }`
        )
    )
    const unbound = echo === undefined ? undefined : Echo.mismatch(json.value, echo)
    if (unbound === undefined) return decoded
    // Decoded first, so that an answer off the schema is that; a well-formed one must then echo the request.
    return Effect.zipRight(
      decoded,
      fail((context) =>
        new WeChatPayError.ResponseVerificationError({
          reason: "EchoMismatch",
          // The field's name only: its value may identify a person.
          description: `the answer's ${unbound.name} ${
            unbound.missing ? "is missing" : "differs from the request's"
          }: it answers another request`,
          status: res.status,
          ...(requestId !== undefined ? { requestId } : {}),
          ...context
        })
      )
    )
  }

  return { decodeAnswer }
}

/**
 * The implementation of `Endpoint.toCall`: a declared call made into a function. Per call it validates the request
 * (refusing malformed text and, through the schema, every bad field at once), encrypts its sensitive fields when the
 * declaration has any (`Wechatpay-Serial` names the key), fills and percent-encodes the path (refusing `""`, `.`
 * and `..`), builds the query and the body, puts the safe fields on the span, and runs it through
 * `WeChatPayClient.execute` with the answer fields that must echo the request; its failures are narrowed to the
 * call's own codes (`callCodes`).
 */
import type { HttpMethod } from "@effect/platform/HttpMethod"
import type { ParseResult, Tracer } from "effect"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Encryptor from "../../Encryptor.js"
import type { CodeClass, Endpoint, Error } from "../../Endpoint.js"
import * as WeChatPayClient from "../../WeChatPayClient.js"
import type * as WeChatPayError from "../../WeChatPayError.js"
import * as SyncEncryption from "../crypto/syncEncryption.js"
import * as CallCodes from "../errors/callCodes.js"
import * as CallSpan from "./callSpan.js"
import * as Validation from "./requestValidation.js"

/** Whether a request with this method carries a body (the fields neither in the path nor the query). */
export const hasBody = (method: HttpMethod) => method !== "GET" && method !== "HEAD" && method !== "DELETE"

const DOT_SEGMENT = /^\.{0,2}$/

/**
 * The call a declaration describes; `common` are the codes every call lists (`Endpoint.commonErrors`), `definition`
 * the site of `Endpoint.toCall`'s caller (`CallSpan.site()` taken there: the family module that declares the call).
 * Built on its first use: a family derives all its calls at import, and a program's start should pay only for the
 * calls it makes (docs/performance.md).
 */
export const make = <
  Request extends Schema.Schema.All,
  Response extends Schema.Schema.All,
  Name extends string,
  E
>(
  endpoint: Endpoint<Request, Response, Name, E>,
  common: ReadonlyArray<CodeClass<unknown>>,
  definition: globalThis.Error
): (
  request: Schema.Schema.Type<Request>
) => Effect.Effect<
  Schema.Schema.Type<Response>,
  Error<E>,
  WeChatPayClient.WeChatPayClient | Schema.Schema.Context<Request> | Schema.Schema.Context<Response>
> => {
  let built: ReturnType<typeof build<Request, Response, Name, E>> | undefined
  // The caller's site only when asked for (`CallSite`): taking it costs 12–35 µs of CPU per call. Taken here, in
  // the function the caller called, so that its frame is the caller's (`CallSpan.site`).
  return (input) => {
    const { run, traced } = built ??= build(endpoint, common, definition)
    return CallSpan.recording()
      ? traced((span) => run(input, span), CallSpan.site())
      : traced((span) => run(input, span))
  }
}

/** What {@link make} builds on first use: the call's steps, and its span. */
const build = <
  Request extends Schema.Schema.All,
  Response extends Schema.Schema.All,
  Name extends string,
  E
>(
  endpoint: Endpoint<Request, Response, Name, E>,
  common: ReadonlyArray<CodeClass<unknown>>,
  definition: globalThis.Error
) => {
  const request = endpoint.request as unknown as Schema.Schema<
    Schema.Schema.Type<Request>,
    Record<string, unknown>,
    Schema.Schema.Context<Request>
  >
  const response = endpoint.response as unknown as Schema.Schema<
    Schema.Schema.Type<Response>,
    Schema.Schema.Encoded<Response>,
    Schema.Schema.Context<Response>
  >
  const encode = Schema.encode(request, { errors: "all" })
  const sensitive = Validation.sensitivePaths(request.ast)
  const refuse = (issues: ReadonlyArray<WeChatPayError.ValidationIssue>) =>
    Effect.fail(Validation.refuse(issues, endpoint.method, endpoint.path))
  const outOfBody = new Set<string>([...endpoint.pathParams, ...endpoint.query])
  // Keyed by the answer's path: `Echo.mismatch` walks a dotted one.
  const echoes = endpoint.echo.map((e) => typeof e === "string" ? { request: e as string, answer: e as string } : e)
  // The pipeline types an error body by every class the SDK has; the call's own channel names only its codes.
  const narrow = CallCodes.narrowTo([...common, ...endpoint.errors] as ReadonlyArray<CodeClass<unknown>>)

  /** The request as sent, from its encoded fields; the call's span gets the fields it may show. */
  const send = (
    client: WeChatPayClient.Service,
    encoded: Record<string, unknown>,
    encryptor: Option.Option<Encryptor.Service>,
    span: Tracer.Span
  ): Effect.Effect<Schema.Schema.Type<Response>, Error<E>, Schema.Schema.Context<Response>> => {
    let path = endpoint.path
    const bad: Array<WeChatPayError.ValidationIssue> = []
    for (const name of endpoint.pathParams) {
      const value = encoded[name]
      const segment = typeof value === "string" || typeof value === "number" ? String(value) : ""
      if (DOT_SEGMENT.test(segment)) {
        bad.push({ path: name, message: "must not be empty, \".\" or \"..\" (a path segment)" })
      }
      path = path.replace(`{${name}}`, encodeURIComponent(segment))
    }
    if (bad.length > 0) return refuse(bad)
    if (endpoint.query.length > 0) {
      const query = new URLSearchParams()
      for (const name of endpoint.query) {
        const value = encoded[name]
        if (value !== undefined && value !== null) query.append(name, String(value))
      }
      const search = query.toString()
      if (search.length > 0) path = `${path}?${search}`
    }
    // Only once validated: the values are then known strings, and none is secret.
    for (const name of endpoint.annotate) {
      const value = encoded[name]
      if (typeof value === "string" || typeof value === "number") span.attribute(`wechatpay.${name}`, value)
    }
    let body: string | undefined
    if (hasBody(endpoint.method)) {
      const fields: Record<string, unknown> = {}
      for (const key of Object.keys(encoded)) if (!outOfBody.has(key)) fields[key] = encoded[key]
      body = JSON.stringify(fields)
    }
    // The answer must echo what this request sent (a field the request left out binds nothing).
    let echo: Record<string, string | number | boolean> | undefined
    for (const { answer, request } of echoes) {
      const value = encoded[request]
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        ;(echo ??= {})[answer] = value
      }
    }
    return Effect.mapError(
      client.execute(
        {
          method: endpoint.method,
          path,
          body,
          echo,
          wechatpaySerial: Option.isSome(encryptor) ? encryptor.value.serialNo : undefined
        },
        response
      ),
      narrow
    ) as Effect.Effect<Schema.Schema.Type<Response>, Error<E>, Schema.Schema.Context<Response>>
  }

  // Not a generator: every call runs this, and each `yield*` is a step of the runtime.
  const run = (input: Schema.Schema.Type<Request>, span: Tracer.Span) =>
    Effect.withFiberRuntime<
      Schema.Schema.Type<Response>,
      Error<E>,
      Schema.Schema.Context<Request> | Schema.Schema.Context<Response>
    >((fiber) => {
      const context = fiber.currentContext as Context.Context<WeChatPayClient.WeChatPayClient | Encryptor.Encryptor>
      const client = Context.get(context, WeChatPayClient.WeChatPayClient)
      const malformed = Validation.malformedText(input)
      if (malformed.length > 0) return refuse(malformed)
      // Every request names the key the client trusts (the Encryptor's: the public key, else the newest certificate)
      // in `Wechatpay-Serial`: WeChat signs the answer with the key it names during a migration (如何从平台证书切换成
      // 微信支付公钥 §4.5), and requires it with encrypted fields, which that key encrypts.
      const encryptor = Context.getOption(context, Encryptor.Encryptor)
      const encoding = endpoint.encrypted && Option.isSome(encryptor)
        ? SyncEncryption.encodeWith(encryptor.value, () => encode(input))
        : encode(input)
      const invalid = (error: ParseResult.ParseError) => refuse(Validation.issues(error, sensitive))
      // With the SDK's encryptors the encoding is an `Either` (see `syncEncryption`): go on at once.
      if (Either.isEither(encoding)) {
        return Either.isRight(encoding)
          ? send(client, encoding.right as Record<string, unknown>, encryptor, span)
          : invalid(encoding.left as ParseResult.ParseError)
      }
      return Effect.flatMap(
        Effect.catchTag(encoding, "ParseError", invalid),
        (encoded) => send(client, encoded, encryptor, span)
      )
    })
  // `Effect.fn(endpoint.name)`'s span and the declaration's site, with the route set in the same step: see `callSpan`.
  const traced = CallSpan.make({ name: endpoint.name, route: endpoint.path, definition })
  return { run, traced }
}

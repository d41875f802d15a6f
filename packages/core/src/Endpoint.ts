/**
 * An APIv3 call declared as data — method, path template, query parameters, request and response schemas,
 * span name — and the one function that derives the typed call from it. Adding a call is then a schema
 * module plus one declaration.
 *
 * The derived call validates the request (nothing is sent when it is invalid: one
 * `RequestValidationError` listing each bad field), encrypts its sensitive fields and names their key in
 * `Wechatpay-Serial`, percent-encodes the path parameters (refusing `""`, `.` and `..`, which the URL parser
 * would resolve into another route), and runs through `WeChatPayClient.execute`, so it is signed, verified,
 * bound to its request (each `echo` field the request sent must come back equal), decoded and retried like
 * every call. Spans, errors and logs name the route template, never its values.
 *
 * Its error channel is its own: the request's refusal, the transport, verification and timeout failures every call
 * has, the codes every APIv3 call may answer ({@link commonErrors}), and the codes the declaration lists from its
 * WeChat page (`errors`). Any other code WeChat sends arrives as `UnknownApiError`, the code kept.
 *
 * @since 0.1.0
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import type { Effect, Schema } from "effect"
import type * as CallCodes from "./internal/errors/callCodes.js"
import * as CallSpan from "./internal/pipeline/callSpan.js"
import * as DeclaredCall from "./internal/pipeline/declaredCall.js"
import * as Validation from "./internal/pipeline/requestValidation.js"
import type * as WeChatPayClient from "./WeChatPayClient.js"
import * as WeChatPayError from "./WeChatPayError.js"

type Fields<S extends Schema.Schema.All> = Extract<keyof Schema.Schema.Encoded<S>, string>

/**
 * An answer field that echoes a request field: a name both have at the top level, or a request field and the
 * dotted path of the answer field that echoes it, for answers that nest (`{ request: "out_batch_no", answer:
 * "transfer_batch.out_batch_no" }`).
 *
 * @example
 * ```ts
 * import type { Schema } from "effect"
 * import type { Endpoint } from "@effect-wechatpay/core"
 *
 * declare const Request: Schema.Struct<{ out_batch_no: typeof Schema.String }>
 * declare const Answer: Schema.Struct<{ transfer_batch: Schema.Struct<{ out_batch_no: typeof Schema.String }> }>
 * const nested: Endpoint.Echo<typeof Request, typeof Answer> = {
 *   request: "out_batch_no",
 *   answer: "transfer_batch.out_batch_no"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Echo<Request extends Schema.Schema.All, Response extends Schema.Schema.All> =
  | (Fields<Request> & Fields<Response>)
  | { readonly request: Fields<Request>; readonly answer: string }

/**
 * The codes any APIv3 call may answer, whatever its page lists: a field WeChat refused (`PARAM_ERROR`), a request
 * it will not take now (`INVALID_REQUEST`), a signature it could not verify (`SIGN_ERROR`), an API the merchant may
 * not use (`NO_AUTH`), rate limits (`FREQUENCY_LIMITED`, `RATELIMIT_EXCEEDED`) and outages (`SYSTEM_ERROR`,
 * `SERVICE_UNAVAILABLE`): WeChat's table of APIv3 error codes (接口规则 · 错误码; `DESIGN.md` § error body), the
 * 公共错误码 each call's page repeats. Every derived call's error type lists them.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@effect-wechatpay/core"
 *
 * const codes = Endpoint.commonErrors.map((Class) => Class._tag) // ["PARAM_ERROR", "INVALID_REQUEST", …]
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const commonErrors = [
  WeChatPayError.ParamError,
  WeChatPayError.InvalidRequest,
  WeChatPayError.SignError,
  WeChatPayError.NoAuth,
  WeChatPayError.FrequencyLimited,
  WeChatPayError.RateLimitExceeded,
  WeChatPayError.SystemError,
  WeChatPayError.ServiceUnavailable
] as const

/**
 * One of {@link commonErrors}.
 *
 * @example
 * ```ts
 * import type { Endpoint } from "@effect-wechatpay/core"
 *
 * const retryLater = (error: Endpoint.CommonError) => error.retryable
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError = InstanceType<(typeof commonErrors)[number]>

/**
 * The class of a code a declaration lists: one of `WeChatPayError`'s (`WeChatPayError.OrderNotExist`, …) or a
 * family's own, made with `WeChatPayError.codeError`.
 *
 * @example
 * ```ts
 * import { type Endpoint, WeChatPayError } from "@effect-wechatpay/core"
 *
 * const notFound: Endpoint.CodeClass<WeChatPayError.NotFound> = WeChatPayError.NotFound
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CodeClass<E> = CallCodes.CodeClass<E>

/**
 * A declared call.
 *
 * @example
 * ```ts
 * import type { Schema } from "effect"
 * import type { Endpoint } from "@effect-wechatpay/core"
 *
 * const describe = <Req extends Schema.Schema.All, Res extends Schema.Schema.All>(e: Endpoint.Endpoint<Req, Res>) =>
 *   `${e.name}: ${e.method} ${e.path}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<
  Request extends Schema.Schema.All,
  Response extends Schema.Schema.All,
  Name extends string = string,
  E = never
> {
  /** The span name, `Family.call` (e.g. `PayrollCard.getRelation`). */
  readonly name: Name
  readonly method: HttpMethod
  /** The route template, path parameters in braces: `/v3/payroll-card/relations/{openid}`. */
  readonly path: string
  /** The request fields that fill the path, in the template's order. */
  readonly pathParams: ReadonlyArray<string>
  /** The request fields sent as the query, in this order, each only when present. */
  readonly query: ReadonlyArray<Fields<Request>>
  /** The request; its other fields are the JSON body (for a method that has one). */
  readonly request: Request
  readonly response: Response
  /** Request fields safe to put on the call's span (never an identifier of a person). */
  readonly annotate: ReadonlyArray<Fields<Request>>
  /** Answer fields that echo a request field, to bind an answer to its request. */
  readonly echo: ReadonlyArray<Echo<Request, Response>>
  /** Whether the request has encrypted fields: then `Wechatpay-Serial` names the `Encryptor`'s key. */
  readonly encrypted: boolean
  /** The codes the call's WeChat page lists beyond {@link commonErrors}, each as its class. */
  readonly errors: ReadonlyArray<CodeClass<E>>
}

/**
 * Declares a call. Path parameters are read from the template; the other request fields are the query
 * (those listed in `query`) and the body. A declaration that names a field the request does not have, or
 * leaves a field of a `GET` neither in the path nor the query, throws when it is made. `errors` lists the codes
 * WeChat's page for the call documents beyond {@link commonErrors} (cite the page beside it); the derived call's
 * error type then names exactly those.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
 *
 * const getAuthentication = Endpoint.make({
 *   name: "PayrollCard.getAuthentication",
 *   method: "GET",
 *   path: "/v3/payroll-card/authentications/{authenticate_number}",
 *   query: ["sub_mchid"],
 *   request: Schema.Struct({ authenticate_number: Schema.String, sub_mchid: Schema.String }),
 *   response: Schema.Struct({ authenticate_number: Schema.String, authenticate_state: Schema.String }),
 *   echo: ["authenticate_number"],
 *   errors: [WeChatPayError.OrderNotExist]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  Request extends Schema.Schema.All,
  Response extends Schema.Schema.All,
  const Name extends string,
  const Errors extends ReadonlyArray<CodeClass<unknown>> = []
>(options: {
  readonly name: Name
  readonly method: HttpMethod
  readonly path: string
  readonly request: Request
  readonly response: Response
  readonly query?: ReadonlyArray<Fields<Request>> | undefined
  readonly annotate?: ReadonlyArray<Fields<Request>> | undefined
  readonly echo?: ReadonlyArray<Echo<Request, Response>> | undefined
  readonly errors?: Errors | undefined
}): Endpoint<Request, Response, Name, InstanceType<Errors[number]>> => {
  const pathParams = Array.from(options.path.matchAll(/\{([^}]+)\}/g), (m) => m[1]!)
  const query = options.query ?? []
  const fields = Validation.fieldNames(options.request.ast)
  // A declaration that would drop or invent a field is a bug in the declaration: say so when it is made.
  const echoed = (options.echo ?? []).map((e) => typeof e === "string" ? { request: e, answer: e } : e)
  const unknown = [...pathParams, ...query, ...echoed.map((e) => e.request)].filter((name) =>
    fields !== undefined && !fields.includes(name)
  )
  const unanswered = echoed.filter((e) => !Validation.hasPath(options.response.ast, e.answer.split(".")))
  if (unanswered.length > 0) {
    throw new globalThis.Error(
      `Endpoint ${options.name}: no answer field ${unanswered.map((e) => e.answer).join(", ")} to echo the request`
    )
  }
  const unsent = DeclaredCall.hasBody(options.method) || fields === undefined
    ? []
    : fields.filter((name) => !pathParams.includes(name) && !query.includes(name as Fields<Request>))
  if (unknown.length > 0 || unsent.length > 0) {
    throw new globalThis.Error(
      `Endpoint ${options.name}: ${
        unknown.length > 0
          ? `no request field ${unknown.join(", ")}`
          : `${options.method} has no body for ${unsent.join(", ")}`
      }; declare each request field in the path, the query or the body`
    )
  }
  return {
    name: options.name,
    method: options.method,
    path: options.path,
    pathParams,
    query,
    request: options.request,
    response: options.response,
    annotate: options.annotate ?? [],
    echo: options.echo ?? [],
    encrypted: Validation.sensitivePaths(options.request.ast).length > 0,
    errors: (options.errors ?? []) as ReadonlyArray<CodeClass<InstanceType<Errors[number]>>>
  }
}

/**
 * What a derived call can fail with: a refused request (nothing sent), the transport, verification and timeout
 * failures, {@link CommonError}, the codes its declaration lists (`E`), and `UnknownApiError` for any other code.
 * Without `E`, every code the SDK has a class for: what any derived call can fail with.
 *
 * @example
 * ```ts
 * import type { Endpoint, WeChatPayError } from "@effect-wechatpay/core"
 *
 * const wasSent = (error: Endpoint.Error) => error._tag !== "RequestValidationError"
 * type GetAuthenticationError = Endpoint.Error<WeChatPayError.OrderNotExist>
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type Error<E = WeChatPayError.BusinessError> =
  | WeChatPayError.RequestValidationError
  | HttpClientError.RequestError
  | WeChatPayError.ResponseVerificationError
  | WeChatPayError.UnexpectedResponse
  | WeChatPayError.RequestTimeout
  | CommonError
  | WeChatPayError.UnknownApiError
  | E

/**
 * Derives the typed call from a declaration, with a span named after it. Under a failure, `Cause.pretty` shows
 * where the call is declared, and also where it was made when `CallSite` is on.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint } from "@effect-wechatpay/core"
 *
 * const getAuthentication = Endpoint.toCall(Endpoint.make({
 *   name: "PayrollCard.getAuthentication",
 *   method: "GET",
 *   path: "/v3/payroll-card/authentications/{authenticate_number}",
 *   query: ["sub_mchid"],
 *   request: Schema.Struct({ authenticate_number: Schema.String, sub_mchid: Schema.String }),
 *   response: Schema.Struct({ authenticate_number: Schema.String, authenticate_state: Schema.String })
 * }))
 * // (request) => Effect<{ authenticate_number, authenticate_state }, Endpoint.Error<never>, WeChatPayClient | …>
 * const result = getAuthentication({ authenticate_number: "mcdhehfgisdhfjghed39384564i83", sub_mchid: "1900000109" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const toCall = <
  Request extends Schema.Schema.All,
  Response extends Schema.Schema.All,
  Name extends string,
  E = never
>(
  endpoint: Endpoint<Request, Response, Name, E>
): (
  request: Schema.Schema.Type<Request>
) => Effect.Effect<
  Schema.Schema.Type<Response>,
  Error<E>,
  WeChatPayClient.WeChatPayClient | Schema.Schema.Context<Request> | Schema.Schema.Context<Response>
> => {
  // The site is taken here, so that it names the module that called toCall (frames: site, toCall, its caller).
  return DeclaredCall.make(endpoint, commonErrors, CallSpan.site())
}

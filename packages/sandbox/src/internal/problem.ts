/**
 * Error answers in WeChat's APIv3 shape: `{"code":"…","message":"…","detail":{…}}`.
 *
 * @internal
 */

/**
 * One error answer, before it is rendered and signed.
 *
 * @internal
 */
export interface Problem {
  readonly status: number
  readonly code: string
  readonly message: string
  readonly detail?: Readonly<Record<string, unknown>>
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * Where a parameter was read from, as WeChat reports it in `detail.location`.
 *
 * @internal
 */
export type Location = "body" | "header" | "query" | "path"

/**
 * 400 `PARAM_ERROR` about one field. `value` is echoed only when the caller passes it, so encrypted or
 * personal fields never come back in an error.
 *
 * @example
 * ```ts
 * paramError({ field: "openid", issue: "required", location: "body", message: "Missing required field openid" })
 * ```
 * @internal
 */
export const paramError = (options: {
  readonly field: string
  readonly issue: string
  readonly location: Location
  readonly message: string
  readonly value?: unknown
}): Problem => ({
  status: 400,
  code: "PARAM_ERROR",
  message: options.message,
  detail: {
    field: options.field,
    ...("value" in options ? { value: options.value } : {}),
    issue: options.issue,
    location: options.location
  }
})

/**
 * 401 `SIGN_ERROR`: the request could not be authenticated.
 *
 * @example
 * ```ts
 * signError("Missing Authorization header", { field: "Authorization", location: "header", issue: "missing" })
 * ```
 * @internal
 */
export const signError = (message: string, detail: Readonly<Record<string, unknown>>): Problem => ({
  status: 401,
  code: "SIGN_ERROR",
  message,
  detail
})

/**
 * 404 `RESOURCE_NOT_EXISTS` for a path the simulator does not serve.
 *
 * @example
 * ```ts
 * notFound("POST", "/v3/nope")
 * ```
 * @internal
 */
export const notFound = (method: string, path: string): Problem => ({
  status: 404,
  code: "RESOURCE_NOT_EXISTS",
  message: `No API at ${method} ${path}`
})

/**
 * 405 for a known path with the wrong method; `Allow` names the right one.
 *
 * @example
 * ```ts
 * methodNotAllowed("GET", "/v3/payroll-card/authentications/pre-order-with-auth", "POST")
 * ```
 * @internal
 */
export const methodNotAllowed = (method: string, path: string, allow: string): Problem => ({
  status: 405,
  code: "METHOD_NOT_ALLOWED",
  message: `${path} does not accept ${method}; use ${allow}`,
  headers: { Allow: allow }
})

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  SIGN_ERROR: 401,
  NO_AUTH: 403,
  RESOURCE_NOT_EXISTS: 404,
  ORDER_NOT_EXIST: 404,
  FREQUENCY_LIMITED: 429,
  RATELIMIT_EXCEEDED: 429,
  SYSTEM_ERROR: 500,
  SERVICE_UNAVAILABLE: 503
}

const MESSAGE_BY_CODE: Readonly<Record<string, string>> = {
  PARAM_ERROR: "Invalid parameter",
  INVALID_REQUEST: "The request does not satisfy the business rules",
  SIGN_ERROR: "Signature verification failed",
  NO_AUTH: "The merchant is not authorized to use this API",
  RESOURCE_NOT_EXISTS: "The resource does not exist",
  ORDER_NOT_EXIST: "The order does not exist",
  FREQUENCY_LIMITED: "Too many requests, slow down and retry later",
  RATELIMIT_EXCEEDED: "Rate limit exceeded, slow down and retry later",
  SYSTEM_ERROR: "System error, retry with the same parameters",
  SERVICE_UNAVAILABLE: "Service unavailable, retry later"
}

/**
 * The HTTP status WeChat uses for an error code (400 for codes it does not know).
 *
 * @example
 * ```ts
 * statusOf("SYSTEM_ERROR") // 500
 * ```
 * @internal
 */
export const statusOf = (code: string): number => STATUS_BY_CODE[code] ?? 400

/**
 * A generic message for an error code.
 *
 * @example
 * ```ts
 * messageOf("NO_AUTH")
 * ```
 * @internal
 */
export const messageOf = (code: string): string => MESSAGE_BY_CODE[code] ?? code

/**
 * The JSON body of an error answer.
 *
 * @example
 * ```ts
 * render(notFound("GET", "/v3/x")) // '{"code":"RESOURCE_NOT_EXISTS","message":"No API at GET /v3/x"}'
 * ```
 * @internal
 */
export const render = (problem: Problem): string =>
  JSON.stringify(
    problem.detail === undefined
      ? { code: problem.code, message: problem.message }
      : { code: problem.code, message: problem.message, detail: problem.detail }
  )

const REASONS: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out"
}

/**
 * The HTML page an nginx front end shows when the upstream is down.
 *
 * @example
 * ```ts
 * gatewayHtml(502)
 * ```
 * @internal
 */
export const gatewayHtml = (status: number): string => {
  const title = `${status} ${REASONS[status] ?? "Error"}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

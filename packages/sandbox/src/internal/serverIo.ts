/**
 * Small pieces of the loopback server's work on `node:http` messages.
 *
 * @internal
 */
import type * as Http from "node:http"

/**
 * The path of a request target, without its query.
 *
 * @example
 * ```ts
 * pathOf("/v3/x?a=1") // "/v3/x"
 * ```
 * @internal
 */
export const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

/**
 * The code of a JSON error answer, for the log line; a success is OK and anything else has none.
 *
 * @example
 * ```ts
 * codeOf(400, '{"code":"PARAM_ERROR"}') // "PARAM_ERROR"
 * ```
 * @internal
 */
export const codeOf = (status: number, body: string): string => {
  if (status < 400) return "OK"
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    return typeof code === "string" ? code : "-"
  } catch {
    return "-"
  }
}

/**
 * A 500 in plain text: the simulator never fails, so this is a defect or an interruption at shutdown.
 *
 * @example
 * ```ts
 * internalError(response)
 * ```
 * @internal
 */
export const internalError = (response: Http.ServerResponse) => {
  if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" })
  response.end("sandbox: internal error")
}

/**
 * Headers as one string each (repeated ones joined with ", "), as the simulator takes them.
 *
 * @example
 * ```ts
 * flatten(request.headers)
 * ```
 * @internal
 */
export const flatten = (headers: Http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

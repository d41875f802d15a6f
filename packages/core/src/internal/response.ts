/** An answer read whole, then offered again, so that it can be verified and still be read by the caller. */
import { HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect } from "effect"

/** The body bytes, read to their end. */
export const bytes = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<Uint8Array, HttpClientError.ResponseError> =>
  Effect.map(response.arrayBuffer, (buffer) => new Uint8Array(buffer))

/** The same answer over the bytes already read: `json`, `text`, `arrayBuffer` and `stream` work as before. */
export const replay = (
  response: HttpClientResponse.HttpClientResponse,
  body: Uint8Array
): HttpClientResponse.HttpClientResponse => {
  const headers = new globalThis.Headers()
  for (const [name, value] of Object.entries(response.headers)) headers.append(name, value)
  // A Response refuses a body on the null-body statuses.
  const empty = body.length === 0 || response.status === 204 || response.status === 205 || response.status === 304
  return HttpClientResponse.fromWeb(
    response.request,
    new Response(empty ? null : (body as Uint8Array<ArrayBuffer>), { status: response.status, headers })
  )
}

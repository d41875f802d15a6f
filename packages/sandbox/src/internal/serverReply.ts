/**
 * How the loopback server writes its answers on `node:http`'s response: a simulator `Outcome` played on the real
 * socket (delayed, dropped, streamed, cut short), a JSON answer, and the 413 refusal of a body over the limit.
 * `SandboxServer.make` builds one per server, with its timers and its request log.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import type * as Http from "node:http"
import { pipeline } from "node:stream"
import type * as Simulator from "../Simulator.js"
import * as BodyStream from "./bodyStream.js"
import * as crypto from "./crypto.js"
import * as Problem from "./problem.js"
import { codeOf } from "./serverIo.js"

/** What the replies need from their server. */
export interface Environment {
  /** Runs `action` after `delay` on a timer the server clears when it stops (at once without a delay). */
  readonly later: (delay: Duration.Duration | undefined, action: () => void) => void
  /** Logs one answered request (when the server logs requests). */
  readonly log: (request: Http.IncomingMessage, status: number | string, code: string) => void
  readonly maxBodyBytes: number
}

/** The server's ways of answering a request. */
export interface Replies {
  /** Plays a simulator outcome on the socket. */
  readonly perform: (outcome: Simulator.Outcome, request: Http.IncomingMessage, response: Http.ServerResponse) => void
  /** A JSON answer with its length and a fresh `Request-ID`. */
  readonly sendJson: (
    request: Http.IncomingMessage,
    response: Http.ServerResponse,
    status: number,
    body: string,
    headers?: Readonly<Record<string, string>>
  ) => void
  /** 413 for a body over `maxBodyBytes`, then the connection closed. */
  readonly refuse: (request: Http.IncomingMessage, response: Http.ServerResponse) => void
}

/**
 * The replies of one server.
 *
 * @example
 * ```ts
 * const { perform, refuse, sendJson } = ServerReply.make({ later, log, maxBodyBytes })
 * ```
 * @internal
 */
export const make = ({ later, log, maxBodyBytes }: Environment): Replies => {
  const perform = (outcome: Simulator.Outcome, request: Http.IncomingMessage, response: Http.ServerResponse) =>
    later(outcome.delay, () => {
      if (outcome._tag === "Drop") {
        log(request, "-", "DROPPED")
        return request.socket.destroy()
      }
      const { response: answer, truncateAfterBytes } = outcome
      if (answer.stream !== undefined) {
        // A file, chunked: generated as the socket drains, so memory stays constant whatever its size. A failure
        // (a truncating fault, the peer gone) breaks the connection before the last chunk.
        log(request, answer.status, "OK")
        response.writeHead(answer.status, { ...answer.headers, "Transfer-Encoding": "chunked" })
        return pipeline(BodyStream.readable(answer.stream, truncateAfterBytes), response, (error) => {
          if (error) request.socket.destroy()
        })
      }
      const bytes = Buffer.from(answer.body, "utf8")
      log(request, answer.status, codeOf(answer.status, answer.body))
      response.writeHead(answer.status, { ...answer.headers, "Content-Length": String(bytes.length) })
      if (truncateAfterBytes === undefined) return response.end(bytes)
      // Headers promise the full length; the socket then carries only part of the body and closes, which the
      // client sees as a premature end of the response.
      response.flushHeaders()
      const socket = request.socket
      socket.end(bytes.subarray(0, truncateAfterBytes), () => socket.destroy())
    })

  const sendJson = (
    request: Http.IncomingMessage,
    response: Http.ServerResponse,
    status: number,
    body: string,
    headers: Readonly<Record<string, string>> = {}
  ) => {
    log(request, status, codeOf(status, body))
    response.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body, "utf8")),
      "Request-ID": crypto.hex(16),
      ...headers
    })
    response.end(body)
  }

  // 413 and close. Node answers, then half-closes the socket and discards (never buffers) what the client still
  // sends; a client that keeps sending is cut off a second later, as nginx's lingering close does.
  const refuse = (request: Http.IncomingMessage, response: Http.ServerResponse) => {
    const body = Problem.render({
      status: 413,
      code: "PARAM_ERROR",
      message: `The request body is larger than the ${maxBodyBytes} bytes this server accepts`,
      detail: { field: "body", issue: `larger than ${maxBodyBytes} bytes`, location: "body" }
    })
    sendJson(request, response, 413, body, { Connection: "close" })
    later(Duration.seconds(1), () => request.socket.destroy())
  }

  return { perform, sendJson, refuse }
}

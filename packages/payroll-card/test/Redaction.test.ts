import { PayrollCard, type PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { Headers } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Inspectable, Layer, Logger, LogLevel, Redacted, TestClock, Tracer } from "effect"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"
import { tapSpans } from "./utils/tracing.js"

/** Everything the program told the outside world: log lines and spans, rendered as text. */
const capture = () => {
  const lines: Array<string> = []
  const spans: Array<Tracer.Span> = []
  const logger = Logger.make((options) => {
    lines.push(
      Inspectable.stringifyCircular({
        message: options.message,
        annotations: Object.fromEntries(options.annotations),
        cause: Cause.pretty(options.cause),
        spans: options.spans
      })
    )
  })
  const tracer = (base: Tracer.Tracer) => tapSpans(base, (span) => spans.push(span))
  const rendered = () =>
    [
      ...lines,
      ...spans.map((span) =>
        Inspectable.stringifyCircular({
          name: span.name,
          attributes: Object.fromEntries(span.attributes),
          events: (span as unknown as { events?: unknown }).events,
          status: span.status._tag === "Ended"
            ? Cause.pretty(Exit.isFailure(span.status.exit) ? span.status.exit.cause : Cause.empty)
            : ""
        })
      )
    ].join("\n")
  return { logger, tracer, rendered, spans }
}

/** Runs `effect` with every log line (down to Trace) and span captured. */
const captured = <A, E, R>(
  sink: ReturnType<typeof capture>,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<Exit.Exit<A, E>, never, R> =>
  Effect.flatMap(Effect.tracer, (base) =>
    effect.pipe(
      Effect.tapErrorCause((cause) => Effect.logError("call failed", cause)),
      Effect.tap((value) => Effect.logInfo("call succeeded", value)),
      Effect.withTracer(sink.tracer(base)),
      // Even a program that cleared the redacted header names must not see Authorization in a span.
      Effect.locally(Headers.currentRedactedNames, []),
      Effect.provide(
        Layer.merge(Logger.replace(Logger.defaultLogger, sink.logger), Logger.minimumLogLevel(LogLevel.All))
      ),
      Effect.exit
    ))

describe("secrets never leave", () => {
  it.layer(Sandbox.layer({ retry: false, timeout: "2 seconds" }))((it) => {
    it.effect("no key, plaintext name or ID number, or Authorization in logs, spans, errors or their JSON", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-11-22T12:00:00Z"))
        yield* Simulator.reset
        const keys = yield* Sandbox.Sandbox
        const sink = capture()
        const exits: Array<Exit.Exit<unknown, unknown>> = []
        const call = (request: unknown) =>
          captured(sink, PayrollCard.preOrderWithAuth(request as PreOrderWithAuth.PreOrderWithAuthRequest)).pipe(
            Effect.tap((exit) => exits.push(exit))
          )

        const request = makeRequest()
        yield* call(request) // success
        yield* call({ ...request, id_card_number: Redacted.make("110101199003074477") }) // INVALID_REQUEST
        yield* call({ ...makeRequest(), user_name: USER_NAME }) // RequestValidationError: a plain string where Redacted belongs
        yield* call(makeRequest({ user_name: Redacted.make(USER_NAME.repeat(40)) })) // RequestValidationError: too long to encrypt
        yield* call(makeRequest({ employment_type: "X" as never })) // RequestValidationError
        for (
          const fault of [
            Simulator.Fault.ApiError({ code: "PARAM_ERROR" }),
            Simulator.Fault.ApiError({ code: "SIGN_ERROR" }),
            Simulator.Fault.ApiError({ code: "SYSTEM_ERROR" }),
            Simulator.Fault.BadSignature(),
            Simulator.Fault.SignatureProbe(),
            Simulator.Fault.StaleTimestamp({}),
            Simulator.Fault.UnknownSerial(),
            Simulator.Fault.MissingHeaders(),
            Simulator.Fault.GatewayHtml({}),
            Simulator.Fault.EmptyBody(),
            Simulator.Fault.Truncate({}),
            Simulator.Fault.Drop()
          ]
        ) {
          yield* Simulator.inject(fault)
          yield* call(makeRequest())
        }
        // A timeout: the answer comes after the attempt's limit.
        yield* Simulator.inject(Simulator.Fault.Delay({ duration: "1 minute" }))
        const slow = yield* Effect.fork(call(makeRequest()))
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(slow)

        const authorizations = (yield* Simulator.received).map((r) => r.headers["authorization"]!)
        assert.isAbove(authorizations.length, 10)

        // The errors themselves, every way they can be printed.
        const errors = exits.flatMap((exit) =>
          Exit.isFailure(exit) ? [Cause.squash(exit.cause), Cause.pretty(exit.cause), exit.cause] : []
        )
        assert.isAbove(errors.length, 10)
        assert.isTrue(errors.some((e) => (e as { _tag?: string })._tag === "RequestTimeout"))
        const printed = errors.map((e) => `${String(e)} ${Inspectable.stringifyCircular(e)} ${Inspectable.format(e)}`)

        // What they show is what a person needs to act on: code, status, route, Request-ID, attempts.
        const pretty = exits.flatMap((exit) => Exit.isFailure(exit) ? [Cause.pretty(exit.cause)] : []).join("\n")
        assert.match(
          pretty,
          /PARAM_ERROR \(HTTP 400\) on POST \/v3\/payroll-card\/authentications\/pre-order-with-auth: .*\(Request-ID \S+; after 1 attempt\)/
        )
        assert.match(pretty, /ResponseVerificationError: BadSignature \(HTTP 200\) on POST \/v3\/payroll-card\/\S+: /)
        assert.match(pretty, /RequestValidationError: invalid request on POST \S+, nothing sent: user_name: /)
        assert.match(pretty, /UnexpectedResponse: HTTP 502 on POST \S+: an error answer that is not WeChat's JSON/)

        const everything = `${sink.rendered()}\n${printed.join("\n")}`
        assert.isAbove(sink.spans.length, 10)
        assert.include(everything, "PayrollCard.preOrderWithAuth") // the spans are there …
        assert.include(everything, "\"http.request.header.authorization\":\"<redacted>\"") // … with the header redacted
        const secrets = [
          USER_NAME,
          ID_CARD_NUMBER,
          ...authorizations,
          ...authorizations.map((a) => /signature="([^"]+)"/.exec(a)![1]!),
          keys.merchantPrivateKey.split("\n")[1]!,
          keys.merchantPrivateKey.split("\n")[10]!,
          keys.platformPrivateKey.split("\n")[1]!
        ]
        for (const secret of secrets) {
          const at = everything.indexOf(secret)
          assert.strictEqual(at, -1, `leaked near: ${everything.slice(Math.max(0, at - 300), at)}`)
        }
      }))
  })
})

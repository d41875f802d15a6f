import { PayrollCard } from "@effect-wechatpay/payroll-card"
import type * as CreateTransferBatch from "@effect-wechatpay/payroll-card/CreateTransferBatch"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Layer, Logger, LogLevel, Redacted, Stream, TestClock, Tracer } from "effect"
import { ID_CARD_NUMBER, makeRequest, USER_NAME } from "./fixtures.js"
import { tapSpans } from "./utils/tracing.js"

/**
 * The four new calls and the stream put the span-safe fields on their spans (`sub_mchid`, `authenticate_number`,
 * `out_batch_no`, `authenticate_date`) and never the openid; no name or ID number reaches a span, a log line or an
 * error, whether the call succeeds, is refused before sending or fails at WeChat.
 */
const OPENID = "oSecretWorkerOpenid0001"
const OTHER_NAME = "李秘密"
const WORKER = { openid: OPENID, sub_mchid: "1900000109", sub_appid: "wxa1111111111111" }
// 2020-12-25 12:00 in Beijing.
const NOON = Date.UTC(2020, 11, 25, 4)

const capture = () => {
  const lines: Array<string> = []
  const spans: Array<Tracer.Span> = []
  const logger = Logger.make((options) => {
    lines.push(Inspectable.stringifyCircular({ message: options.message, cause: Cause.pretty(options.cause) }))
  })
  const tracer = (base: Tracer.Tracer) => tapSpans(base, (span) => spans.push(span))
  const rendered = () =>
    [
      ...lines,
      ...spans.map((span) =>
        Inspectable.stringifyCircular({ name: span.name, attributes: Object.fromEntries(span.attributes) })
      )
    ].join("\n")
  return { logger, tracer, rendered, spans }
}

const BATCH: CreateTransferBatch.CreateTransferBatchRequest = {
  sub_mchid: WORKER.sub_mchid,
  sub_appid: "wxf636efh567hg4356",
  authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
  out_batch_no: "plfk2020042013",
  batch_name: "四月工资",
  batch_remark: "四月工资",
  total_amount: 250_000,
  total_num: 2,
  transfer_detail_list: [
    {
      out_detail_no: "d1",
      transfer_amount: 200_000,
      transfer_remark: "工资",
      openid: OPENID,
      user_name: Redacted.make(USER_NAME)
    },
    {
      out_detail_no: "d2",
      transfer_amount: 50_000,
      transfer_remark: "工资",
      openid: "o2",
      user_name: Redacted.make(OTHER_NAME)
    }
  ]
}

describe("the new calls keep secrets and persons off spans, logs and errors", () => {
  it.layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect("spans carry the safe fields; nothing names the worker", () =>
      Effect.gen(function*() {
        yield* Simulator.reset
        yield* TestClock.setTime(NOON)
        const sink = capture()
        const base = yield* Effect.tracer
        const exits: Array<Exit.Exit<unknown, unknown>> = []
        const run = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          effect.pipe(
            Effect.tapErrorCause((cause) => Effect.logError("call failed", cause)),
            Effect.withTracer(sink.tracer(base)),
            Effect.provide(
              Layer.merge(Logger.replace(Logger.defaultLogger, sink.logger), Logger.minimumLogLevel(LogLevel.All))
            ),
            Effect.exit,
            Effect.tap((exit) => exits.push(exit))
          )
        const token = { ...WORKER, user_name: Redacted.make(USER_NAME), id_card_number: Redacted.make(ID_CARD_NUMBER) }

        yield* run(PayrollCard.createToken(token))
        yield* run(PayrollCard.createToken({ ...token, sub_appid: undefined })) // refused: no AppID
        yield* run(PayrollCard.createToken({ ...token, user_name: USER_NAME as never })) // refused: a plain name
        yield* run(
          PayrollCard.preOrder({ ...WORKER, authenticate_number: "po1", project_name: "p", employer_name: "e" })
        )
        yield* run(PayrollCard.preOrderWithAuth(makeRequest({ ...WORKER, authenticate_number: "first1" })))
        yield* Simulator.complete("first1", "SUCCESS")
        yield* run(
          PayrollCard.preOrder({ ...WORKER, authenticate_number: "po2", project_name: "p", employer_name: "e" })
        )
        yield* run(Stream.runDrain(PayrollCard.streamAuthentications({ ...WORKER, authenticate_date: "2020-12-25" })))
        yield* run(PayrollCard.listAuthentications({ ...WORKER, authenticate_date: "2020-01-01" })) // refused: window
        yield* run(PayrollCard.createTransferBatch(BATCH))
        yield* run(PayrollCard.createTransferBatch({ ...BATCH, out_batch_no: "sum1", total_amount: 1 })) // refused
        const plain = BATCH.transfer_detail_list.map((d) => ({ ...d, user_name: OTHER_NAME as never }))
        yield* run(PayrollCard.createTransferBatch({ ...BATCH, out_batch_no: "plain1", transfer_detail_list: plain }))
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "PARAM_ERROR" }))
        yield* run(PayrollCard.createTransferBatch({ ...BATCH, out_batch_no: "wechat1" }))

        const tags = exits.map((exit) =>
          Exit.isFailure(exit) ? (Cause.squash(exit.cause) as { _tag: string })._tag : "ok"
        )
        assert.deepStrictEqual(tags, [
          "ok",
          "RequestValidationError",
          "RequestValidationError",
          "INVALID_REQUEST", // not authorised yet
          "ok",
          "ok",
          "ok",
          "RequestValidationError",
          "ok",
          "RequestValidationError",
          "RequestValidationError",
          "PARAM_ERROR"
        ])

        const attributes = (name: string) =>
          sink.spans.filter((span) => span.name === name).map((span) => Object.fromEntries(span.attributes))
        assert.deepInclude(attributes("PayrollCard.createToken")[0], { "wechatpay.sub_mchid": WORKER.sub_mchid })
        assert.deepInclude(attributes("PayrollCard.preOrder")[1], { "wechatpay.authenticate_number": "po2" })
        assert.deepInclude(attributes("PayrollCard.listAuthentications")[0], {
          "wechatpay.sub_mchid": WORKER.sub_mchid,
          "wechatpay.authenticate_date": "2020-12-25"
        })
        const [stream] = sink.spans.filter((span) => span.name === "PayrollCard.streamAuthentications")
        const pages = sink.spans.filter((span) => span.name === "PayrollCard.listAuthentications")
        assert.isDefined(stream)
        assert.strictEqual(pages[0]!.parent._tag === "Some" && pages[0]!.parent.value.spanId, stream!.spanId)
        assert.deepInclude(attributes("PayrollCard.createTransferBatch")[0], {
          "wechatpay.sub_mchid": WORKER.sub_mchid,
          "wechatpay.out_batch_no": "plfk2020042013"
        })

        const errors = exits.flatMap((exit) =>
          Exit.isFailure(exit)
            ? [Cause.pretty(exit.cause), Inspectable.stringifyCircular(Cause.squash(exit.cause))]
            : []
        )
        const everything = `${sink.rendered()}\n${errors.join("\n")}`
        assert.include(everything, "PayrollCard.createTransferBatch")
        for (const secret of [USER_NAME, OTHER_NAME, ID_CARD_NUMBER]) {
          const at = everything.indexOf(secret)
          assert.strictEqual(at, -1, `${secret} leaked near: ${everything.slice(Math.max(0, at - 300), at + 50)}`)
        }
        // The openid identifies a person: never on a span, even for the list, whose query carries it. (WeChat's own
        // error text may quote it: that is the server's message, kept as it came.)
        const spans = sink.spans.map((span) => Inspectable.stringifyCircular(Object.fromEntries(span.attributes)))
        assert.isAbove(spans.length, 12)
        for (const span of spans) assert.notInclude(span, OPENID)
      }))
  })
})

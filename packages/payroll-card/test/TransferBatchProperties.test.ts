import { PayrollCard } from "@effect-wechatpay/payroll-card"
import type * as CreateTransferBatch from "@effect-wechatpay/payroll-card/CreateTransferBatch"
import { Sandbox, Simulator } from "@effect-wechatpay/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Option, Redacted, TestClock } from "effect"
import * as fc from "fast-check"
import { Rsa } from "wechatpay-axios-plugin"

/**
 * `PayrollCard.createTransferBatch` over arbitrary batches, through the real encryption and verification against
 * the simulator: a batch that keeps the sources' rules is sent, its names decrypt (wechatpay-axios-plugin's
 * `Rsa.decrypt`) to the details' names in order, and WeChat alone answers the amount-dependent rule (a name from
 * 2,000 yuan up); a batch that breaks one rule is refused with `RequestValidationError`, nothing sent, and the
 * error never shows a name.
 */
const NAME_REQUIRED_FROM = 200_000

const Detail = fc.record({
  amount: fc.integer({ min: 1, max: 400_000 }),
  remark: fc.string({ unit: fc.constantFrom("工", "资", "a", "1", "😀", " "), minLength: 1, maxLength: 32 }),
  name: fc.string({ unit: fc.constantFrom("张", "李", "秘", "密", "·"), minLength: 2, maxLength: 6 })
})

const Breakage = fc.constantFrom("none", "none", "sum", "count", "mixed names", "long remark", "too many")

const Case = fc.record({
  details: fc.array(Detail, { minLength: 1, maxLength: 5 }),
  named: fc.boolean(),
  breakage: Breakage
})

let sequence = 0
/** Each outcome seen, to check the arbitraries reach every branch. */
const seen = new Map<string, number>()
const saw = (outcome: string) => seen.set(outcome, (seen.get(outcome) ?? 0) + 1)

const build = (c: typeof Case extends fc.Arbitrary<infer A> ? A : never) => {
  const names = c.details.map((d, i) => `${d.name}${i}`)
  let details: Array<CreateTransferBatch.TransferDetailInput> = c.details.map((d, i) => ({
    out_detail_no: `d${i}`,
    transfer_amount: d.amount,
    transfer_remark: d.remark,
    openid: `o${i}`,
    ...(c.named ? { user_name: Redacted.make(names[i]!) } : {})
  }))
  if (c.breakage === "mixed names") {
    const [first, ...rest] = details.length > 1 ? details : [details[0]!, { ...details[0]!, out_detail_no: "dx" }]
    details = [{ ...first!, user_name: Redacted.make(names[0]!) }, ...rest.map(({ user_name: _, ...d }) => d)]
  }
  if (c.breakage === "long remark") details[0] = { ...details[0]!, transfer_remark: "工".repeat(33) }
  if (c.breakage === "too many") {
    details = Array.from({ length: 3001 }, (_, i) => ({ ...details[0]!, out_detail_no: `m${i}` }))
  }
  const sum = details.reduce((total, d) => total + d.transfer_amount, 0)
  const request: CreateTransferBatch.CreateTransferBatchRequest = {
    sub_mchid: "1900000109",
    sub_appid: "wxf636efh567hg4356",
    authorization_type: "INFORMATION_AUTHORIZATION_TYPE",
    out_batch_no: `prop${sequence++}`,
    batch_name: "工资",
    batch_remark: "工资",
    total_amount: c.breakage === "sum" ? sum + 1 : sum,
    total_num: c.breakage === "count" ? details.length + 1 : details.length,
    transfer_detail_list: details
  }
  // What each detail's name decrypts to on the wire (undefined: sent without one).
  const expected = details.map((d) => d.user_name === undefined ? undefined : Redacted.value(d.user_name))
  return { request, expected, names: expected.filter((name) => name !== undefined) }
}

describe("createTransferBatch over arbitrary batches", () => {
  it.layer(Sandbox.layer({ retry: false }))((it) => {
    it.effect.prop(
      "kept rules: sent, names decrypt in order; a broken rule: refused, nothing sent, no name shown",
      [Case],
      ([c]) =>
        Effect.gen(function*() {
          yield* Simulator.reset
          yield* TestClock.setTime(Date.UTC(2020, 11, 25, 4))
          const keys = yield* Sandbox.Sandbox
          const { expected, names, request } = build(c)
          const exit = yield* Effect.exit(PayrollCard.createTransferBatch(request))
          const received = yield* Simulator.received

          if (c.breakage !== "none") {
            assert.isTrue(Exit.isFailure(exit), c.breakage)
            const error = Option.getOrThrow(Cause.failureOption((exit as Exit.Failure<unknown, never>).cause))
            assert.strictEqual((error as { _tag: string })._tag, "RequestValidationError", c.breakage)
            assert.strictEqual(received.length, 0, "nothing sent")
            const shown = `${String(error)} ${Inspectable.stringifyCircular(error)}`
            for (const name of names) assert.notInclude(shown, name)
            saw(c.breakage)
            return
          }

          assert.strictEqual(received.length, 1)
          const wire = JSON.parse(received[0]!.body) as { transfer_detail_list: Array<{ user_name?: string }> }
          const key = Rsa.from(keys.platformPrivateKey, "private")
          assert.deepStrictEqual(
            wire.transfer_detail_list.map((d) => d.user_name === undefined ? undefined : Rsa.decrypt(d.user_name, key)),
            expected
          )
          for (const name of names) assert.notInclude(received[0]!.body, name)
          const needsName = !c.named && c.details.some((d) => d.amount >= NAME_REQUIRED_FROM)
          if (needsName) {
            assert.isTrue(Exit.isFailure(exit))
            const error = Option.getOrThrow(Cause.failureOption((exit as Exit.Failure<unknown, never>).cause))
            assert.strictEqual((error as { _tag: string })._tag, "PARAM_ERROR")
            saw("PARAM_ERROR")
          } else {
            assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "")
            if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.out_batch_no, request.out_batch_no)
            saw(c.named ? "sent with names" : "sent without names")
          }
        }),
      { fastCheck: { numRuns: 40, seed: 20261201 } }
    )

    it("the arbitraries reached every branch", () => {
      const branches = ["sum", "count", "mixed names", "long remark", "too many", "PARAM_ERROR", "sent with names"]
      for (const branch of [...branches, "sent without names"]) {
        assert.isAtLeast(seen.get(branch) ?? 0, 1, `${branch}: ${JSON.stringify(Object.fromEntries(seen))}`)
      }
    })
  })
})

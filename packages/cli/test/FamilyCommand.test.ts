import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { NodeFileSystem, NodePath, NodeTerminal } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Schema } from "effect"
import { FamilyCommand } from "../src/index.js"

// A declaration the CLI has never seen: its command must appear with the right flags, with no CLI code.
const addWorker = Endpoint.make({
  name: "Fixture.addWorkerRecord",
  method: "POST",
  path: "/v3/fixture/workers/{sub_mchid}",
  request: Schema.Struct({
    sub_mchid: Schema.String,
    shift_count: Schema.optional(Schema.Int.pipe(Schema.positive())),
    wage: Schema.Number,
    shift_kind: Schema.Literal("DAY", "NIGHT").annotations({ description: "which shift the worker takes" }),
    id_card_number: Sensitive.EncryptedString,
    notes: Schema.optional(Schema.Array(Schema.String))
  }),
  response: Schema.Struct({ sub_mchid: Schema.String })
})

const family = { ...PayrollCard.endpoints, addWorkerRecord: addWorker }

const Environment = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "")

describe("FamilyCommand", () => {
  it("derives the flags of a new declaration from its request schema", () => {
    const fields = FamilyCommand.fields(addWorker)
    assert.deepStrictEqual(
      fields.map((f) => [f.flag, f.optional, f.kind._tag]),
      [
        ["sub-mchid", false, "Text"],
        ["shift-count", true, "Integer"],
        ["wage", false, "Number"],
        ["shift-kind", false, "Choice"],
        // A sensitive field only from a file, never its value.
        ["id-card-number-file", false, "Secret"],
        ["notes", true, "Json"]
      ]
    )
    assert.deepStrictEqual(fields[3]!.kind, { _tag: "Choice", choices: ["DAY", "NIGHT"] })
    assert.strictEqual(fields[3]!.description, "which shift the worker takes")
  })

  it("gives every declaration of the family its kebab-case subcommand, the new one included", () => {
    const command = FamilyCommand.make("fixture", family)
    const help = plain(HelpDoc.toAnsiText(Command.getHelp(command, CliConfig.defaultConfig)))
    for (const key of Object.keys(family)) assert.include(help, FamilyCommand.commandName(key))
    assert.include(help, "add-worker-record")
    const sub = FamilyCommand.fromEndpoint("add-worker-record", addWorker)
    const usage = plain(HelpDoc.toAnsiText(Command.getHelp(sub, CliConfig.defaultConfig)))
    for (
      const flag of [
        "--sub-mchid text",
        "--shift-count integer",
        "--wage float",
        "--shift-kind DAY | NIGHT",
        "--id-card-number-file text",
        "--notes text"
      ]
    ) assert.include(usage, flag)
    assert.include(usage, "which shift the worker takes")
    assert.notInclude(usage, "--id-card-number ")
  })

  it.effect("refuses a value outside an enum before anything runs", () =>
    Effect.gen(function*() {
      const command = FamilyCommand.make("fixture", family)
      const exit = yield* Effect.exit(
        Command.run(command, { name: "fixture", version: "0" })([
          "node",
          "fixture",
          "add-worker-record",
          "--sub-mchid",
          "1900000109",
          "--wage",
          "1",
          "--shift-kind",
          "EVENING",
          "--id-card-number-file",
          "/nonexistent"
        ]).pipe(Effect.provide(Environment))
      )
      assert.isTrue(Exit.isFailure(exit))
      // @effect/cli's own refusal of the flag, not the unreadable file the handler would have read.
      assert.include(JSON.stringify(exit), "InvalidValue")
    }))

  it("names the payroll-card subcommands in kebab-case", () => {
    assert.strictEqual(FamilyCommand.commandName("preOrderWithAuth"), "pre-order-with-auth")
    assert.strictEqual(FamilyCommand.commandName("getTransferBatchByOutNo"), "get-transfer-batch-by-out-no")
    assert.deepStrictEqual(
      FamilyCommand.fields(PayrollCard.endpoints.createToken).map((f) => f.flag),
      ["openid", "appid", "sub-mchid", "sub-appid", "user-name-file", "id-card-number-file", "employment-type"]
    )
  })
})

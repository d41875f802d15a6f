import { Endpoint, Helper, Sensitive } from "@effect-wechatpay/core"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { TestKeys } from "@effect-wechatpay/sandbox"
import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { NodeFileSystem, NodePath, NodeTerminal } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Layer, Option, Redacted, Schema, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { FamilyCommand } from "../src/index.js"
import * as Exits from "../src/internal/exit.js"

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

// Helpers the CLI has never seen: an await by one of two keys (a union request) with tuning, and a stream whose
// records hold a decrypted name. Each is a command with no CLI code.
class JobStillRunning extends Schema.TaggedError<JobStillRunning>()("JobStillRunning", { job: Schema.String }) {
  override get message() {
    return `job ${this.job} still running`
  }
}
class PageLost extends Schema.TaggedError<PageLost>()("PageLost", {}) {
  override get message() {
    return "page 2 lost"
  }
}
const runs: Array<unknown> = []
const awaitJob = Helper.awaiting({
  description: "waits for a job",
  request: Schema.Union(
    Schema.Struct({ job_id: Schema.String, verbose: Schema.Boolean }),
    Schema.Struct({
      out_job_no: Schema.String.annotations({ description: "the provider's number" }),
      verbose: Schema.Boolean,
      shard: Schema.optional(Schema.Int)
    })
  ),
  options: Schema.Struct({
    interval: Schema.optionalWith(Helper.DurationString, { exact: true }),
    maxInterval: Schema.optionalWith(Helper.DurationString, { exact: true })
  }),
  run: (request, options) =>
    Effect.suspend(() => {
      runs.push(request)
      const interval = Option.fromNullable(options.interval).pipe(Option.map(Duration.toMillis), Option.getOrNull)
      return "job_id" in request && request.job_id === "never"
        ? Effect.fail(new JobStillRunning({ job: request.job_id }))
        : Effect.succeed({ member: "job_id" in request ? "by id" : "by out no", interval, request })
    }),
  gaveUp: ["JobStillRunning"]
})
const streamWorkers = Helper.streaming({
  description: "every worker of a job",
  request: Schema.Struct({ job_id: Schema.String, fail: Schema.optional(Schema.Boolean) }),
  run: (request) =>
    Stream.make(
      { n: 1, user_name: Redacted.make("张秘密") },
      { n: 2, user_name: Redacted.make("李秘密") }
    ).pipe(Stream.concat(request.fail === true ? Stream.fail(new PageLost()) : Stream.empty))
})
const helpers = { awaitJob, streamWorkers }

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

  it("derives a helper's flags from its request (a union's members merged) and its tuning", () => {
    const fields = FamilyCommand.helperFields(awaitJob)
    assert.deepStrictEqual(
      fields.request.map((f) => [f.flag, f.optional, f.kind._tag]),
      [
        // In one member only: optional; the member is chosen by decoding the request.
        ["job-id", true, "Text"],
        // Required by every member: required.
        ["verbose", false, "Boolean"],
        ["out-job-no", true, "Text"],
        ["shard", true, "Integer"]
      ]
    )
    assert.strictEqual(fields.request[2]!.description, "the provider's number")
    assert.deepStrictEqual(fields.options.map((f) => [f.flag, f.optional, f.kind._tag]), [
      ["interval", true, "Text"],
      ["max-interval", true, "Text"]
    ])
    assert.deepStrictEqual(FamilyCommand.helperFields(streamWorkers).options, [])
    const command = FamilyCommand.make("fixture", family, helpers)
    const help = plain(HelpDoc.toAnsiText(Command.getHelp(command, CliConfig.defaultConfig)))
    assert.include(help, "await-job")
    assert.include(help, "stream-workers")
    const usage = plain(HelpDoc.toAnsiText(Command.getHelp(
      FamilyCommand.fromHelper("await-job", awaitJob),
      CliConfig.defaultConfig
    )))
    for (
      const flag of [
        "--job-id text",
        "--verbose",
        "--out-job-no text",
        "--shard integer",
        "--interval text",
        "--max-interval text",
        "--env-file file",
        "--base-url text",
        "--reveal"
      ]
    ) assert.include(usage, flag)
    // The payroll-card helpers: one command each, kebab-case of the key.
    const payrollCard = plain(HelpDoc.toAnsiText(Command.getHelp(
      FamilyCommand.make("payroll-card", PayrollCard.endpoints, PayrollCard.helpers),
      CliConfig.defaultConfig
    )))
    for (
      const name of [
        "await-authentication",
        "await-transfer-batch",
        "stream-authentications",
        "stream-transfer-details"
      ]
    ) {
      assert.include(payrollCard, name)
    }
    assert.deepStrictEqual(
      FamilyCommand.helperFields(PayrollCard.helpers.awaitTransferBatch).options.map((f) => f.flag),
      ["interval", "max-interval", "timeout"]
    )
  })

  // Runs a fixture command line in this process, stdout captured line by line; gives the exit code as the bin's.
  // The client is configured (real keys, from --env-file) though the fixture helpers never call WeChat.
  let envFile: string | undefined
  const runFixture = (args: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      if (envFile === undefined) {
        const keys = yield* TestKeys.generateSet()
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "wechatpay-fixture-"))
        Fs.writeFileSync(Path.join(dir, "key.pem"), keys.merchantPrivateKey, { mode: 0o600 })
        Fs.writeFileSync(Path.join(dir, "public.pem"), keys.platformPublicKey)
        envFile = Path.join(dir, "env")
        Fs.writeFileSync(
          envFile,
          [
            `WECHATPAY_MCHID=${keys.mchid}`,
            `WECHATPAY_MERCHANT_SERIAL_NO=${keys.merchantSerialNo}`,
            `WECHATPAY_MERCHANT_PRIVATE_KEY_FILE=${Path.join(dir, "key.pem")}`,
            `WECHATPAY_PUBLIC_KEY_ID=${keys.platformPublicKeyId}`,
            `WECHATPAY_PUBLIC_KEY_FILE=${Path.join(dir, "public.pem")}`,
            "WECHATPAY_BASE_URL=http://127.0.0.1:9"
          ].join("\n")
        )
      }
      args = [...args, "--env-file", envFile]
      const lines: Array<string> = []
      const console = yield* Effect.console
      const exit = yield* Command.run(FamilyCommand.make("fixture", family, helpers), {
        name: "fixture",
        version: "0"
      })(
        ["node", "fixture", ...args]
      ).pipe(
        Effect.provide(Environment),
        Effect.withConsole({
          ...console,
          log: (...items: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(items.join(" ")))
        }),
        Effect.exit
      )
      return { lines, ...(Exit.isSuccess(exit) ? { code: 0, message: undefined } : Exits.ofCause(exit.cause)) }
    })

  it.effect("an await command decodes the request to its union member, and its tuning, before it runs", () =>
    Effect.gen(function*() {
      runs.length = 0
      const byOutNo = yield* runFixture(["await-job", "--out-job-no", "J1", "--interval", "250 millis"])
      assert.strictEqual(byOutNo.code, 0, byOutNo.message)
      assert.deepStrictEqual(JSON.parse(byOutNo.lines.join("\n")), {
        member: "by out no",
        interval: 250,
        request: { out_job_no: "J1", verbose: false }
      })
      const byId = yield* runFixture(["await-job", "--job-id", "J2", "--verbose"])
      assert.strictEqual(JSON.parse(byId.lines.join("\n")).member, "by id")
      assert.strictEqual(runs.length, 2)
      // Both keys: no member matches, refused; an unreadable duration: refused. Neither ran.
      const both = yield* runFixture(["await-job", "--job-id", "J3", "--out-job-no", "J3"])
      assert.strictEqual(both.code, 2)
      const soon = yield* runFixture(["await-job", "--job-id", "J4", "--interval", "soon"])
      assert.strictEqual(soon.code, 2)
      assert.match(soon.message!, /^invalid request, nothing sent: interval: a duration such as "5 seconds"/)
      assert.deepStrictEqual(soon.lines, [])
      assert.strictEqual(runs.length, 2)
      // The helper's own "gave up" error: exit 6, its message on one line.
      const gaveUp = yield* runFixture(["await-job", "--job-id", "never"])
      assert.deepStrictEqual([gaveUp.code, gaveUp.message, gaveUp.lines], [6, "job never still running", []])
    }))

  it.effect("a stream command prints NDJSON, names <redacted> unless --reveal; a failure keeps the lines printed", () =>
    Effect.gen(function*() {
      const hidden = yield* runFixture(["stream-workers", "--job-id", "J1"])
      assert.strictEqual(hidden.code, 0, hidden.message)
      assert.deepStrictEqual(hidden.lines, [
        `{"n":1,"user_name":"<redacted>"}`,
        `{"n":2,"user_name":"<redacted>"}`
      ])
      const revealed = yield* runFixture(["stream-workers", "--job-id", "J1", "--reveal"])
      assert.deepStrictEqual(revealed.lines.map((line) => JSON.parse(line).user_name), ["张秘密", "李秘密"])
      const broken = yield* runFixture(["stream-workers", "--job-id", "J1", "--fail"])
      assert.strictEqual(broken.lines.length, 2)
      assert.strictEqual(broken.code, 1)
      assert.strictEqual(broken.message, "page 2 lost")
    }))
})

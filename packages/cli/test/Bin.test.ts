import { FamilyCommand } from "@effect-wechatpay/cli"
import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { Simulator } from "@effect-wechatpay/sandbox"
import { FetchHttpClient } from "@effect/platform"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Path from "node:path"
import { bundle, type Run, runBin, type Sandbox, startSandbox } from "./utils/bin.js"

// The built bin, with plain node, against a loopback sandbox: every payroll-card subcommand, `call`, `notify
// decode`, the exit codes of each failure class, and no secret in any output, debug log included.

const USER_NAME = "张秘密"
const ID_CARD_NUMBER = "11010119900307002X"
const WORKER = [
  "--openid",
  "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  "--sub-mchid",
  "1900000109",
  "--sub-appid",
  "wxa1111111111111"
]

let bin: string
let sandbox: Sandbox
let files: { userName: string; idCardNumber: string; details: string; partnerDetails: string; tokenBody: string }
const runs: Array<{ readonly args: ReadonlyArray<string>; readonly run: Run }> = []
const revealRuns: Array<{ readonly args: ReadonlyArray<string>; readonly run: Run }> = []

const wechatpay = async (
  args: ReadonlyArray<string>,
  options: { env?: Record<string, string>; stdin?: string } = {}
) => {
  const all = ["--log-level", "debug", ...args]
  const run = await runBin(bin, all, {
    env: options.env ?? sandbox.env,
    ...(options.stdin ? { stdin: options.stdin } : {})
  })
  runs.push({ args: all, run })
  return run
}
const ok = (run: Run) => {
  assert.strictEqual(run.code, 0, run.stderr)
  return run.stdout.length === 0 ? undefined : JSON.parse(run.stdout)
}
const failed = (run: Run, code: number, pattern: RegExp) => {
  assert.strictEqual(run.code, code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`)
  assert.strictEqual(run.stdout, "")
  assert.match(run.stderr, pattern)
}
/** An identity check's pre-order flags for the worker, name and ID number from files. */
const preOrderFlags = (authenticateNumber: string) => [
  ...WORKER,
  "--authenticate-number",
  authenticateNumber,
  "--project-name",
  "城市配送",
  "--employer-name",
  "某某物流有限公司",
  "--user-name-file",
  files.userName,
  "--id-card-number-file",
  files.idCardNumber,
  "--employment-type",
  "LONG_TERM_EMPLOYMENT",
  "--authenticate-type",
  "SIGN_IN"
]

/**
 * A batch's flags (the payroll-card batch's and the partner batch's are the same): `payments` payments of 100 fen,
 * their details from a file.
 */
const batchFlags = (outBatchNo: string, details: string, payments = 1) => [
  "--sub-mchid",
  "1900000109",
  "--sub-appid",
  "wxa1111111111111",
  "--authorization-type",
  "INFORMATION_AUTHORIZATION_TYPE",
  "--out-batch-no",
  outBatchNo,
  "--batch-name",
  "工资",
  "--batch-remark",
  "工资",
  "--total-amount",
  String(100 * payments),
  "--total-num",
  String(payments),
  "--transfer-detail-list-file",
  details
]
const sent = () => sandbox.run(Effect.map(Simulator.received, (all) => all.length))

beforeAll(async () => {
  bin = bundle()
  sandbox = await startSandbox()
  const write = (name: string, text: string) => {
    const file = Path.join(sandbox.dir, name)
    Fs.writeFileSync(file, text)
    return file
  }
  files = {
    userName: write("user_name.txt", `${USER_NAME}\n`),
    idCardNumber: write("id_card_number.txt", ID_CARD_NUMBER),
    details: write(
      "details.json",
      JSON.stringify([{
        out_detail_no: "d0",
        transfer_amount: 100,
        transfer_remark: "工资",
        openid: "o0",
        user_name: USER_NAME
      }])
    ),
    partnerDetails: write(
      "partner-details.json",
      JSON.stringify([{
        out_detail_no: "p0",
        transfer_amount: 100,
        transfer_remark: "工资",
        openid: "o0",
        user_name: USER_NAME,
        user_id_card: ID_CARD_NUMBER
      }])
    ),
    tokenBody: write(
      "token.json",
      JSON.stringify({
        openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
        sub_mchid: "1900000109",
        sub_appid: "wxa1111111111111",
        user_name: USER_NAME,
        id_card_number: ID_CARD_NUMBER
      })
    )
  }
}, 120_000)

afterAll(async () => {
  await sandbox?.close()
})

describe("wechatpay payroll-card", () => {
  it("runs every subcommand against the sandbox, one decrypting an answer field", async () => {
    const token = ok(
      await wechatpay(
        ["payroll-card", "create-token", ...WORKER, "--user-name-file", files.userName, "--id-card-number-file", "-"],
        { stdin: ID_CARD_NUMBER }
      )
    )
    assert.isString(token.token)
    // The worker opens the card with the token in WeChat's mini program: the sandbox's admin plays that part.
    assert.isTrue(await sandbox.run(Simulator.authorizeToken(token.token)))
    const preOrdered = ok(await wechatpay(["payroll-card", "pre-order-with-auth", ...preOrderFlags("cli0001")]))
    // The worker passes the identity check in the mini program.
    await sandbox.run(Simulator.complete("cli0001", "SUCCESS"))
    const check = ok(
      await wechatpay([
        "payroll-card",
        "get-authentication",
        "--authenticate-number",
        "cli0001",
        "--sub-mchid",
        "1900000109"
      ])
    )
    assert.strictEqual(check.authenticate_number, "cli0001")
    ok(await wechatpay(["payroll-card", "get-relation", ...WORKER]))
    ok(
      await wechatpay([
        "payroll-card",
        "pre-order",
        ...WORKER,
        "--authenticate-number",
        "cli0002",
        "--project-name",
        "p",
        "--employer-name",
        "e"
      ])
    )
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const list = ok(
      await wechatpay([
        "payroll-card",
        "list-authentications",
        ...WORKER,
        "--authenticate-date",
        today,
        "--limit",
        "10"
      ])
    )
    assert.isArray(list.data)

    ok(await wechatpay(["payroll-card", "create-transfer-batch", ...batchFlags("clibatch1", files.details)]))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const byOutNo = ok(
      await wechatpay([
        "payroll-card",
        "get-transfer-batch-by-out-no",
        "--out-batch-no",
        "clibatch1",
        "--need-query-detail"
      ])
    )
    const batchId: string = byOutNo.batch_id
    const detailId: string = byOutNo.transfer_detail_list[0].detail_id
    ok(await wechatpay(["payroll-card", "get-transfer-batch-by-no", "--batch-id", batchId, "--need-query-detail"]))
    // The answer's user name is encrypted to the merchant's key: decrypted, shown only when asked for.
    const hidden = ok(
      await wechatpay([
        "payroll-card",
        "get-transfer-detail-by-out-no",
        "--out-batch-no",
        "clibatch1",
        "--out-detail-no",
        "d0"
      ])
    )
    assert.strictEqual(hidden.username, "<redacted>")
    // Kept out of `runs` (the secret scan below): it prints the name it was asked to reveal.
    const revealArgs = ["payroll-card", "get-transfer-detail-by-no", "--batch-id", batchId, "--detail-id", detailId]
    const revealRun = await runBin(bin, [...revealArgs, "--reveal"], { env: sandbox.env })
    revealRuns.push({ args: ["--log-level", "debug", ...revealArgs], run: revealRun })
    const revealed = ok(revealRun)
    assert.strictEqual(revealed.username, USER_NAME)

    ok(await wechatpay(["payroll-card", "apply-bill-receipt", "--out-batch-no", "clibatch1"]))
    ok(await wechatpay(["payroll-card", "get-bill-receipt", "--out-batch-no", "clibatch1"]))
    const detail = ["--accept-type", "BATCH_TRANSFER", "--out-batch-no", "clibatch1", "--out-detail-no", "d0"]
    ok(await wechatpay(["payroll-card", "apply-detail-receipt", ...detail]))
    ok(await wechatpay(["payroll-card", "get-detail-receipt", ...detail]))
    // The receipts' files, digest checked, written to --output only once it matched (not a terminal: no progress).
    const batchReceipt = Path.join(sandbox.dir, "batch-receipt.pdf")
    const receiptRun = await wechatpay(["receipt", "download", "--out-batch-no", "clibatch1", "--output", batchReceipt])
    const savedBatch = ok(receiptRun)
    assert.strictEqual(savedBatch.path, batchReceipt)
    assert.strictEqual(savedBatch.bytes, Fs.statSync(batchReceipt).size)
    assert.isAbove(savedBatch.bytes, 0)
    assert.notInclude(receiptRun.stderr, "KiB")
    const detailReceipt = Path.join(sandbox.dir, "detail-receipt.pdf")
    const savedDetail = ok(
      await wechatpay([
        "receipt",
        "download",
        "--out-batch-no",
        "clibatch1",
        "--out-detail-no",
        "d0",
        "--output",
        detailReceipt
      ])
    )
    assert.strictEqual(savedDetail.bytes, Fs.statSync(detailReceipt).size)
    failed(
      await wechatpay([
        "receipt",
        "download",
        "--out-batch-no",
        "nosuchbatch",
        "--output",
        Path.join(sandbox.dir, "none.pdf")
      ]),
      3,
      /NOT_FOUND|RESOURCE_NOT_EXISTS|INVALID_REQUEST|PARAM_ERROR/
    )
    assert.isFalse(Fs.existsSync(Path.join(sandbox.dir, "none.pdf")))
    const wesure = ["--sp-mchid", sandbox.keys.mchid, "--sub-mchid", "1900000109", "--token", preOrdered.token]
    ok(
      await wechatpay([
        "payroll-card",
        "validate-wesure-token",
        ...wesure,
        "--user-name-file",
        files.userName,
        "--id-card-number-file",
        files.idCardNumber
      ])
    )
    const insured = await wechatpay([
      "payroll-card",
      "create-wesure-insurance",
      ...wesure,
      "--wesure-order-no",
      "W2022050500001",
      "--insurance-company-order-no",
      "PA2022050500001",
      "--openid",
      "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
      "--insure-state",
      "INSURE_SUCCESS",
      "--insure-effect-time",
      "2022-05-06T00:00:00+08:00",
      "--insure-invalid-time",
      "2022-05-07T00:00:00+08:00",
      "--insurance-company-name",
      "平安"
    ])
    assert.strictEqual(ok(insured), undefined)
    // The service provider's own batch (发起批量转账), its details' names and ID numbers from a file only.
    const partner = ok(
      await wechatpay([
        "payroll-card",
        "initiate-partner-transfer-batch",
        ...batchFlags("clipartner1", files.partnerDetails)
      ])
    )
    assert.strictEqual(partner.out_batch_no, "clipartner1")
    // Every declaration's subcommand ran above, and succeeded at least once: a new declaration needs a run here.
    const succeeded = new Set(
      [...runs, ...revealRuns].filter(({ args, run }) => args[2] === "payroll-card" && run.code === 0)
        .map(({ args }) => args[3])
    )
    assert.deepStrictEqual(
      [...succeeded].sort(),
      Object.keys(PayrollCard.endpoints).map(FamilyCommand.commandName).sort()
    )
  }, 300_000)
})

describe("wechatpay call", () => {
  it("GETs with a query, and POSTs a body with encrypted fields", async () => {
    const relation = ok(
      await wechatpay([
        "call",
        "GET",
        "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58",
        "--query",
        "sub_mchid=1900000109",
        "--query",
        "sub_appid=wxa1111111111111"
      ])
    )
    assert.strictEqual(relation.openid, "onqOjjmo8wmTOOtSKwXtGjg9Gb58")
    const token = ok(
      await wechatpay([
        "call",
        "POST",
        "/v3/payroll-card/tokens",
        "--data",
        `@${files.tokenBody}`,
        "--encrypt",
        "user_name",
        "--encrypt",
        "id_card_number"
      ])
    )
    assert.isString(token.token)
    // Unencrypted, the sandbox (as WeChat) refuses the plaintext.
    const plain = await wechatpay(["call", "POST", "/v3/payroll-card/tokens", "--data", `@${files.tokenBody}`])
    failed(plain, 3, /PARAM_ERROR/)
  }, 120_000)
})

describe("exit codes", () => {
  it("2 for a flag @effect/cli rejects and for a request the schema refuses, nothing sent", async () => {
    const before = await sent()
    failed(
      await wechatpay(["payroll-card", "get-transfer-batch-by-out-no", "--out-batch-no", "b", "--limit", "many"]),
      2,
      /limit|integer/i
    )
    // Neither appid nor sub_appid: WeChat's rule, checked before anything is sent.
    failed(
      await wechatpay([
        "payroll-card",
        "create-token",
        "--openid",
        "o1",
        "--sub-mchid",
        "1900000109",
        "--user-name-file",
        files.userName,
        "--id-card-number-file",
        files.idCardNumber
      ]),
      2,
      /appid/
    )
    failed(await wechatpay(["payroll-card", "get-relation", ...WORKER, "--bogus", "1"]), 2, /bogus/)
    assert.strictEqual(await sent(), before)
  }, 120_000)

  it("3 for PARAM_ERROR, 4 for a bad answer signature, 5 for a refused connection", async () => {
    const path = { path: "/v3/payroll-card/relations/onqOjjmo8wmTOOtSKwXtGjg9Gb58" }
    await sandbox.run(
      Simulator.inject(Simulator.Fault.ApiError({ code: "PARAM_ERROR", message: "sub_mchid 无效" }), path)
    )
    failed(await wechatpay(["payroll-card", "get-relation", ...WORKER]), 3, /PARAM_ERROR/)
    await sandbox.run(Simulator.inject(Simulator.Fault.BadSignature(), path))
    failed(await wechatpay(["payroll-card", "get-relation", ...WORKER]), 4, /signature/i)
    const port = await new Promise<number>((resolve) => {
      const server = Net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        server.close(() => resolve(port))
      })
    })
    failed(
      await wechatpay(["payroll-card", "get-relation", ...WORKER, "--base-url", `http://127.0.0.1:${port}`]),
      5,
      /.+/
    )
  }, 120_000)
})

describe("wechatpay notify decode", () => {
  it("verifies and decrypts a captured callback; a tampered one is a verification failure", async () => {
    const captured = await new Promise<{ headers: Http.IncomingHttpHeaders; body: string }>((resolve) => {
      const server = Http.createServer((request, response) => {
        let body = ""
        request.on("data", (chunk) => (body += chunk))
        request.on("end", () => {
          response.writeHead(204).end()
          server.close()
          resolve({ headers: request.headers, body })
        })
      }).listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        void sandbox.run(
          Simulator.notify({
            url: `http://127.0.0.1:${port}/notify`,
            resource: { out_trade_no: "T1", user: USER_NAME }
          })
            .pipe(Effect.provide(FetchHttpClient.layer))
        )
      })
    })
    const headers = Path.join(sandbox.dir, "headers.json")
    const body = Path.join(sandbox.dir, "body.json")
    Fs.writeFileSync(headers, JSON.stringify(captured.headers))
    Fs.writeFileSync(body, captured.body)
    const decoded = ok(
      await wechatpay(["notify", "decode", "--headers", headers, "--body", body], { env: sandbox.withApiV3Key })
    )
    assert.strictEqual(decoded.event_type, "TRANSACTION.SUCCESS")
    assert.strictEqual(decoded.resource, "<redacted>")
    const revealed = ok(
      await runBin(bin, ["notify", "decode", "--headers", headers, "--body", body, "--reveal"], {
        env: sandbox.withApiV3Key
      })
    )
    assert.strictEqual(revealed.resource.out_trade_no, "T1")
    Fs.writeFileSync(body, captured.body.replace("TRANSACTION", "TRANSACTIOM"))
    failed(
      await wechatpay(["notify", "decode", "--headers", headers, "--body", body], { env: sandbox.withApiV3Key }),
      4,
      /.+/
    )
  }, 120_000)
})

describe("wechatpay certificates download", () => {
  it("writes PEMs that openssl reads, against a sandbox in certificate mode", async () => {
    const certificateMode = await startSandbox("certificate")
    try {
      const output = Path.join(certificateMode.dir, "certs")
      Fs.mkdirSync(output)
      const listed = ok(await wechatpay(["certificates", "download", "--output", output], { env: certificateMode.env }))
      assert.isAbove(listed.length, 0)
      for (const certificate of listed) {
        assert.match(certificate.serial_no, /^[0-9A-F]+$/)
        const serial = execFileSync("openssl", ["x509", "-noout", "-serial", "-in", certificate.file], {
          encoding: "utf8"
        })
        assert.strictEqual(
          serial.trim().replace(/^serial=/, "").replace(/^0+/, ""),
          certificate.serial_no.replace(/^0+/, "")
        )
      }
    } finally {
      await certificateMode.close()
    }
  }, 120_000)
})

describe("wechatpay payroll-card await-* and stream-*", () => {
  // Without --log-level debug, so stderr holds only the failure's line; kept for the secrets check below all the same.
  const quiet = async (args: ReadonlyArray<string>) => {
    const run = await runBin(bin, args, { env: sandbox.env })
    runs.push({ args, run })
    return run
  }
  const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))
  const preOrder = (number: string) => wechatpay(["payroll-card", "pre-order-with-auth", ...preOrderFlags(number)])
  const awaitCheck = (number: string, timeout: string) => [
    "payroll-card",
    "await-authentication",
    "--authenticate-number",
    number,
    "--sub-mchid",
    "1900000109",
    "--interval",
    "100 millis",
    "--timeout",
    timeout
  ]
  const looksAt = (number: string) =>
    sandbox.run(
      Effect.map(Simulator.received, (all) => all.filter((r) => r.url.includes(`/authentications/${number}?`)).length)
    )

  it(
    "await-authentication prints the final state once the worker completed the check; gives up with exit 6",
    async () => {
      ok(await preOrder("cliawait1"))
      const waiting = wechatpay(awaitCheck("cliawait1", "60 seconds"))
      // It has asked twice and seen AUTHENTICATE_PROCESSING: now the worker finishes in the mini program.
      for (let i = 0; i < 600 && (await looksAt("cliawait1")) < 2; i++) await sleep(50)
      assert.isAtLeast(await looksAt("cliawait1"), 2)
      await sandbox.run(Simulator.complete("cliawait1", "SUCCESS"))
      const done = ok(await waiting)
      assert.strictEqual(done.authenticate_number, "cliawait1")
      assert.strictEqual(done.authenticate_state, "AUTHENTICATE_SUCCESS")

      // A check the worker never finishes: the command gives up at its timeout, exit 6, one line on stderr.
      ok(await preOrder("cliawait2"))
      const gaveUp = await quiet(awaitCheck("cliawait2", "500 millis"))
      failed(gaveUp, 6, /^identity check cliawait2 still AUTHENTICATE_PROCESSING .*500 ms timeout/)
      assert.strictEqual(gaveUp.stderr.trimEnd().split("\n").length, 1, gaveUp.stderr)
      assert.isAtLeast(await looksAt("cliawait2"), 2)
    },
    120_000
  )

  it("an unreadable --interval is refused with exit 2 and nothing is sent", async () => {
    const before = await sent()
    const soon = await quiet([
      "payroll-card",
      "await-authentication",
      "--authenticate-number",
      "cliawait1",
      "--sub-mchid",
      "1900000109",
      "--interval",
      "soon"
    ])
    failed(soon, 2, /^invalid request, nothing sent: interval: a duration such as "5 seconds"/)
    assert.strictEqual(soon.stderr.trimEnd().split("\n").length, 1, soon.stderr)
    // Both keys of a batch: which one is meant cannot be told, so neither is asked.
    failed(
      await quiet(["payroll-card", "stream-transfer-details", "--batch-id", "1", "--out-batch-no", "b"]),
      2,
      /^invalid request, nothing sent: /
    )
    assert.strictEqual(await sent(), before)
  }, 60_000)

  it("await-transfer-batch then stream-transfer-details: NDJSON, one line per payment, by either number", async () => {
    const payees = ["d0", "d1", "d2"].map((out_detail_no) => ({
      out_detail_no,
      transfer_amount: 100,
      transfer_remark: "工资",
      openid: `o-${out_detail_no}`,
      user_name: USER_NAME
    }))
    const details = Path.join(sandbox.dir, "details3.json")
    Fs.writeFileSync(details, JSON.stringify(payees))
    ok(await wechatpay(["payroll-card", "create-transfer-batch", ...batchFlags("clibatch3", details, payees.length)]))
    const batch = ok(
      await wechatpay([
        "payroll-card",
        "await-transfer-batch",
        "--out-batch-no",
        "clibatch3",
        "--interval",
        "50 millis",
        "--max-interval",
        "200 millis",
        "--timeout",
        "60 seconds"
      ])
    )
    assert.strictEqual(batch.batch_status, "FINISHED")
    const byOutNo = await quiet(["payroll-card", "stream-transfer-details", "--out-batch-no", "clibatch3"])
    assert.strictEqual(byOutNo.code, 0, byOutNo.stderr)
    assert.strictEqual(byOutNo.stderr, "")
    const lines = byOutNo.stdout.split("\n")
    // One compact record a line, every line one record, nothing else (a trailing newline ends the last).
    assert.strictEqual(lines.pop(), "")
    assert.strictEqual(lines.length, 3)
    const records = lines.map((line) => JSON.parse(line))
    assert.deepStrictEqual(records.map((r) => r.out_detail_no), ["d0", "d1", "d2"])
    for (const [i, line] of lines.entries()) assert.strictEqual(line, JSON.stringify(records[i]))
    assert.notInclude(byOutNo.stdout, USER_NAME)
    const byNo = await quiet(["payroll-card", "stream-transfer-details", "--batch-id", batch.batch_id])
    assert.strictEqual(byNo.stdout, byOutNo.stdout)

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const checks = await quiet([
      "payroll-card",
      "stream-authentications",
      ...WORKER,
      "--authenticate-date",
      today,
      "--limit",
      "1"
    ])
    assert.strictEqual(checks.code, 0, checks.stderr)
    // One page a check (--limit 1): every check of the day all the same, one line each. The list holds successful
    // checks only, by default ("列表查询仅提供成功状态的核身记录查询", the sandbox as WeChat): cliawait2 never finished.
    const numbers = checks.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).authenticate_number)
    assert.include(numbers, "cliawait1")
    assert.notInclude(numbers, "cliawait2")
    assert.strictEqual(new Set(numbers).size, numbers.length)
  }, 180_000)
})

describe("secrets", () => {
  it("no private key, APIv3 key, name or ID number in any output of the runs above, debug log included", () => {
    const keyLine = sandbox.keys.merchantPrivateKey.split("\n")[3]!
    for (const { args, run } of runs) {
      for (const secret of [keyLine, sandbox.keys.apiV3Key, USER_NAME, ID_CARD_NUMBER]) {
        assert.notInclude(run.stdout, secret, args.join(" "))
        assert.notInclude(run.stderr, secret, args.join(" "))
      }
    }
    // The runs above did happen (this test runs after them).
    assert.isAbove(runs.length, 10)
  })
})

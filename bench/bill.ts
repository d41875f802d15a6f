/**
 * `npx tsx bench/bill.ts`: the rows throughput of `BillRows.decode` (an ALL trade bill, 64 KiB chunks, every row
 * typed: header-driven columns, amounts parsed and checked) against two bare loops over the same chunks in the same
 * run: `bare-split` (streaming TextDecoder, lines by indexOf, values by split(",`"), nothing else: the floor) and
 * `bare-typed` (the same plus one object a row with its amounts as numbers: the work `BillRows` does, without
 * Effect or checks).
 *
 *   npx tsx bench/bill.ts                  5 rounds, 64 MB bill
 *   npx tsx bench/bill.ts --rounds=3 --mb=128
 *
 * In-process and CPU-bound: no network or disk. Contenders take turns in round-robin, the starting one rotating
 * each round; MB/s is bill megabytes over wall time, totals over all rounds.
 */
import { BillRows } from "@effect-wechatpay/bill"
import { Effect, Stream } from "effect"

const flag = (name: string): string | undefined => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`))
  return arg === undefined ? undefined : arg.slice(arg.indexOf("=") + 1)
}
const rounds = Number(flag("rounds") ?? 5)
const megabytes = Number(flag("mb") ?? 64)
const CHUNK = 64 * 1024

const HEADER =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类," +
  "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率," +
  "订单金额,申请退款金额,费率备注"

/** An ALL bill of about `size` bytes: rows that differ, Chinese product names, CRLF, a BOM. */
const billOf = (size: number) => {
  const lines = ["\ufeff" + HEADER]
  let bytes = 0
  let n = 0
  while (bytes < size) {
    const id = String(n).padStart(10, "0")
    const yuan = `${n % 9999}.${String(n % 100).padStart(2, "0")}`
    const line = [
      "2026-12-05 10:00:00",
      "wxd678efh567hg6787",
      "1900000001",
      "0",
      "",
      `42000000012026120${id}`,
      `订单-${id}`,
      "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      "JSAPI",
      "SUCCESS",
      "OTHERS",
      "CNY",
      yuan,
      "0.00",
      "0",
      "0",
      "0.00",
      "0.00",
      "",
      "",
      "微工卡月结工资, 杭州某某物流有限公司",
      "",
      "0.52800",
      "0.60%",
      yuan,
      "0.00",
      ""
    ].map((v) => "`" + v).join(",")
    lines.push(line)
    bytes += Buffer.byteLength(line) + 2
    n++
  }
  lines.push("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
  lines.push(`\`${n}.0,\`0.00,\`0.00,\`0.00,\`0.00,\`0.00,\`0.00`)
  const buffer = Buffer.from(lines.join("\r\n") + "\r\n")
  const chunks: Array<Uint8Array> = []
  for (let i = 0; i < buffer.length; i += CHUNK) chunks.push(buffer.subarray(i, i + CHUNK))
  return { chunks, bytes: buffer.length, rows: n }
}

const AMOUNTS = new Set([12, 13, 16, 17, 22, 24, 25])

/** The bare loop; `typed` builds the row objects. Returns the rows seen. */
const bare = (chunks: ReadonlyArray<Uint8Array>, typed: boolean) => {
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let pending = ""
  let rows = 0
  let keys: Array<string> | undefined
  const line = (raw: string) => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    if (keys === undefined) return void (keys = text.split(","))
    if (text.charCodeAt(0) !== 96) return
    const values = text.slice(1).split(",`")
    rows++
    if (!typed) return
    const row: Record<string, unknown> = {}
    for (let i = 0; i < values.length; i++) row[keys[i]!] = AMOUNTS.has(i) ? Number(values[i]) : values[i]
    if (row[keys[0]!] === undefined) throw new Error("unreachable")
  }
  for (const chunk of chunks) {
    let text = pending + decoder.decode(chunk, { stream: true })
    let start = 0
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      line(text.slice(start, end))
      start = end + 1
    }
    pending = text.slice(start)
    text = ""
  }
  if (pending.length > 0) line(pending)
  return rows - 1 // the summary line
}

const sdk = (chunks: ReadonlyArray<Uint8Array>) =>
  // One piece a stream chunk, as a download delivers them.
  Effect.runPromise(
    Stream.runCount(BillRows.decode(BillRows.tradeAll)(Stream.fromIterable(chunks).pipe(Stream.rechunk(1))))
  ).then((n) => n - 1)

const contenders: ReadonlyArray<readonly [string, (chunks: ReadonlyArray<Uint8Array>) => number | Promise<number>]> = [
  ["BillRows.decode", sdk],
  ["bare-split", (chunks) => bare(chunks, false)],
  ["bare-typed", (chunks) => bare(chunks, true)]
]

const main = async () => {
  const bill = billOf(megabytes * 1024 * 1024)
  console.log(`bill: ${(bill.bytes / 2 ** 20).toFixed(1)} MB, ${bill.rows} rows, ${CHUNK / 1024} KiB chunks`)
  const totals = new Map(contenders.map(([name]) => [name, 0]))
  const cpu = new Map(contenders.map(([name]) => [name, 0]))
  for (const [, run] of contenders) await run(bill.chunks) // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const [name, run] = contenders[(round + k) % contenders.length]!
      const started = performance.now()
      const usage = process.cpuUsage()
      const rows = await run(bill.chunks)
      const used = process.cpuUsage(usage)
      totals.set(name, totals.get(name)! + performance.now() - started)
      cpu.set(name, cpu.get(name)! + (used.user + used.system) / 1000)
      if (rows !== bill.rows) throw new Error(`${name} saw ${rows} rows, not ${bill.rows}`)
    }
  }
  const floor = totals.get("bare-split")!
  const cpuFloor = cpu.get("bare-split")!
  const total = (bill.bytes * rounds) / 2 ** 20
  // Wall time counts the time other processes had the cores; CPU time (user + system, the collector's threads
  // included) does not, so it is the steadier figure on a shared machine.
  for (const [name, millis] of totals) {
    const cpuMillis = cpu.get(name)!
    console.log(
      `${name.padEnd(16)} wall ${(total / (millis / 1000)).toFixed(1).padStart(6)} MB/s` +
        ` ${((bill.rows * rounds) / (millis / 1000) / 1e6).toFixed(2)} M rows/s ×${(millis / floor).toFixed(2)}` +
        ` | cpu ${(total / (cpuMillis / 1000)).toFixed(1).padStart(6)} MB/s ×${(cpuMillis / cpuFloor).toFixed(2)}` +
        ` (× = time relative to bare-split)`
    )
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

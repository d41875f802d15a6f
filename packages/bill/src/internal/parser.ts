/**
 * The incremental bill parser: bytes in, in chunks cut anywhere; header-driven rows and the summary out. Written for
 * throughput: one streaming `TextDecoder`, `indexOf` for lines, one native `split(",`")` per line, a character loop
 * (no regex) for each amount, and one object per row.
 *
 * @internal
 */

/** How a column's text becomes a value. */
export type Kind = "text" | "amount" | "count"

/** A documented column: the field it fills and WeChat's name for it. */
export interface Column {
  readonly key: string
  readonly name: string
  readonly kind: Kind
}

/** A parse failure: the 1-based line and why, never the line's values (they name people and orders). */
export interface Failure {
  readonly line: number
  readonly reason: string
}

/** The longest line accepted: a fund flow row's free text is at most 2048 characters, a row a few hundred bytes. */
const MAX_LINE = 1024 * 1024

const BACKQUOTE = 96

/**
 * The most bytes decoded to one string. A bill with Chinese text decodes to a two-byte string: a 64 KiB chunk
 * makes one of 128 KiB, which V8 puts in its large-object space, collected only by full collections — and every
 * row's longer values are slices of it, keeping it alive. Decoding 16 KiB at a time keeps those strings in the
 * young generation; it more than doubled the rows throughput.
 */
const WINDOW = 16 * 1024

/**
 * Whether `text` is a decimal as WeChat prints amounts and counts: an optional `-`, digits, optionally `.` and
 * digits (`12.34`, `-0.05940`, `45.0`). `Number()` alone would take `""`, `" 1"`, `1e3` and `0x10`.
 */
export const isDecimal = (text: string): boolean => {
  const length = text.length
  let i = text.charCodeAt(0) === 45 ? 1 : 0
  const start = i
  while (i < length) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    i++
  }
  if (i === start) return false
  if (i === length) return true
  if (text.charCodeAt(i) !== 46) return false
  const fraction = ++i
  while (i < length) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
    i++
  }
  return i > fraction
}

/** Full-width parentheses (`收支金额（元）`) read as the documented ASCII ones; an optional backquote dropped. */
const normalizeName = (cell: string) => {
  const name = cell.charCodeAt(0) === BACKQUOTE ? cell.slice(1) : cell
  return name.trim().replace(/（/g, "(").replace(/）/g, ")")
}

interface Plan {
  /** Per position: the column it fills, or the header's name for a column this layout does not know. */
  readonly slots: ReadonlyArray<Column | string>
  /** Every record starts as a copy of this: all of its fields, in the header's order. */
  readonly template: Record<string, unknown>
}

/**
 * The record every line of a plan starts from. Built by `JSON.parse`, which gives an object in V8's fast mode with
 * every field in place; a spread copy of it keeps that shape, and filling its fields keeps it too. Adding 28 fields
 * one by one to `{}` instead turns each record into a dictionary: five times the time, mostly in the collector.
 * Placeholders are of the fields' types (`0.5`: amounts are mostly fractional) so filling them changes no shape.
 */
const templateOf = (tag: string, slots: ReadonlyArray<Column | string>) => {
  const fields: Array<[string, unknown]> = [["_tag", tag]]
  for (const slot of slots) {
    if (typeof slot !== "string") fields.push([slot.key, slot.kind === "text" ? "" : 0.5])
  }
  return JSON.parse(JSON.stringify(Object.fromEntries(fields))) as Record<string, unknown>
}

const planOf = (
  tag: string,
  cells: ReadonlyArray<string>,
  columns: ReadonlyArray<Column>,
  what: string
): Plan | string => {
  const byName = new Map(columns.map((column) => [column.name, column]))
  const seen = new Set<string>()
  const slots = cells.map((cell) => {
    const name = normalizeName(cell)
    return byName.get(name) ?? name
  })
  for (const slot of slots) {
    const name = typeof slot === "string" ? slot : slot.name
    if (seen.has(name)) return `the ${what} names the column ${JSON.stringify(name)} twice`
    seen.add(name)
  }
  const missing = columns.filter((column) => !seen.has(column.name)).map((column) => column.name)
  if (missing.length > 0) return `the ${what} lacks the documented column(s) ${missing.join(", ")}`
  return { slots, template: templateOf(tag, slots) }
}

/** A record of the line's values by the plan; a failure's reason when a value does not fit its column. */
const recordOf = (values: ReadonlyArray<string>, plan: Plan): Record<string, unknown> | string => {
  const { slots } = plan
  if (values.length !== slots.length) return `expected ${slots.length} values, found ${values.length}`
  const record: Record<string, unknown> = { ...plan.template }
  let extra: Record<string, string> | undefined
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!
    const value = values[i]!
    if (typeof slot === "string") {
      ;(extra ??= {})[slot] = value
    } else if (slot.kind === "text") {
      record[slot.key] = value
    } else {
      if (!isDecimal(value)) return `the ${slot.name} value is not a decimal number`
      const number = Number(value)
      if (slot.kind === "count" && !(Number.isInteger(number) && number >= 0)) {
        return `the ${slot.name} value is not a whole count`
      }
      record[slot.key] = number
    }
  }
  if (extra !== undefined) record.extra = extra
  return record
}

/** The values of a backquoted line: "`a,`b,`" is ["a", "b", ""]. */
const valuesOf = (line: string) => line.slice(1).split(",`")

/**
 * After the streaming decoder refused `bytes`: how many lines past the current one the bad bytes are. Only on that
 * failure path. A newline byte is never inside a UTF-8 sequence, so each segment after one starts a character and
 * is checked alone; the first segment continues the current line, whatever it holds.
 */
const badLineOffset = (bytes: Uint8Array): number => {
  let start = bytes.indexOf(10)
  for (let offset = 1; start >= 0; offset++) {
    const end = bytes.indexOf(10, start + 1)
    const segment = bytes.subarray(start + 1, end < 0 ? bytes.length : end)
    try {
      // The last segment may end inside a character the next chunk completes.
      new TextDecoder("utf-8", { fatal: true }).decode(segment, { stream: end < 0 })
    } catch {
      return offset
    }
    start = end
  }
  return 0
}

type State = "header" | "rows" | "summary" | "done"

/**
 * One parse of one bill: `push` each chunk of bytes, then `end`. Each appends the records it completed to `out`
 * and returns it; the first failure is kept in `failure`, after which the parser takes nothing more.
 */
export class Parser {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true })
  private pending = ""
  private line = 0
  private state: State = "header"
  private rowPlan: Plan | undefined
  private summaryPlan: Plan | undefined
  private readonly summaryMarker: string
  private readonly quotedSummaryMarker: string
  failure: Failure | undefined

  constructor(
    private readonly columns: ReadonlyArray<Column>,
    private readonly summaryColumns: ReadonlyArray<Column>
  ) {
    this.summaryMarker = summaryColumns[0]!.name
    this.quotedSummaryMarker = "`" + this.summaryMarker
  }

  push(bytes: Uint8Array, out: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
    // Windows of at most WINDOW bytes: see there.
    for (let at = 0; at < bytes.length && this.failure === undefined; at += WINDOW) {
      this.pushWindow(at === 0 && bytes.length <= WINDOW ? bytes : bytes.subarray(at, at + WINDOW), out)
    }
    return out
  }

  private pushWindow(bytes: Uint8Array, out: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
    let text: string
    try {
      text = this.decoder.decode(bytes, { stream: true })
    } catch {
      this.fail(this.line + 1 + badLineOffset(bytes), "the bill is not valid UTF-8")
      return out
    }
    if (this.pending.length > 0) text = this.pending + text
    let start = 0
    for (;;) {
      const end = text.indexOf("\n", start)
      if (end < 0) break
      this.take(text.slice(start, end), out)
      if (this.failure !== undefined) return out
      start = end + 1
    }
    this.pending = start === 0 ? text : text.slice(start)
    if (this.pending.length > MAX_LINE) this.fail(this.line + 1, `a line longer than ${MAX_LINE} characters`)
    return out
  }

  end(out: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
    if (this.failure !== undefined) return out
    let rest: string
    try {
      rest = this.pending + this.decoder.decode()
    } catch {
      this.fail(this.line + 1, "the bill ends inside a UTF-8 character")
      return out
    }
    this.pending = ""
    if (rest.length > 0) this.take(rest, out)
    if (this.failure !== undefined) return out
    if (this.state !== "done") {
      this.fail(
        this.line + 1,
        this.state === "summary" ?
          "the bill ended after its summary header, without the summary" :
          this.state === "rows"
          ? "the bill ended without its summary"
          : "the bill is empty"
      )
    }
    return out
  }

  private fail(line: number, reason: string) {
    this.failure = { line, reason }
  }

  private take(raw: string, out: Array<Record<string, unknown>>) {
    const number = ++this.line
    let line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw
    if (number === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1)
    if (line.length === 0) return
    switch (this.state) {
      case "rows": {
        if (line.startsWith(this.summaryMarker) || line.startsWith(this.quotedSummaryMarker)) {
          const plan = planOf("Summary", line.split(","), this.summaryColumns, "summary header")
          if (typeof plan === "string") return this.fail(number, plan)
          this.summaryPlan = plan
          this.state = "summary"
          return
        }
        if (line.charCodeAt(0) !== BACKQUOTE) return this.fail(number, "a row's values must each start with `")
        const record = recordOf(valuesOf(line), this.rowPlan!)
        if (typeof record === "string") return this.fail(number, record)
        out.push(record)
        return
      }
      case "header": {
        const plan = planOf("Row", line.split(","), this.columns, "header")
        if (typeof plan === "string") return this.fail(number, plan)
        this.rowPlan = plan
        this.state = "rows"
        return
      }
      case "summary": {
        if (line.charCodeAt(0) !== BACKQUOTE) return this.fail(number, "the summary's values must each start with `")
        const record = recordOf(valuesOf(line), this.summaryPlan!)
        if (typeof record === "string") return this.fail(number, record)
        out.push(record)
        this.state = "done"
        return
      }
      case "done":
        return this.fail(number, "a line after the summary")
    }
  }
}

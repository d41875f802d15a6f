/**
 * How a bill layout is built from its documented columns: a spec names each field's WeChat header and kind, and
 * becomes the row or summary schema (typed per kind) and the columns the parser reads. The public layouts in
 * `BillRows` are specs passed through {@link layoutOf}.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import type { Column, Kind } from "./parser.js"

/** A layout's columns as written: field key to WeChat's header name and how its text is read. */
export type Spec = { readonly [key: string]: readonly [name: string, kind: Kind] }
type FieldSchema<K extends Kind> = K extends "text" ? typeof Schema.String
  : K extends "count" ? typeof Schema.NonNegativeInt
  : typeof Schema.Finite
type FieldsOf<S extends Spec> = { -readonly [K in keyof S]: FieldSchema<S[K][1]> }

const Extra = Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))

const schemaOf = <const Tag extends string, const S extends Spec>(tag: Tag, spec: S, identifier: string) => {
  const fields: Record<string, Schema.Schema.Any> = {}
  for (const [key, [name, kind]] of Object.entries(spec)) {
    const schema = kind === "text" ? Schema.String : kind === "count" ? Schema.NonNegativeInt : Schema.Finite
    fields[key] = schema.annotations({ title: name })
  }
  return Schema.Struct({ _tag: Schema.tag(tag), ...(fields as FieldsOf<S>), extra: Extra }).annotations({ identifier })
}

const columnsOf = (spec: Spec): ReadonlyArray<Column> =>
  Object.entries(spec).map(([key, [name, kind]]) => ({ key, name, kind }))

/**
 * A layout from its row and summary specs: the schemas (identified `${name}Row` and `${name}Summary`) and the
 * columns in the specs' order.
 *
 * @example
 * ```ts
 * const fundFlow = layoutOf("FundFlow", { amount: amount("收支金额(元)") }, { total_count: count("资金流水总笔数") })
 * ```
 * @internal
 */
export const layoutOf = <const R extends Spec, const S extends Spec>(name: string, row: R, summary: S) => {
  const rowSchema = schemaOf("Row", row, `${name}Row`)
  const summarySchema = schemaOf("Summary", summary, `${name}Summary`)
  return {
    name,
    // Every field encodes as itself (strings, numbers, the tag), so Encoded is Type: said once here.
    row: rowSchema as unknown as Schema.Schema<typeof rowSchema.Type, typeof rowSchema.Type>,
    summary: summarySchema as unknown as Schema.Schema<typeof summarySchema.Type, typeof summarySchema.Type>,
    columns: columnsOf(row),
    summaryColumns: columnsOf(summary)
  }
}

/** A column read verbatim. */
export const text = (name: string) => [name, "text"] as const
/** A column of yuan, a decimal number. */
export const amount = (name: string) => [name, "amount"] as const
/** A column of a whole number, printed `45` or `45.0`. */
export const count = (name: string) => [name, "count"] as const

/**
 * Reads a declared call's request schema as command-line flags: one flag a top-level field, named in kebab-case,
 * required or optional as the schema says, enums as choices, numbers as numbers. A sensitive field (one the
 * request encrypts, `Redacted` in its type) is only ever read from a file (`--user-name-file FILE`, `-` for
 * stdin), so its value never lands in shell history or `ps`. A nested field (an object or a list) takes JSON.
 *
 * @internal
 */
import { Sensitive } from "@effect-wechatpay/core"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** How one request field is given on the command line. */
export type Kind =
  | { readonly _tag: "Text" }
  | { readonly _tag: "Integer" }
  | { readonly _tag: "Number" }
  | { readonly _tag: "Boolean" }
  | { readonly _tag: "Choice"; readonly choices: ReadonlyArray<string> }
  /** A sensitive string: `--<flag>-file FILE`. */
  | { readonly _tag: "Secret" }
  /** An object or a list: JSON, or `@FILE`; from a file only (`--<flag>-file`) when it holds a sensitive field. */
  | { readonly _tag: "Json"; readonly sensitive: ReadonlyArray<ReadonlyArray<string>> }

/** One request field as a flag. */
export interface Field {
  /** The field's name in the request (`sub_mchid`). */
  readonly name: string
  /** The flag's name, without dashes (`sub-mchid`, or `user-name-file` for a sensitive one). */
  readonly flag: string
  readonly optional: boolean
  readonly kind: Kind
  readonly description: string | undefined
}

/** `preOrderWithAuth` → `pre-order-with-auth`, `sub_mchid` → `sub-mchid`. */
export const kebab = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/_/g, "-").toLowerCase()

/** The paths (`*` for any list element) of the sensitive strings under a node. */
export const sensitivePaths = (node: AST.AST): ReadonlyArray<ReadonlyArray<string>> => Sensitive.paths(node)

// The request's own fields: under its filters (`atLeastOneAppId`) and any transformation, the struct; for a union of
// structs (a batch by `batch_id` or by `out_batch_no`), each member's.
const structsOf = (node: AST.AST, depth = 0): ReadonlyArray<AST.TypeLiteral> | undefined => {
  if (depth > 16) return undefined
  switch (node._tag) {
    case "TypeLiteral":
      return [node]
    case "Refinement":
      return structsOf(node.from, depth + 1)
    case "Transformation":
      return structsOf(node.to, depth + 1)
    case "Union": {
      const members = node.types.map((member) => structsOf(member, depth + 1))
      return members.every((m) => m !== undefined) ? members.flat() : undefined
    }
    default:
      return undefined
  }
}

const isInt = (node: AST.AST): boolean =>
  node._tag === "Refinement" &&
  (Option.exists(AST.getSchemaIdAnnotation(node), (id) => id === Schema.IntSchemaId) ||
    isInt(node.from))

const kindOf = (node: AST.AST): Kind => {
  if (Sensitive.isSensitive(node)) return { _tag: "Secret" }
  switch (node._tag) {
    case "StringKeyword":
    case "TemplateLiteral":
      return { _tag: "Text" }
    case "NumberKeyword":
      return { _tag: "Number" }
    case "BooleanKeyword":
      return { _tag: "Boolean" }
    case "Literal":
      return typeof node.literal === "string" ? { _tag: "Choice", choices: [node.literal] } : { _tag: "Text" }
    case "Enums":
      return { _tag: "Choice", choices: node.enums.map(([, value]) => String(value)) }
    case "Refinement": {
      const from = kindOf(node.from)
      return from._tag === "Number" && isInt(node) ? { _tag: "Integer" } : from
    }
    case "Transformation":
      return kindOf(node.from)
    case "Union": {
      const members = node.types.filter((t) => t._tag !== "UndefinedKeyword")
      const kinds = members.map(kindOf)
      if (kinds.length === 1) return kinds[0]!
      // An open enum (`openLiteral`): its known values are the choices offered; WeChat's own check decides the rest.
      if (kinds.every((k) => k._tag === "Choice")) {
        return { _tag: "Choice", choices: kinds.flatMap((k) => (k._tag === "Choice" ? k.choices : [])) }
      }
      if (kinds.some((k) => k._tag === "Choice") && kinds.every((k) => k._tag === "Choice" || k._tag === "Text")) {
        return { _tag: "Text" }
      }
      return { _tag: "Json", sensitive: sensitivePaths(node) }
    }
    default:
      return { _tag: "Json", sensitive: sensitivePaths(node) }
  }
}

// Keywords carry generic descriptions ("a string"): only a description someone wrote is worth showing.
const describe = (signature: AST.PropertySignature): string | undefined => {
  const own = AST.getDescriptionAnnotation(signature)
  if (Option.isSome(own)) return own.value
  let node: AST.AST = signature.type
  for (let depth = 0; depth < 8; depth++) {
    const description = AST.getDescriptionAnnotation(node)
    if (Option.isSome(description) && !/^an? /.test(description.value)) return description.value
    if (node._tag === "Union") {
      const members = node.types.filter((t) => t._tag !== "UndefinedKeyword")
      if (members.length !== 1) break
      node = members[0]!
      continue
    }
    if (node._tag === "Refinement") node = node.from
    else if (node._tag === "Transformation") node = node.from
    else break
  }
  return undefined
}

/**
 * The request schema's top-level fields as flags, in the schema's order. A union of structs gives its members'
 * fields merged, in the order first seen: a field is required only if every member requires it, and which member
 * the request is is decided by decoding it.
 */
export const fieldsOf = (request: AST.AST): ReadonlyArray<Field> => {
  const structs = structsOf(request) ?? []
  const merged = new Map<string, { readonly signature: AST.PropertySignature; required: number }>()
  for (const struct of structs) {
    for (const signature of struct.propertySignatures) {
      if (typeof signature.name !== "string") continue
      const seen = merged.get(signature.name) ?? { signature, required: 0 }
      if (!signature.isOptional) seen.required++
      merged.set(signature.name, seen)
    }
  }
  return Array.from(merged.values(), ({ required, signature }): Field => {
    const name = signature.name as string
    const kind = kindOf(signature.type)
    const fileOnly = kind._tag === "Secret" || (kind._tag === "Json" && kind.sensitive.length > 0)
    return {
      name,
      flag: fileOnly ? `${kebab(name)}-file` : kebab(name),
      optional: required < structs.length,
      kind,
      description: describe(signature)
    }
  })
}

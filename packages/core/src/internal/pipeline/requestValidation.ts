/**
 * Turning a refused request into a `RequestValidationError` that lists each bad field and why, without ever
 * showing a value of an encrypted field: those are found in the request schema (`EncryptedString`, or any
 * `Redacted`), and what is said about them comes from a fixed list of our own messages.
 */
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as SchemaAST from "effect/SchemaAST"
import { RequestValidationError, type ValidationIssue } from "../../WeChatPayError.js"
import { isWellFormed, sanitize } from "../errors/sanitize.js"
import * as SchemaPaths from "../schemaPaths.js"

/** A path into the request; `ANY` stands for every element of an array. */
export type Path = ReadonlyArray<string | typeof ANY>

/** Any array index. */
export const ANY: unique symbol = Symbol.for("@effect-wechatpay/core/Path/ANY")

const isSensitiveAst = (ast: SchemaAST.AST): boolean => {
  const id = SchemaAST.getIdentifierAnnotation(ast)
  if (id._tag === "Some" && (id.value === "EncryptedString" || id.value.startsWith("Redacted"))) return true
  return ast._tag === "Transformation" && isSensitiveAst(ast.to)
}

/** The top-level field names of a struct request (through filters and transformations); undefined otherwise. */
export const fieldNames = (ast: SchemaAST.AST): ReadonlyArray<string> | undefined => {
  for (let node = ast, depth = 0; depth < 16; depth++) {
    if (node._tag === "TypeLiteral") {
      return node.propertySignatures.flatMap((p) => typeof p.name === "string" ? [p.name] : [])
    }
    if (node._tag === "Refinement" || node._tag === "Transformation") node = node.from
    else return undefined
  }
  return undefined
}

/**
 * Whether an answer schema (its encoded side, the JSON) can have a field at `path`: `false` only when a struct on
 * the way has no such property; what cannot be followed (a union, a declaration) counts as present.
 */
export const hasPath = (ast: SchemaAST.AST, path: ReadonlyArray<string>): boolean => {
  let node = ast
  for (let i = 0, depth = 0; i < path.length && depth < 64; depth++) {
    if (node._tag === "Refinement" || node._tag === "Transformation") node = node.from
    else if (node._tag === "TypeLiteral") {
      const property = node.propertySignatures.find((p) => p.name === path[i])
      if (property === undefined) return false
      node = property.type
      i++
    } else return true
  }
  return true
}

/** The paths of the encrypted (or otherwise `Redacted`) fields of a request schema. */
export const sensitivePaths = (ast: SchemaAST.AST): ReadonlyArray<Path> =>
  SchemaPaths.pathsWhere(ast, isSensitiveAst, ANY)

const matches = (pattern: Path, path: ReadonlyArray<PropertyKey>, prefixOnly: boolean): boolean => {
  if (prefixOnly ? path.length > pattern.length : path.length < pattern.length) return false
  const n = Math.min(pattern.length, path.length)
  for (let i = 0; i < n; i++) {
    const p = pattern[i]
    if (p !== ANY && p !== path[i]) return false
  }
  return true
}

const render = (path: ReadonlyArray<PropertyKey>): string => path.map((p) => String(p)).join(".")

// What may be said about an encrypted field: messages the SDK itself writes, which never hold a value.
const SAFE = /^(a sensitive field (must not be empty|must be at most \d+ bytes of UTF-8)|expected a Redacted<string>)$/

/** The issues of a `ParseError`, each bad field with its reason; encrypted fields' values never appear. */
export const issues = (error: ParseResult.ParseError, sensitive: ReadonlyArray<Path>): Array<ValidationIssue> =>
  merge(
    ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => {
      const path = render(issue.path)
      if (sensitive.some((s) => matches(s, issue.path, false))) {
        return {
          path,
          message: issue._tag === "Missing"
            ? "is missing"
            : SAFE.test(issue.message)
            ? issue.message
            : "must be a Redacted<string>"
        }
      }
      // A container of an encrypted field: what it "actually" was may hold the plaintext.
      const message = sensitive.some((s) => matches(s, issue.path, true))
        ? issue.message.replace(/,? actual [\s\S]*$/, "")
        : issue.message
      return { path, message: sanitize(message, 160) }
    })
  )

/**
 * Where a decoding failed: the paths of the failing fields (`(root)` for the whole value), each once, never a value
 * (an answer's or a notification's fields may be personal data).
 */
export const failingPaths = (error: ParseResult.ParseError): string =>
  [
    ...new Set(
      ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
        issue.path.length === 0 ? "(root)" : render(issue.path)
      )
    )
  ]
    .map((path) => sanitize(path, 80))
    .join(", ")

const EXPECTED = /^Expected (.+), actual (.+)$/

// A union (e.g. of literals) fails once per member: one issue per field reads better.
const merge = (issues: ReadonlyArray<ValidationIssue>): Array<ValidationIssue> => {
  const out: Array<ValidationIssue> = []
  for (const issue of issues) {
    const previous = out.find((o) => o.path === issue.path)
    if (previous === undefined) {
      out.push(issue)
      continue
    }
    const a = EXPECTED.exec(previous.message)
    const b = EXPECTED.exec(issue.message)
    const merged = a !== null && b !== null && a[2] === b[2]
      ? `Expected ${a[1]} | ${b[1]}, actual ${a[2]}`
      : previous.message === issue.message
      ? previous.message
      : `${previous.message}, or ${issue.message}`
    out[out.indexOf(previous)] = { path: issue.path, message: sanitize(merged, 240) }
  }
  return out
}

/**
 * Strings (and `Redacted` strings) that are not well-formed Unicode: UTF-8 would replace a lone surrogate with
 * U+FFFD, so what is signed, encrypted or sent would not be what the program holds.
 */
export const malformedText = (value: unknown): Array<ValidationIssue> => {
  const out: Array<ValidationIssue> = []
  // One path, grown and shrunk as the walk goes: every call walks its whole request.
  const path: Array<PropertyKey> = []
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32) return
    if (typeof v === "string") {
      if (!isWellFormed(v)) out.push({ path: render(path), message: "is not well-formed Unicode (a lone surrogate)" })
    } else if (Redacted.isRedacted(v)) {
      walk(Redacted.value(v), depth + 1)
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i)
        walk(v[i], depth + 1)
        path.pop()
      }
    } else if (Predicate.isRecord(v)) {
      for (const key of Object.keys(v)) {
        path.push(key)
        walk(v[key], depth + 1)
        path.pop()
      }
    }
  }
  walk(value, 0)
  return out
}

/** The error, for a call that is known by its method and route template. */
export const refuse = (issues: ReadonlyArray<ValidationIssue>, method: string, route: string) =>
  new RequestValidationError({ issues, method, route })

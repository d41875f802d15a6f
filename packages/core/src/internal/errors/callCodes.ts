/**
 * A declared call's own error channel. The pipeline types every WeChat error body by the SDK's whole table
 * (`fromBody`: one class per code it knows, `UnknownApiError` for the rest), and retries by it; a derived call then
 * narrows that to the codes its declaration lists, so that its error type is honest: a code the call lists arrives
 * as its class (a family's own class too, e.g. one made with `codeError` for a code the SDK has no class for), and
 * any other code arrives as `UnknownApiError` with the code kept verbatim — typed, never a defect, and never a
 * class the call's type does not name.
 */
import type { Schema } from "effect"
import type { ApiErrorFields } from "../../WeChatPayErrorBody.js"
import { documented, UnknownApiError } from "../../WeChatPayErrorCodes.js"
import type { BusinessError } from "../../WeChatPayErrorCodes.js"

type Fields = Schema.Struct.Type<typeof ApiErrorFields>

/** A class of one code, as `codeError` makes them: its static `_tag` is the code. */
export interface CodeClass<E> {
  readonly _tag: string
  new(fields: Fields): E
}

const FIELDS = [
  "status",
  "wechatMessage",
  "detail",
  "requestId",
  "retryAfter",
  "clockSkewSeconds",
  "method",
  "route",
  "attempts"
] as const

const fieldsOf = (error: BusinessError): Fields => {
  const out: Record<string, unknown> = {}
  for (const key of FIELDS) if (error[key] !== undefined) out[key] = error[key]
  return out as unknown as Fields
}

const isBusinessError = (error: unknown): error is BusinessError => {
  if (error instanceof UnknownApiError) return true
  const tag = (error as { readonly _tag?: unknown })._tag
  return typeof tag === "string" && Object.prototype.hasOwnProperty.call(documented, tag) &&
    error instanceof documented[tag as keyof typeof documented]
}

/**
 * The function that maps a failure of the pipeline to the call's own channel: other failures pass unchanged, a
 * business error becomes its class from `classes` (kept as is when it already is one) or `UnknownApiError`.
 */
export const narrowTo = (classes: ReadonlyArray<CodeClass<unknown>>) => {
  const table = new Map<string, CodeClass<unknown>>()
  for (const Class of classes) table.set(Class._tag, Class)
  return <E>(error: E): E => {
    if (!isBusinessError(error)) return error
    const code = error._tag === "UnknownApiError" ? error.code : error._tag
    const Class = table.get(code)
    if (Class === undefined) {
      return (error._tag === "UnknownApiError" ? error : new UnknownApiError({ code, ...fieldsOf(error) })) as E
    }
    return (error instanceof Class ? error : new Class(fieldsOf(error))) as E
  }
}

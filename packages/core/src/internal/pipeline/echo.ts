/**
 * Binds a verified answer to its request: the answer fields that echo the request (`sub_mchid`, `openid`,
 * `authenticate_number` …) must come back equal, or the answer (however well signed) is another request's, which
 * someone on the path could swap in.
 */

/**
 * The first field of `echo` (keyed by the answer's field, or its dotted path where the answer nests) that the
 * answer lacks or gives another value, if any.
 */
export const mismatch = (
  answer: unknown,
  echo: Readonly<Record<string, unknown>>
): { readonly name: string; readonly missing: boolean } | undefined => {
  for (const name in echo) {
    const got = name.includes(".") ? at(answer, name.split(".")) : field(answer, name)
    if (got !== echo[name]) return { name, missing: got === undefined || got === null }
  }
  return undefined
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined

const at = (value: unknown, path: ReadonlyArray<string>): unknown => path.reduce(field, value)

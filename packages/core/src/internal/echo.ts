/**
 * Binds a verified answer to its request: the answer fields that echo the request (`sub_mchid`, `openid`,
 * `authenticate_number` …) must come back equal, or the answer (however well signed) is another request's, which
 * someone on the path could swap in.
 */

/** The first field of `echo` that the answer lacks or gives another value, if any. */
export const mismatch = (
  answer: unknown,
  echo: Readonly<Record<string, unknown>>
): { readonly name: string; readonly missing: boolean } | undefined => {
  const fields = typeof answer === "object" && answer !== null ? answer as Record<string, unknown> : {}
  for (const name in echo) {
    const got = fields[name]
    if (got !== echo[name]) return { name, missing: got === undefined || got === null }
  }
  return undefined
}

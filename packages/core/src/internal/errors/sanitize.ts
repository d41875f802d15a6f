/**
 * Text that came from elsewhere (a server's error body, a caller's field) made safe to put into one line
 * of a message or a log: error bodies are not signed, so anyone on the path can write them.
 */

const DEFAULT_MAX = 200

const escape = (char: string): string => {
  switch (char) {
    case "\n":
      return "\\n"
    case "\r":
      return "\\r"
    case "\t":
      return "\\t"
    default:
      return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`
  }
}

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidi overrides, and lone surrogates.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** One line, control characters escaped, at most `max` characters (an ellipsis marks a cut). */
export const sanitize = (text: string, max = DEFAULT_MAX): string => {
  const cut = text.length > max * 2 ? text.slice(0, max * 2) : text
  const escaped = cut.replace(UNSAFE, escape)
  return escaped.length > max || cut.length < text.length ? `${escaped.slice(0, max)}…` : escaped
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

const native = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/** Whether a string is well-formed Unicode (no lone surrogate), which UTF-8 and `encodeURIComponent` need. */
export const isWellFormed: (text: string) => boolean = native === undefined
  ? (text) => !LONE_SURROGATE.test(text)
  // Node 20+: the engine's own check, several times faster than the regular expression on every field of every call.
  : (text) => native.call(text)

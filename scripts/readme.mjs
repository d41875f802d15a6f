// What the consumer check reads from a README at run time, so it runs what a reader is told to run:
// the install commands of its ```sh blocks and the TypeScript block under a heading.

/** Every `npm install …` / `npm i …` line of the README's ```sh blocks, in order, comments removed. */
export const installLines = (text) => {
  const lines = text.split("\n")
  const found = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i])) continue
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) {
      const command = lines[i].replace(/\s+#.*$/, "").trim()
      if (/^npm (install|i)(\s|$)/.test(command)) found.push(command)
    }
  }
  return found
}

/**
 * The lines of the first ```sh block after the line `heading` that start with `command` (comments removed);
 * throws when there is none, naming both.
 */
export const shLinesUnder = (text, heading, command) => {
  const lines = text.split("\n")
  const start = lines.indexOf(heading)
  if (start === -1) throw new Error(`README has no "${heading}" heading`)
  for (let i = start + 1; i < lines.length && !(/^## /.test(lines[i])); i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i])) continue
    const found = []
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) {
      const line = lines[i].replace(/\s+#.*$/, "").trim()
      if (line.startsWith(`${command} `)) found.push(line)
    }
    if (found.length > 0) return found
  }
  throw new Error(`README has no \`\`\`sh line "${command} …" under "${heading}"`)
}

/** The package specs of an install line (its words that are not flags), each as `{ spec, name, range }`. */
export const specs = (line) =>
  line.split(/\s+/).slice(2).filter((word) => !word.startsWith("-")).map((spec) => {
    const at = spec.indexOf("@", 1)
    return at === -1
      ? { spec, name: spec, range: undefined }
      : { spec, name: spec.slice(0, at), range: spec.slice(at + 1) }
  })

/** The first ```ts <kind> block after the line `heading`; throws when there is none, naming both. */
export const blockUnder = (text, heading, kind) => {
  const lines = text.split("\n")
  const start = lines.indexOf(heading)
  if (start === -1) throw new Error(`README has no "${heading}" heading`)
  for (let i = start + 1; i < lines.length && !(/^## /.test(lines[i])); i++) {
    if (lines[i] !== `\`\`\`ts ${kind}`) continue
    const code = []
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) code.push(lines[i])
    return code.join("\n")
  }
  throw new Error(`README has no \`\`\`ts ${kind} block under "${heading}"`)
}

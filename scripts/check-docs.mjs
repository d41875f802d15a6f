// Documentation that cannot rot: every export of a public module has a JSDoc `@example`, every `@example` and every
// TypeScript block of the READMEs is type-checked, in one TypeScript program against the sources; README blocks
// marked to run are run.
//
// A README fence's info string says what the block is:
//   ```ts program    compiled, then run with tsx against the sandbox CLI, configured by the `export WECHATPAY_…`
//                    lines the CLI printed; must exit 0
//   ```ts test       compiled, then run with vitest (a test a user would write against the sandbox)
//   ```ts server     compiled, then run with tsx as a server on a free PORT, configured by a mixed-mode sandbox CLI's
//                    printed lines, and sent one notification by that sandbox: it must answer 204 and log it; started
//                    without an APIv3 key it must stop at once, naming WECHATPAY_API_V3_KEY
//   ```ts            compiled only, and only as a fragment: its first line says so, and why it does not run, as
//                    `// fragment: needs a check the worker completed in the mini program` (a reader sees it too)
// Every TypeScript block runs or says it is a fragment: a plain ```ts block without the marker, another info string
// (```ts run) or a JavaScript block fails the check, so no snippet is silently left unrun.
// A README block may rely on names an earlier block of the same README declared: `// @include <n>` on its first
// line prepends block n (1-based, counting that README's TypeScript blocks); a fragment marker then follows it.
//
// Usage: node scripts/check-docs.mjs [--no-run]
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { checkNotificationServer } from "./notification-server.mjs"
import { startSandbox } from "./sandbox-process.mjs"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const out = Path.join(root, ".docs-check")
const noRun = process.argv.includes("--no-run")
Fs.rmSync(out, { recursive: true, force: true })
Fs.mkdirSync(out)

/** @type {Array<{ file: string, origin: string, line: number, kind: "compile" | "program" | "test" | "server" }>} */
const blocks = []
const emit = (origin, line, code, kind) => {
  const name = `${origin.replace(/[^A-Za-z0-9]+/g, "_")}_${line}${kind === "test" ? ".test" : ""}.ts`
  // `export {}` makes every block a module: no block's names leak into another's.
  Fs.writeFileSync(Path.join(out, name), `${code}\nexport {}\n`)
  blocks.push({ file: name, origin, line, kind })
}

// JSDoc: an @example's ```ts fence inside a /** … */ comment, lines prefixed by " * ".
const sources = (dir) =>
  Fs.readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => Path.join(dir, file))
for (const pkg of Fs.readdirSync(Path.join(root, "packages"))) {
  // Internal modules are not importable by users: their examples are notes, not API documentation.
  for (const file of sources(Path.join(root, "packages", pkg, "src")).filter((f) => !f.includes("/internal/"))) {
    const lines = Fs.readFileSync(file, "utf8").split("\n")
    let example = false
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i].replace(/^\s*\*\s?/, "")
      if (/^\s*\*\s*@example/.test(lines[i])) example = true
      else if (/^\s*\*\s*@\w+/.test(lines[i]) || /\*\//.test(lines[i])) example = false
      if (example && /^```(ts|typescript)\b/.test(text)) {
        const start = i + 1
        const code = []
        while (++i < lines.length && !/^```\s*$/.test(lines[i].replace(/^\s*\*\s?/, ""))) {
          code.push(lines[i].replace(/^\s*\*\s?/, ""))
        }
        emit(Path.relative(root, file), start + 1, code.join("\n"), "compile")
      }
    }
  }
}

// Every export of a public module documents itself with an example (a type that only names the value of the same
// name, as a class-like pair, shares the value's).
const undocumented = []
for (const pkg of Fs.readdirSync(Path.join(root, "packages"))) {
  const dir = Path.join(root, "packages", pkg, "src")
  for (const file of Fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "main.ts")) {
    const lines = Fs.readFileSync(Path.join(dir, file), "utf8").split("\n")
    const values = new Set()
    lines.forEach((line, i) => {
      const declared = /^export (?:declare )?(?:const|class|interface|type|function|abstract class) (\w+)/.exec(line)
      if (declared === null) return
      const name = declared[1]
      const isType = /^export (?:declare )?(?:interface|type) /.test(line)
      if (!isType) values.add(name)
      let end = i - 1
      while (end >= 0 && lines[end].trim() === "") end--
      let start = end
      while (start >= 0 && !lines[start].includes("/**")) start--
      const doc = end >= 0 && lines[end].trim().endsWith("*/") ? lines.slice(start, end + 1).join("\n") : ""
      if (!doc.includes("@example") && !(isType && values.has(name))) {
        undocumented.push(`packages/${pkg}/src/${file}:${i + 1} ${name}`)
      }
    })
  }
}
if (undocumented.length > 0) {
  console.error(`exports without a JSDoc @example:\n  ${undocumented.join("\n  ")}`)
  process.exit(1)
}

// READMEs: fenced ```ts blocks, with their kind; each runs or is marked as a fragment.
const readmes = ["README.md", ...Fs.readdirSync(Path.join(root, "packages")).map((p) => `packages/${p}/README.md`)]
const unmarked = []
for (const readme of readmes.filter((file) => Fs.existsSync(Path.join(root, file)))) {
  const lines = Fs.readFileSync(Path.join(root, readme), "utf8").split("\n")
  const found = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(ts|typescript|tsx|mts|cts|js|javascript|jsx|mjs|cjs)\b\s*(.*)$/.exec(lines[i])
    if (fence === null) {
      if (/^```\S/.test(lines[i])) { while (++i < lines.length && !/^```\s*$/.test(lines[i])); // another language
       }
      continue
    }
    const start = i + 1
    const code = []
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) code.push(lines[i])
    const kind = { "": "compile", program: "program", test: "test", server: "server" }[fence[2].trim()]
    if (!/^(ts|typescript)$/.test(fence[1]) || kind === undefined) {
      unmarked.push(
        `${readme}:${start}: \`\`\`${fence[1]} ${
          fence[2]
        }: write it as \`\`\`ts, \`\`\`ts program, \`\`\`ts test or \`\`\`ts server`
      )
      continue
    }
    const include = /^\/\/ @include (\d+)/.exec(code[0] ?? "")
    const marker = code[include === null ? 0 : 1] ?? ""
    if (kind === "compile" && !/^\/\/ fragment: \S/.test(marker)) {
      unmarked.push(
        `${readme}:${start}: a \`\`\`ts block that does not run: mark it \`\`\`ts program or \`\`\`ts test, or say why it is a fragment on its first line (\`// fragment: …\`)`
      )
    }
    const prefix = include === null ? [] : found[Number(include[1]) - 1].code
    found.push({ code })
    emit(readme, start + 1, [...prefix, ...code].join("\n"), kind)
  }
}
if (unmarked.length > 0) {
  console.error(`README blocks that neither run nor say they are fragments:\n  ${unmarked.join("\n  ")}`)
  process.exit(1)
}

Fs.writeFileSync(
  Path.join(out, "tsconfig.json"),
  JSON.stringify(
    {
      extends: "../tsconfig.base.json",
      // Examples declare what they show and may leave it unused.
      compilerOptions: { noEmit: true, noUnusedLocals: false, noUnusedParameters: false, types: ["node"] },
      include: ["*.ts"]
    },
    null,
    2
  )
)
console.log(`type-checking ${blocks.length} documentation blocks`)
try {
  execFileSync(process.execPath, [Path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", out], {
    cwd: root,
    encoding: "utf8"
  })
} catch (error) {
  // Point each diagnostic at the documentation line it comes from.
  const byFile = new Map(blocks.map((block) => [block.file, block]))
  const text = String(error.stdout).replace(/\.docs-check\/([^(]+)\((\d+),(\d+)\)/g, (match, file, line, column) => {
    const block = byFile.get(file)
    if (block === undefined) return match
    return `${block.origin}:${block.line + Number(line) - 1}:${column}`
  })
  console.error(text)
  process.exit(1)
}

if (!noRun) {
  const programs = blocks.filter((block) => block.kind === "program")
  const tests = blocks.filter((block) => block.kind === "test")
  if (tests.length > 0) {
    console.log(`running ${tests.length} README test block(s) with vitest`)
    execFileSync(
      process.execPath,
      [Path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", out, "--dir", out],
      { cwd: root, stdio: "inherit" }
    )
  }
  if (programs.length > 0) await runPrograms(programs)
  for (const block of blocks.filter((block) => block.kind === "server")) await runServer(block)
}
console.log("documentation check passed")

/** Runs each program block with tsx against the sandbox CLI, with WECHATPAY_* pointing at it. */
async function runPrograms(programs) {
  const keys = Fs.mkdtempSync(Path.join(Os.tmpdir(), "docs-sandbox-keys-"))
  // Configured only by the `export WECHATPAY_…` lines the CLI printed, as a reader of the README would be.
  const sandbox = await startSandbox({
    command: process.execPath,
    prefix: ["--import", "tsx", Path.join(root, "packages/sandbox/src/main.ts")],
    cwd: root,
    keys
  })
  try {
    for (const block of programs) {
      console.log(`running ${block.origin}:${block.line} against the sandbox at ${sandbox.url}`)
      execFileSync(process.execPath, ["--import", "tsx", Path.join(out, block.file)], {
        cwd: root,
        env: sandbox.env,
        stdio: "inherit",
        timeout: 60_000
      })
    }
  } finally {
    await sandbox.stop()
    Fs.rmSync(keys, { recursive: true, force: true })
  }
}

/** Runs a server block with tsx against a mixed-mode sandbox CLI, which sends it one notification. */
async function runServer(block) {
  const keys = Fs.mkdtempSync(Path.join(Os.tmpdir(), "docs-sandbox-keys-"))
  const sandbox = await startSandbox({
    command: process.execPath,
    prefix: ["--import", "tsx", Path.join(root, "packages/sandbox/src/main.ts")],
    cwd: root,
    keys,
    extra: ["--key-mode", "mixed"]
  })
  try {
    console.log(`running ${block.origin}:${block.line} as a server, notified by the sandbox at ${sandbox.url}`)
    const envWithoutKey = Object.fromEntries(
      Object.entries(sandbox.env).filter(([name]) => !name.startsWith("WECHATPAY_API_V3_KEY"))
    )
    await checkNotificationServer({
      command: process.execPath,
      args: ["--import", "tsx", Path.join(out, block.file)],
      cwd: root,
      env: sandbox.env,
      envWithoutKey,
      sandboxUrl: sandbox.url
    })
  } finally {
    await sandbox.stop()
    Fs.rmSync(keys, { recursive: true, force: true })
  }
}

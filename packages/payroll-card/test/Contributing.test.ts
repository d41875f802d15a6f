import { PayrollCard } from "@effect-wechatpay/payroll-card"
import { assert, describe, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

// CONTRIBUTING.md stays true: the files its walkthrough names exist, its example call is gathered (Endpoints.test.ts
// checks that every gathered call has its function, agrees with its schemas and has a sandbox route), and its layout
// tables name every folder of core/src/internal and every module of sandbox/src/internal, so a new one is documented.
const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")
const guide = Fs.readFileSync(Path.join(root, "CONTRIBUTING.md"), "utf8")

describe("CONTRIBUTING.md", () => {
  it("names files that exist, and its example call is a gathered declaration", () => {
    const named = [...new Set(Array.from(guide.matchAll(/(packages\/[\w./-]+\.(?:ts|md))/g), (m) => m[1]!))]
    assert.isAbove(named.length, 5)
    assert.deepStrictEqual(named.filter((file) => !Fs.existsSync(Path.join(root, file))), [])
    assert.include(guide, "PayrollCard.initiatePartnerTransferBatch")
    assert.strictEqual(PayrollCard.endpoints.initiatePartnerTransferBatch.path, "/v3/partner-transfer/batches")
    assert.include(guide, `path: "${PayrollCard.endpoints.initiatePartnerTransferBatch.path}"`)
  })

  it("the README's calls table lists every gathered call", () => {
    const readme = Fs.readFileSync(Path.join(root, "README.md"), "utf8")
    const missing = Object.keys(PayrollCard.endpoints).filter((key) => !readme.includes(`\`PayrollCard.${key}\``))
    assert.deepStrictEqual(missing, [])
  })

  it("documents every folder of core/src/internal and every module of sandbox/src/internal", () => {
    const coreInternal = Path.join(root, "packages/core/src/internal")
    const folders = Fs.readdirSync(coreInternal, { withFileTypes: true }).filter((e) => e.isDirectory())
    assert.deepStrictEqual(folders.map((e) => e.name).filter((name) => !guide.includes(`\`internal/${name}/\``)), [])
    const sandboxInternal = Fs.readdirSync(Path.join(root, "packages/sandbox/src/internal"))
      .filter((name) => name.endsWith(".ts"))
    assert.deepStrictEqual(sandboxInternal.filter((name) => !guide.includes(`\`${name}\``)), [])
  })
})

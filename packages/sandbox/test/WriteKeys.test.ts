import { assert, describe, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { writeKeyFile } from "../src/Cli.js"

const PEM = "-----BEGIN PUBLIC KEY-----\nnot a real key\n-----END PUBLIC KEY-----\n"

const scratch = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "write-keys-"))

describe("--write-keys", () => {
  it("creates the directory (0700) and the file (0600)", () => {
    const root = scratch()
    const dir = Path.join(root, "keys")
    const file = writeKeyFile(dir, "platform_public_key.pem", PEM)
    assert.strictEqual(file, Path.join(dir, "platform_public_key.pem"))
    assert.strictEqual(Fs.readFileSync(file, "utf8"), PEM)
    assert.strictEqual(Fs.statSync(file).mode & 0o777, 0o600)
    assert.strictEqual(Fs.statSync(dir).mode & 0o777, 0o700)
    Fs.rmSync(root, { recursive: true })
  })

  it("replaces a planted symlink without touching its target, and leaves no temporary file", () => {
    const dir = scratch()
    const victim = Path.join(scratch(), "victim")
    Fs.writeFileSync(victim, "untouched", { mode: 0o644 })
    Fs.symlinkSync(victim, Path.join(dir, "merchant_private_key.pem"))
    const file = writeKeyFile(dir, "merchant_private_key.pem", PEM)
    assert.isFalse(Fs.lstatSync(file).isSymbolicLink())
    assert.strictEqual(Fs.readFileSync(file, "utf8"), PEM)
    assert.strictEqual(Fs.statSync(file).mode & 0o777, 0o600)
    assert.strictEqual(Fs.readFileSync(victim, "utf8"), "untouched")
    assert.strictEqual(Fs.statSync(victim).mode & 0o777, 0o644)
    assert.deepStrictEqual(Fs.readdirSync(dir), ["merchant_private_key.pem"])
    Fs.rmSync(dir, { recursive: true })
    Fs.rmSync(Path.dirname(victim), { recursive: true })
  })

  it("tightens an existing world-readable file to 0600, and a dangling symlink is replaced too", () => {
    const dir = scratch()
    Fs.writeFileSync(Path.join(dir, "a.pem"), "old", { mode: 0o644 })
    Fs.symlinkSync(Path.join(dir, "nowhere", "b.pem"), Path.join(dir, "b.pem"))
    for (const name of ["a.pem", "b.pem"]) {
      const file = writeKeyFile(dir, name, PEM)
      assert.strictEqual(Fs.statSync(file).mode & 0o777, 0o600)
      assert.strictEqual(Fs.readFileSync(file, "utf8"), PEM)
    }
    assert.isFalse(Fs.existsSync(Path.join(dir, "nowhere")))
    Fs.rmSync(dir, { recursive: true })
  })
})

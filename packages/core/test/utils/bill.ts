import * as Crypto from "node:crypto"
import * as Zlib from "node:zlib"

const MB = 2 ** 20

/** A bill-like file of `size` bytes (rows that differ, so it does not compress to nothing), gzipped, and its SHA1. */
export const billOf = (size: number) => {
  const hash = Crypto.createHash("sha1")
  const parts: Array<Buffer> = []
  const block = Buffer.alloc(MB)
  let row = 0
  for (let written = 0; written < size;) {
    let filled = 0
    while (filled < block.length) {
      filled += block.write(
        `\`2026-12-05 10:00:00,\`wx${String(row++).padStart(28, "0")},\`1900000001,\`SUCCESS,\`${row % 10000}.00\r\n`,
        filled
      )
    }
    const bytes = block.subarray(0, Math.min(block.length, size - written))
    written += bytes.length
    hash.update(bytes)
    parts.push(Buffer.from(bytes))
  }
  return { gzipped: Zlib.gzipSync(Buffer.concat(parts), { level: 1 }), sha1: hash.digest("hex") }
}

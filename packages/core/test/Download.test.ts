import { Download, type WeChatPayClient } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Chunk, type Context, Deferred, Effect, Exit, Fiber, Stream } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Zlib from "node:zlib"
import { clientOn } from "./utils/client.js"
import {
  dripping,
  endlessGzip,
  type FileAnswer,
  fileServer,
  httpServer,
  MB,
  redirecting,
  silent
} from "./utils/hostile.js"
import { parseAuthorization } from "./utils/keys.js"

const digest = (algorithm: string, bytes: Uint8Array) => Crypto.createHash(algorithm).update(bytes).digest("hex")

/** A bill-like file: lines of text, `size` bytes. */
const billOf = (size: number) => {
  const line = Buffer.from(
    "`2026-12-05 10:00:00,`wx0000000000000001,`1900000001,`,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`SUCCESS,`100.00\r\n"
  )
  const body = Buffer.alloc(size)
  for (let offset = 0; offset < size; offset += line.length) line.copy(body, offset)
  return body
}

const PATH = "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"

const metadataFor = (url: string, body: Uint8Array, hashType = "SHA1"): Download.FileMetadata => ({
  download_url: `${url}${PATH}`,
  hash_type: hashType,
  hash_value: digest(hashType.toUpperCase() === "SHA256" ? "sha256" : "sha1", body)
})

/** A fresh, empty directory; its listing shows whether anything was left behind. */
const directory = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "download-test-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

/** The failure of `effect`, a DownloadError (never a defect). */
const failure = <A, R>(effect: Effect.Effect<A, Download.DownloadError, R>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    if (Exit.isSuccess(exit)) return assert.fail("the download succeeded")
    assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause))
    const error = Cause.squash(exit.cause)
    assert.instanceOf(error, Download.DownloadError, Cause.pretty(exit.cause))
    return error as Download.DownloadError
  })

/** `toFile` into a fresh directory fails with `reason`, and leaves the directory empty. */
const failsLeavingNothing = (
  services: Context.Context<WeChatPayClient.WeChatPayClient>,
  metadata: Download.FileMetadata,
  reason: Download.DownloadError["reason"],
  options?: Download.Options
) =>
  Effect.gen(function*() {
    const dir = yield* directory
    const target = Path.join(dir, "bill.csv")
    const error = yield* failure(Effect.provide(Download.toFile(metadata, target, options), services))
    assert.strictEqual(error.reason, reason, error.message)
    assert.deepStrictEqual(Fs.readdirSync(dir), [], "a file was left behind")
    return error
  })

const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

for (const [name, transport] of transports) {
  describe(`Download on ${name}`, () => {
    it.scopedLive("streams the file, the GET signed over the download_url's exact path and query", () =>
      Effect.gen(function*() {
        const body = billOf(3 * MB + 17)
        const server = yield* fileServer(() => ({ body }))
        const { merchant, services } = yield* clientOn(transport, server.url)
        const chunks = yield* Effect.provide(
          Stream.runCollect(Download.stream(metadataFor(server.url, body))),
          services
        )
        assert.isTrue(Buffer.concat(Chunk.toArray(chunks)).equals(body))
        assert.strictEqual(server.seen.length, 1)
        const [seen] = server.seen
        assert.strictEqual(seen!.method, "GET")
        assert.strictEqual(seen!.url, PATH)
        const { params, scheme } = parseAuthorization(String(seen!.headers.authorization))
        assert.strictEqual(scheme, "WECHATPAY2-SHA256-RSA2048")
        const message = `GET\n${PATH}\n${params.timestamp}\n${params.nonce_str}\n\n`
        assert.isTrue(
          Crypto.verify("sha256", Buffer.from(message), merchant.publicKey, Buffer.from(params.signature!, "base64")),
          "the signature does not cover the download_url's path and query"
        )
      }))

    it.scopedLive("gzip: inflates, and checks the digest over the inflated bytes; toFile puts only the file there", () =>
      Effect.gen(function*() {
        const inflated = billOf(2 * MB)
        const server = yield* fileServer(() => ({ body: Zlib.gzipSync(inflated) }))
        const { services } = yield* clientOn(transport, server.url)
        const dir = yield* directory
        const target = Path.join(dir, "bill.csv")
        // Progress: told after each chunk, rising, ending at the bytes written (inflated), while the file is
        // still the temporary one (nothing at the target before the digest matched).
        const progress: Array<number> = []
        const saved = yield* Effect.provide(
          Download.toFile(metadataFor(server.url, inflated, "sha256"), target, {
            gzip: true,
            onProgress: (bytes) =>
              Effect.sync(() => {
                progress.push(bytes)
                assert.isFalse(Fs.existsSync(target))
              })
          }),
          services
        )
        assert.deepStrictEqual(saved, { bytes: inflated.length, path: target })
        assert.isTrue(Fs.readFileSync(target).equals(inflated))
        assert.deepStrictEqual(Fs.readdirSync(dir), ["bill.csv"])
        assert.isAbove(progress.length, 1)
        assert.isTrue(progress.every((bytes, i) => i === 0 || bytes > progress[i - 1]!))
        assert.strictEqual(progress.at(-1), inflated.length)
      }))

    it.scopedLive("a download longer than the client's attempt timeout: not cut at it (its own timeouts bound it)", () =>
      Effect.gen(function*() {
        const body = billOf(64 * 1024)
        const server = yield* httpServer((_, response) => {
          response.writeHead(200, { "content-length": String(body.length) })
          let part = 0
          const timer = setInterval(() => {
            response.write(body.subarray(part * 8192, ++part * 8192))
            if (part === 8) {
              clearInterval(timer)
              response.end()
            }
          }, 100)
        })
        const { services } = yield* clientOn(transport, server.url, { timeout: "300 millis" })
        const dir = yield* directory
        const saved = yield* Effect.provide(
          Download.toFile(metadataFor(server.url, body), Path.join(dir, "bill.csv"), { idleTimeout: "1 second" }),
          services
        )
        assert.strictEqual(saved.bytes, body.length)
      }))

    it.scopedLive("corrupted bytes: DigestMismatch at the stream's end, no file at the target", () =>
      Effect.gen(function*() {
        const body = billOf(MB)
        const corrupted = Buffer.from(body)
        corrupted[corrupted.length - 10] ^= 1
        const server = yield* fileServer(() => ({ body: corrupted }))
        const { services } = yield* clientOn(transport, server.url)
        const error = yield* failsLeavingNothing(services, metadataFor(server.url, body), "DigestMismatch")
        assert.include(error.message, "SHA1 digest")
        // The stream gives every byte, then fails.
        let streamed = 0
        const exit = yield* Effect.exit(Effect.provide(
          Stream.runForEach(Download.stream(metadataFor(server.url, body)), (chunk) =>
            Effect.sync(() => {
              streamed += chunk.length
            })),
          services
        ))
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(streamed, body.length)
      }))

    it.scopedLive("a wrong digest: DigestMismatch, an existing file at the target left as it was", () =>
      Effect.gen(function*() {
        const body = billOf(MB)
        const server = yield* fileServer(() => ({ body }))
        const { services } = yield* clientOn(transport, server.url)
        const dir = yield* directory
        const target = Path.join(dir, "bill.csv")
        Fs.writeFileSync(target, "yesterday's")
        const error = yield* failure(Effect.provide(
          Download.toFile({ ...metadataFor(server.url, body), hash_value: "0".repeat(40) }, target),
          services
        ))
        assert.strictEqual(error.reason, "DigestMismatch")
        assert.deepStrictEqual(Fs.readdirSync(dir), ["bill.csv"])
        assert.strictEqual(Fs.readFileSync(target, "utf8"), "yesterday's")
      }))

    it.scopedLive("a truncated body: typed, no file at the target", () =>
      Effect.gen(function*() {
        const body = billOf(2 * MB)
        const server = yield* fileServer(() => ({ body, truncateAt: MB }))
        const { services } = yield* clientOn(transport, server.url)
        const dir = yield* directory
        const error = yield* failure(Effect.provide(
          Download.toFile(metadataFor(server.url, body), Path.join(dir, "bill.csv")),
          services
        ))
        assert.include(["Transport", "DigestMismatch"], error.reason, error.message)
        assert.deepStrictEqual(Fs.readdirSync(dir), [])
      }))

    it.scopedLive(
      "a gzip bomb: TooLarge at the limit (inflated bytes), the connection closed within seconds",
      () =>
        Effect.gen(function*() {
          const server = yield* endlessGzip()
          const { services } = yield* clientOn(transport, server.url)
          const started = Date.now()
          yield* failsLeavingNothing(
            services,
            { download_url: `${server.url}${PATH}`, hash_type: "SHA1", hash_value: "0".repeat(40) },
            "TooLarge",
            { gzip: true, maxBytes: 16 * MB }
          )
          assert.isBelow(Date.now() - started, 5_000)
          const written = yield* Deferred.await(server.closed).pipe(
            Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => new Error("the connection stayed open") })
          )
          // 16 MB of zeros is ≈ 16 kB of gzip: with back-pressure the server got no further than the sockets'
          // buffers (≈ 4 MB here); a writer that does not wait for `drain` reads ≈ 20 MB of the wire before it stops.
          assert.isAtMost(written, 10 * MB)
        }),
      { timeout: 20_000 }
    )

    it.scopedLive("a Content-Length over the limit: TooLarge before a byte is read", () =>
      Effect.gen(function*() {
        const body = billOf(2 * MB)
        const server = yield* fileServer(() => ({ body }))
        const { services } = yield* clientOn(transport, server.url)
        const error = yield* failsLeavingNothing(services, metadataFor(server.url, body), "TooLarge", { maxBytes: MB })
        assert.include(error.message, "Content-Length")
      }))

    it.scopedLive("a stalled body: Timeout after the idle timeout, the connection closed, no file", () =>
      Effect.gen(function*() {
        const server = yield* silent("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc")
        const { services } = yield* clientOn(transport, server.url)
        const started = Date.now()
        yield* failsLeavingNothing(
          services,
          { download_url: `${server.url}${PATH}`, hash_type: "SHA1", hash_value: "0".repeat(40) },
          "Timeout",
          { idleTimeout: "300 millis" }
        )
        assert.isBelow(Date.now() - started, 2_000)
        yield* Deferred.await(server.closed).pipe(Effect.timeout("1 second"))
      }))

    for (const stop of [{ idleTimeout: "300 millis" }, { timeout: "300 millis" }] as const) {
      it.scopedLive(`a stalled gzip body: Timeout after ${JSON.stringify(stop)}, the inflater let go of at once`, () =>
        Effect.gen(function*() {
          const head = Zlib.gzipSync(billOf(MB)).subarray(0, 1000)
          const server = yield* silent(
            Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), head])
          )
          const { services } = yield* clientOn(transport, server.url)
          const started = Date.now()
          yield* failsLeavingNothing(
            services,
            { download_url: `${server.url}${PATH}`, hash_type: "SHA1", hash_value: "0".repeat(40) },
            "Timeout",
            { ...stop, gzip: true }
          )
          assert.isBelow(Date.now() - started, 2_000)
          yield* Deferred.await(server.closed).pipe(Effect.timeout("1 second"))
        }))
    }

    it.scopedLive("a dripping body: Timeout at the deadline", () =>
      Effect.gen(function*() {
        const server = yield* dripping("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", 20)
        const { services } = yield* clientOn(transport, server.url)
        const error = yield* failsLeavingNothing(
          services,
          { download_url: `${server.url}${PATH}`, hash_type: "SHA1", hash_value: "0".repeat(40) },
          "Timeout",
          { idleTimeout: "1 second", timeout: "400 millis" }
        )
        assert.include(error.message, "400 ms")
        yield* Deferred.await(server.closed).pipe(Effect.timeout("1 second"))
      }))

    it.scopedLive("a redirect: Status, not followed", () =>
      Effect.gen(function*() {
        const elsewhere = yield* fileServer(() => ({ body: Buffer.from("x") }))
        const server = yield* redirecting(`${elsewhere.url}${PATH}`)
        const { services } = yield* clientOn(transport, server.url)
        const error = yield* failsLeavingNothing(
          services,
          metadataFor(server.url, Buffer.from("x")),
          "Status"
        )
        assert.include(error.message, "redirect")
        assert.notInclude(error.message, "token=")
        assert.strictEqual(elsewhere.seen.length, 0)
      }))

    it.scopedLive("an expired download_url (400 INVALID_REQUEST): Expired, WeChat's code kept", () =>
      Effect.gen(function*() {
        const server = yield* fileServer((): FileAnswer => ({
          status: 400,
          headers: { "content-type": "application/json", "request-id": "08F1-1" },
          body: Buffer.from(JSON.stringify({ code: "INVALID_REQUEST", message: "下载链接已过期\u001b[31m" }))
        }))
        const { services } = yield* clientOn(transport, server.url)
        const error = yield* failsLeavingNothing(services, metadataFor(server.url, Buffer.from("x")), "Expired")
        assert.strictEqual(error.status, 400)
        assert.strictEqual(error.code, "INVALID_REQUEST")
        assert.strictEqual(error.requestId, "08F1-1")
        assert.notInclude(error.message, "\u001b")
        const denied = yield* fileServer((): FileAnswer => ({
          status: 403,
          headers: { "content-type": "application/json" },
          body: Buffer.from(JSON.stringify({ code: "NO_AUTH", message: "权限异常" }))
        }))
        const other = yield* clientOn(transport, denied.url)
        const status = yield* failsLeavingNothing(other.services, metadataFor(denied.url, Buffer.from("x")), "Status")
        assert.strictEqual(status.code, "NO_AUTH")
      }))
  })
}

describe("Download refuses before sending", () => {
  for (
    const [what, url] of [
      ["another host", "http://evil.example.com"],
      ["another port", "http://127.0.0.1:1"],
      ["another scheme", "https://127.0.0.1:{port}"],
      ["credentials", "http://user:pass@127.0.0.1:{port}"],
      ["a backslash trick", "http://evil.example.com\\@127.0.0.1:{port}"]
    ] as const
  ) {
    it.scopedLive(`a download_url with ${what}: ForeignHost or Malformed, nothing sent`, () =>
      Effect.gen(function*() {
        const body = Buffer.from("x")
        const server = yield* fileServer(() => ({ body }))
        const { services } = yield* clientOn(FetchHttpClient.layer, server.url)
        const port = new URL(server.url).port
        const error = yield* failsLeavingNothing(
          services,
          { ...metadataFor(server.url, body), download_url: `${url.replace("{port}", port)}${PATH}` },
          what === "a backslash trick" ? "Malformed" : "ForeignHost"
        )
        assert.notInclude(error.message, "token=")
        assert.strictEqual(server.seen.length, 0)
      }))
  }

  it.scopedLive("an unknown hash_type: UnsupportedHash, nothing sent", () =>
    Effect.gen(function*() {
      const body = Buffer.from("x")
      const server = yield* fileServer(() => ({ body }))
      const { services } = yield* clientOn(FetchHttpClient.layer, server.url)
      yield* failsLeavingNothing(services, { ...metadataFor(server.url, body), hash_type: "MD5" }, "UnsupportedHash")
      assert.strictEqual(server.seen.length, 0)
    }))

  it.scopedLive("a download_url on the backup host: accepted, sent to the configured host", () =>
    Effect.gen(function*() {
      const body = Buffer.from("receipt")
      const server = yield* fileServer(() => ({ body }))
      const { services } = yield* clientOn(FetchHttpClient.layer, server.url, { backupBaseUrl: "http://127.0.0.2:9" })
      const dir = yield* directory
      const metadata = { ...metadataFor(server.url, body, "SHA256"), download_url: `http://127.0.0.2:9${PATH}` }
      yield* Effect.provide(Download.toFile(metadata, Path.join(dir, "r.pdf")), services)
      assert.strictEqual(server.seen.length, 1)
    }))
})

describe("Download.toFile interrupted", () => {
  it.scopedLive("mid-body: the temporary file is removed, nothing at the target", () =>
    Effect.gen(function*() {
      const server = yield* dripping("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", 5)
      const { services } = yield* clientOn(FetchHttpClient.layer, server.url)
      const dir = yield* directory
      const fiber = yield* Effect.fork(Effect.provide(
        Download.toFile(
          { download_url: `${server.url}${PATH}`, hash_type: "SHA1", hash_value: "0".repeat(40) },
          Path.join(dir, "bill.csv")
        ),
        services
      ))
      // Wait until the temporary file exists, then interrupt.
      while (Fs.readdirSync(dir).length === 0) yield* Effect.sleep("10 millis")
      yield* Effect.sleep("100 millis")
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(Fs.readdirSync(dir), [])
    }))
})

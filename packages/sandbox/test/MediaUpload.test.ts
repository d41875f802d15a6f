import { Media, type WeChatPayClient } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer, type Vitest } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Sandbox from "../src/Sandbox.js"
import * as Simulator from "../src/Simulator.js"
import { authorization } from "./fixtures.js"

// wechatpay-axios-plugin is CommonJS without ES exports of its classes.
const require = createRequire(import.meta.url)
const { Formatter, Multipart, Rsa } = require("wechatpay-axios-plugin") as {
  readonly Formatter: { request(method: string, uri: string, timestamp: string, nonce: string, body: string): string }
  readonly Multipart: new() => {
    append(name: string, value: string | Buffer, filename?: string): unknown
    getBuffer(): Buffer
    getHeaders(): Record<string, string>
    toJSON(): unknown
  }
  readonly Rsa: { sign(message: string, privateKey: string): string }
}

const IMAGE = "/v3/merchant/media/upload"
const VIDEO = "/v3/merchant/media/video_upload"

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** `size` bytes that start as a PNG does, the rest random (every byte value, CR and LF included). */
const png = (size: number) => {
  const bytes = Crypto.randomBytes(size)
  bytes.set(PNG_SIGNATURE, 0)
  return new Uint8Array(bytes)
}
/** An ISO base media file's first box (`ftyp isom`), then random bytes. */
const mp4 = (size: number) => {
  const bytes = Crypto.randomBytes(size)
  bytes.set([0, 0, 0, 0x18, ...Buffer.from("ftypisom")], 0)
  return new Uint8Array(bytes)
}
const sha256 = (bytes: Uint8Array) => Crypto.createHash("sha256").update(bytes).digest("hex")

const lastUpload = Effect.map(Simulator.received, (log) => {
  const entry = [...log].reverse().find((e) => e.url === IMAGE || e.url === VIDEO)
  assert.isDefined(entry, "no upload reached the simulator")
  return entry!
})

const uploadCount = Effect.map(
  Simulator.received,
  (log) => log.filter((e) => e.url === IMAGE || e.url === VIDEO).length
)

const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

const uploads = (it: Vitest.MethodsNonLive<Simulator.Simulator | WeChatPayClient.WeChatPayClient, true>) => {
  it.effect("uploads an image as bytes and a video as a stream; the answers are verified", () =>
    Effect.gen(function*() {
      const image = png(200_000)
      const { media_id } = yield* Media.upload({ filename: "storefront.png", content: image })
      assert.isAbove(media_id.length, 0)
      const sent = yield* lastUpload
      assert.strictEqual(sent.status, 200)
      assert.include(sent.body, `{"filename":"storefront.png","sha256":"${sha256(image)}"}`)

      const video = mp4(3 * 1024 * 1024)
      const chunks = Array.from({ length: 48 }, (_, i) => video.subarray(i * 65536, (i + 1) * 65536))
      const answer = yield* Media.uploadVideo({ filename: "consent.MP4", content: Stream.fromIterable(chunks) })
      assert.notStrictEqual(answer.media_id, media_id)
      assert.strictEqual((yield* lastUpload).url, VIDEO)
    }))
}

describe("Media upload", () => {
  layer(Sandbox.layer({ retry: false }), { excludeTestServices: true })("in memory (SandboxHttpClient)", (it) => {
    uploads(it)

    it.effect("signs the meta JSON as sent: the same signature as wechatpay-axios-plugin's Multipart and Rsa", () =>
      Effect.gen(function*() {
        const keys = yield* Sandbox.Sandbox
        const image = png(4096)
        yield* Media.upload({ filename: "receipt.png", content: image })
        const sent = yield* lastUpload
        const header = sent.headers["authorization"]!
        const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(header)![1]!
        // The same upload as the axios plugin builds it; it signs JSON.stringify(multipart.toJSON()).
        const multipart = new Multipart()
        multipart.append("meta", JSON.stringify({ filename: "receipt.png", sha256: sha256(image) }))
        multipart.append("file", Buffer.from(image), "receipt.png")
        const theirs = Rsa.sign(
          Formatter.request(
            "POST",
            IMAGE,
            field("timestamp"),
            field("nonce_str"),
            JSON.stringify(multipart.toJSON())
          ),
          keys.merchantPrivateKey
        )
        assert.strictEqual(field("signature"), theirs)
      }))

    it.effect("reads a file by its path", () =>
      Effect.gen(function*() {
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "media-test-"))
        try {
          const file = Path.join(dir, "licence.png")
          Fs.writeFileSync(file, png(300_000))
          const { media_id } = yield* Media.upload({ filename: "licence.png", content: file })
          assert.isAbove(media_id.length, 0)
          const missing = yield* Effect.flip(Media.upload({ filename: "x.png", content: Path.join(dir, "nope.png") }))
          assert.strictEqual(missing._tag, "RequestValidationError")
          assert.include(missing.message, "ENOENT")
        } finally {
          Fs.rmSync(dir, { recursive: true, force: true })
        }
      }))

    it.effect("refuses a 3 MB image, a .gif, a PNG named .jpg and a 6 MB video before sending anything", () =>
      Effect.gen(function*() {
        const before = yield* uploadCount
        const tooLarge = yield* Effect.flip(Media.upload({ filename: "big.png", content: png(3 * 1024 * 1024) }))
        assert.strictEqual(tooLarge._tag, "RequestValidationError")
        assert.include(tooLarge.message, "2097152 bytes")
        const gif = Buffer.from("R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==", "base64")
        const refusedGif = yield* Effect.flip(Media.upload({ filename: "pixel.gif", content: new Uint8Array(gif) }))
        assert.strictEqual(refusedGif._tag, "RequestValidationError")
        assert.include(refusedGif.message, ".jpg, .bmp, .png")
        const disguised = yield* Effect.flip(Media.upload({ filename: "pixel.jpg", content: png(1024) }))
        assert.include(disguised.message, "not a JPG file")
        const gifNamedPng = yield* Effect.flip(Media.upload({ filename: "pixel.png", content: new Uint8Array(gif) }))
        assert.include(gifNamedPng.message, "not a PNG file")
        // A stream past the limit stops being read at the first chunk past it.
        let pulled = 0
        const endless = Stream.repeatEffect(Effect.sync(() => {
          pulled++
          return mp4(1024 * 1024)
        }))
        const tooLong = yield* Effect.flip(Media.uploadVideo({ filename: "long.mp4", content: endless }))
        assert.strictEqual(tooLong._tag, "RequestValidationError")
        assert.strictEqual(pulled, 6)
        assert.strictEqual(yield* uploadCount, before, "a refused upload reached the server")
      }))

    it.effect("a verification failure of the answer fails the upload", () =>
      Effect.gen(function*() {
        yield* Simulator.inject(Simulator.Fault.BadSignature(), { path: IMAGE })
        const error = yield* Effect.flip(Media.upload({ filename: "a.png", content: png(1024) }))
        assert.strictEqual(error._tag, "ResponseVerificationError")
      }))

    it.effect("an error code the SDK has no class for arrives as UnknownApiError, the code kept", () =>
      Effect.gen(function*() {
        yield* Simulator.inject(Simulator.Fault.ApiError({ code: "FREQUENCY_LIMIT_EXCEED", status: 400 }), {
          path: IMAGE
        })
        const error = yield* Effect.flip(Media.upload({ filename: "a.png", content: png(1024) }))
        assert.strictEqual(error._tag, "UnknownApiError")
        assert.strictEqual((error as { code: string }).code, "FREQUENCY_LIMIT_EXCEED")
      }))

    it.effect("the simulator checks uploads as WeChat does: an axios-built body, a wrong sha256, a bad signature", () =>
      Effect.gen(function*() {
        const keys = yield* Sandbox.Sandbox
        const image = png(2048)
        const send = (meta: string, signedOver: string = meta) => {
          const multipart = new Multipart()
          multipart.append("meta", meta)
          multipart.append("file", Buffer.from(image), "photo.png")
          const bytes = multipart.getBuffer()
          return Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) =>
            Simulator.handle({
              method: "POST",
              url: IMAGE,
              headers: {
                ...multipart.getHeaders(),
                Accept: "application/json",
                "User-Agent": "media-test",
                Authorization: authorization(keys, {
                  method: "POST",
                  url: IMAGE,
                  body: signedOver,
                  timestamp: Math.floor(Number(now) / 1000)
                })
              },
              body: bytes.toString("utf8"),
              bytes
            }))
        }
        const meta = JSON.stringify({ filename: "photo.png", sha256: sha256(image) })
        const ok = yield* send(meta)
        assert.strictEqual(ok._tag === "Respond" && ok.response.status, 200)
        assert.match(ok._tag === "Respond" ? ok.response.body : "", /^\{"media_id":"[\w-]+"\}$/)

        const wrong = yield* send(JSON.stringify({ filename: "photo.png", sha256: "0".repeat(64) }))
        assert.strictEqual(wrong._tag === "Respond" && wrong.response.status, 400)
        assert.include(wrong._tag === "Respond" ? wrong.response.body : "", "PARAM_ERROR")

        // Signed over the meta with spaces, sent compact: not what was sent, so not verified.
        const respaced = yield* send(meta, JSON.stringify(JSON.parse(meta), null, 1))
        assert.strictEqual(respaced._tag === "Respond" && respaced.response.status, 401)
      }))
  })

  for (const [name, transport] of transports) {
    layer(Sandbox.layerServer({ retry: false }).pipe(Layer.provide(transport)), { excludeTestServices: true })(
      `over loopback with ${name}`,
      (it) => uploads(it)
    )
  }
})

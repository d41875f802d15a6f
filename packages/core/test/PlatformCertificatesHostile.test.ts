import { PlatformCertificates, Signer, Verifier, WeChatPay } from "@effect-wechatpay/core"
import * as LeanHttpClient from "@effect-wechatpay/core/LeanHttpClient"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, type Duration, Effect, Exit, Layer, Logger, LogLevel, Redacted } from "effect"
import { keys } from "./utils/client.js"
import { closedEarly, dripping, endless, httpServer, lying, MB, redirecting, silent } from "./utils/hostile.js"
import { signed } from "./utils/platform.js"

const API_V3_KEY = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
const PUBLIC_KEY_ID = "PUB_KEY_ID_0100000000000001"
const MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
// A line a log reader would take for one of the SDK's own: it must never start a line of output.
const FORGED = "timestamp=2020-01-01T00:00:00.000Z level=ERROR fiber=#1 message=\"forged\""

// One merchant and one platform key pair for the whole file, generated at run time.

/** `WeChatPay.layer` on `transport` against `baseUrl`: certificate mode unless `mixed`. */
const layerOn = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  baseUrl: string,
  options: { readonly mixed?: boolean; readonly timeout?: Duration.DurationInput } = {}
) =>
  Effect.map(keys, ([merchant, platform]) =>
    WeChatPay.layer({
      mchid: "1900000001",
      merchantSerialNo: MERCHANT_SERIAL,
      merchantPrivateKey: Redacted.make(merchant.privateKey),
      apiV3Key: Redacted.make(API_V3_KEY),
      baseUrl,
      backupBaseUrl: false,
      retry: false,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.mixed === true ? { platformPublicKeyId: PUBLIC_KEY_ID, platformPublicKey: platform.publicKey } : {})
    }).pipe(Layer.provide(transport)))

/** Builds `layer`, which must fail with a `CertificateError` within `within` ms; nothing in it shows a secret. */
const buildFailure = <A, E>(layer: Layer.Layer<A, E>, within = 1_000) =>
  Effect.gen(function*() {
    const [merchant] = yield* keys
    const started = Date.now()
    const exit = yield* Effect.exit(Effect.scoped(Layer.build(layer)))
    const elapsed = Date.now() - started
    assert.isTrue(Exit.isFailure(exit), "the layer built")
    if (Exit.isSuccess(exit)) return undefined as never
    const text = `${Cause.pretty(exit.cause)} ${JSON.stringify(exit.cause)}`
    assert.isBelow(elapsed, within, text)
    for (const secret of [API_V3_KEY, merchant.privateKey.slice(40, 80), "WECHATPAY2-SHA256-RSA2048"]) {
      assert.notInclude(text, secret)
    }
    const error = Cause.squash(exit.cause) as PlatformCertificates.CertificateError
    assert.strictEqual(error._tag, "CertificateError", text)
    assert.notMatch(error.message, /[\n\r]/)
    return { error, elapsed }
  })

/** Every log line, formatted as the default logger prints it, at every level. */
const capturedLogs = () => {
  const lines: Array<string> = []
  const layer = Layer.merge(
    Logger.replace(Logger.defaultLogger, Logger.map(Logger.stringLogger, (line) => void lines.push(line))),
    Logger.minimumLogLevel(LogLevel.All)
  )
  return { lines: () => lines.join("\n").split(/\r\n|\r|\n|\u2028|\u2029/), layer }
}

const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

// Real sockets and real time against hostile loopback servers (512 MB to send): each test ends within seconds.
for (const [name, transport] of transports) {
  describe(`the certificate download on ${name} against a hostile network`, () => {
    it.scopedLive(
      "a 512 MB chunked answer: Transport at the 4 MiB limit, the connection closed",
      () =>
        Effect.gen(function*() {
          const server = yield* endless()
          const { error } = yield* buildFailure(yield* layerOn(transport, server.url), 3_000)
          assert.strictEqual(error.reason, "Transport", error.message)
          assert.include(error.message, `${4 * MB}-byte limit`)
          yield* closedEarly(server)
        }),
      { timeout: 15_000 }
    )

    it.scopedLive(
      "a 256 MiB Content-Length: refused before the body is read, the connection closed",
      () =>
        Effect.gen(function*() {
          const server = yield* lying(256 * MB)
          const { error } = yield* buildFailure(yield* layerOn(transport, server.url))
          assert.strictEqual(error.reason, "Transport", error.message)
          assert.include(error.message, `(Content-Length ${256 * MB}); nothing more was read`)
          yield* closedEarly(server)
        }),
      { timeout: 15_000 }
    )

    for (
      const [what, start] of [
        ["a body that stalls after its headers", silent],
        ["a body that drips a byte every 50 ms", dripping]
      ] as const
    ) {
      it.scopedLive(
        `${what}: Transport at the timeout (request and body), the connection closed`,
        () =>
          Effect.gen(function*() {
            const server = yield* start(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"data\":["
            )
            const { elapsed, error } = yield* buildFailure(
              yield* layerOn(transport, server.url, { timeout: "300 millis" }),
              1_500
            )
            assert.isAtLeast(elapsed, 290)
            assert.strictEqual(error.reason, "Transport", error.message)
            assert.include(error.message, "within 300 ms")
            yield* closedEarly(server)
          }),
        { timeout: 15_000 }
      )
    }

    it.scopedLive(
      "mixed mode over a stalled download: builds at the timeout, the public key verifies, the lock is let go",
      () =>
        Effect.gen(function*() {
          const [merchant, platform] = yield* keys
          const server = yield* dripping("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
          const started = Date.now()
          const services = yield* Layer.build(
            yield* layerOn(transport, server.url, { mixed: true, timeout: "300 millis" })
          )
          assert.isBelow(Date.now() - started, 1_500)
          const verifier = yield* Effect.provide(Verifier.Verifier, services)
          const answer = (serial: string) => {
            const body = "{\"ok\":true}"
            return { body, headers: signed(body, platform.privateKey, serial, Math.floor(Date.now() / 1000)) }
          }
          yield* verifier.verify(answer(PUBLIC_KEY_ID))
          // An unknown serial re-downloads under the lock: it fails at the download's timeout, not never.
          const unknown = yield* Effect.flip(verifier.verify(answer("7ABCDEF0123456789ABCDEF0123456789ABCDEF0")))
          assert.strictEqual(unknown.reason, "UnknownSerial")
          assert.isBelow(Date.now() - started, 3_000)
          // The lock the scheduled refresh and every lookup wait on: each holder lets go at the timeout.
          const certificates = yield* PlatformCertificates.make({
            baseUrl: server.url,
            apiV3Key: Redacted.make(API_V3_KEY),
            optional: true,
            timeout: "300 millis"
          }).pipe(
            Effect.provide(Signer.layer({
              mchid: "1900000001",
              serialNo: MERCHANT_SERIAL,
              privateKey: Redacted.make(merchant.privateKey)
            })),
            Effect.provide(transport)
          )
          const waited = Date.now()
          const [refreshed, first, second] = yield* Effect.all([
            Effect.flip(certificates.refresh),
            certificates.lookup("7ABCDEF0123456789ABCDEF0123456789ABCDEF1"),
            certificates.lookup("7ABCDEF0123456789ABCDEF0123456789ABCDEF2")
          ], { concurrency: "unbounded" })
          assert.strictEqual(refreshed.reason, "Transport")
          assert.isUndefined(first)
          assert.isUndefined(second)
          assert.isBelow(Date.now() - waited, 2_000)
        }),
      { timeout: 15_000 }
    )

    it.scopedLive(
      "a 302 is a Status failure naming its Location, not followed; the other host receives nothing",
      () =>
        Effect.gen(function*() {
          let received = 0
          const other = yield* httpServer((_, response) => {
            received++
            response.end("{}")
          })
          const server = yield* redirecting(`${other.url}/v3/certificates?to=\x85elsewhere`)
          const { error } = yield* buildFailure(yield* layerOn(transport, server.url))
          assert.strictEqual(error.reason, "Status", error.message)
          assert.strictEqual(error.status, 302)
          // Sanitised: a C1 control (NEL) is escaped.
          assert.include(
            error.message,
            `a redirect to "${other.url}/v3/certificates?to=\\\\u0085elsewhere", not followed`
          )
          yield* Effect.sleep("50 millis")
          assert.strictEqual(received, 0)
        }),
      { timeout: 15_000 }
    )

    it.scopedLive(
      "server text cannot forge a log line: error code, message and serial_no are one line each",
      () =>
        Effect.gen(function*() {
          const [merchant] = yield* keys
          let answer: "error" | "list" = "error"
          const server = yield* httpServer((_, response) => {
            response.writeHead(answer === "error" ? 500 : 200, { "content-type": "application/json" })
            response.end(JSON.stringify(
              answer === "error"
                ? { code: `SYSTEM_ERROR\n${FORGED}`, message: `busy\r\n${FORGED}\u2028${FORGED}` }
                : {
                  data: [{
                    serial_no: `7ABC\n${FORGED}`,
                    encrypt_certificate: { algorithm: "AEAD_AES_256_GCM", nonce: "n", ciphertext: "AAAA" }
                  }]
                }
            ))
          })
          const logs = capturedLogs()
          const mixed = (yield* layerOn(transport, server.url, { mixed: true })).pipe(Layer.provide(logs.layer))
          // Mixed mode: each failure is a WARN log line, and stays one.
          yield* Effect.scoped(Layer.build(mixed))
          answer = "list"
          yield* Effect.scoped(Layer.build(mixed))
          const lines = logs.lines()
          assert.isTrue(lines.some((line) => line.includes("Status: HTTP 500 SYSTEM_ERROR")), lines.join("\n"))
          assert.isTrue(lines.some((line) => line.includes("Decryption: certificate")), lines.join("\n"))
          for (const line of lines) {
            assert.isFalse(line.startsWith("timestamp=2020"), `a forged line: ${line}`)
            for (const secret of [API_V3_KEY, merchant.privateKey.slice(40, 80), "WECHATPAY2-SHA256-RSA2048"]) {
              assert.notInclude(line, secret)
            }
          }
          // Certificate mode: the error itself.
          answer = "error"
          const status = yield* buildFailure(yield* layerOn(transport, server.url))
          assert.strictEqual(status.error.reason, "Status")
          assert.include(status.error.message, "HTTP 500 SYSTEM_ERROR\\ntimestamp=")
          answer = "list"
          const decryption = yield* buildFailure(yield* layerOn(transport, server.url))
          assert.strictEqual(decryption.error.reason, "Decryption")
          // Sanitised (`\n` escaped), then quoted.
          assert.include(decryption.error.message, "certificate \"7ABC\\\\ntimestamp=")
        }),
      { timeout: 15_000 }
    )
  })
}

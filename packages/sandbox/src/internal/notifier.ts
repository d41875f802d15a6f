/**
 * Notifications as WeChat sends them: the resource encrypted with AEAD_AES_256_GCM under the APIv3 key, the
 * envelope signed like an answer (`TIMESTAMP\nNONCE\nBODY\n`) by the key the key ring signs with, POSTed to the
 * merchant's URL and sent again on WeChat's cadence until a 2xx answer or the cadence runs out.
 *
 * The request carries WeChat's headers (`Wechatpay-Timestamp`, `-Nonce`, `-Serial`, `-Signature`,
 * `-Signature-Type`) and none of the sandbox's own: `HttpClient` would add `traceparent` and `b3` for the span of
 * each attempt, which WeChat never sends, so tracer propagation is off for these requests.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Certificates from "./certificates.js"
import * as crypto from "./crypto.js"
import type { KeyRing } from "./keyring.js"

/**
 * WeChat's documented retry intervals after a failed delivery: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h
 * (16 attempts over about 24 hours).
 *
 * @internal
 */
export const RETRY_DELAYS: ReadonlyArray<Duration.Duration> = [
  "15 seconds",
  "15 seconds",
  "30 seconds",
  "3 minutes",
  "10 minutes",
  "20 minutes",
  "30 minutes",
  "30 minutes",
  "30 minutes",
  "60 minutes",
  "3 hours",
  "3 hours",
  "3 hours",
  "6 hours",
  "6 hours"
].map((d) => Duration.decode(d as Duration.DurationInput))

/**
 * What to send (see `Simulator.NotifyOptions`).
 *
 * @internal
 */
export interface NotifyOptions {
  readonly url: string
  readonly resource: unknown
  readonly id?: string | undefined
  readonly eventType?: string | undefined
  readonly summary?: string | undefined
  readonly originalType?: string | undefined
  readonly maxAttempts?: number | undefined
}

/**
 * How a delivery went (see `Simulator.Delivery`).
 *
 * @internal
 */
export interface Delivery {
  readonly id: string
  readonly delivered: boolean
  readonly attempts: ReadonlyArray<{ readonly at: number; readonly status: number | undefined }>
}

/**
 * The envelope's text: the same bytes on every attempt, as WeChat re-sends one notification.
 *
 * @example
 * ```ts
 * envelope(keys, { url, resource: { out_trade_no: "1" } }, "EV-1", Date.now())
 * ```
 * @internal
 */
export const envelope = (apiV3Key: string, options: NotifyOptions, id: string, now: number): string => {
  const originalType = options.originalType ?? "transaction"
  return JSON.stringify({
    id,
    create_time: Certificates.chinaTime(now),
    resource_type: "encrypt-resource",
    event_type: options.eventType ?? "TRANSACTION.SUCCESS",
    summary: options.summary ?? "支付成功",
    resource: {
      original_type: originalType,
      ...Certificates.seal(JSON.stringify(options.resource), apiV3Key, originalType)
    }
  })
}

/**
 * The `Wechatpay-Signature-Type` WeChat sends with its notifications.
 *
 * @internal
 */
export const SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"

/**
 * Sends one notification until it is acknowledged or the cadence is spent; time comes from `Clock`.
 *
 * @example
 * ```ts
 * deliver(keys, { url: "http://127.0.0.1:3000/notify", resource: { out_trade_no: "1" } })
 * ```
 * @internal
 */
export const deliver = (keys: KeyRing, options: NotifyOptions): Effect.Effect<Delivery, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const apiV3Key = keys.apiV3Key
    if (apiV3Key === undefined) return yield* Effect.dieMessage("Simulator.notify: the simulator has no apiV3Key")
    const client = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
    const id = options.id ?? crypto.uuid()
    const body = envelope(apiV3Key, options, id, yield* Clock.currentTimeMillis)
    const maxAttempts = Math.min(options.maxAttempts ?? RETRY_DELAYS.length + 1, RETRY_DELAYS.length + 1)
    const attempts: Array<{ readonly at: number; readonly status: number | undefined }> = []
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) yield* Effect.sleep(RETRY_DELAYS[attempt - 1])
      const now = yield* Clock.currentTimeMillis
      // Signed afresh on each attempt: a retry hours later must still be within the receiver's 5-minute window.
      const signer = keys.signing()
      const timestamp = String(Math.floor(now / 1000))
      const nonce = crypto.alphanumeric(32)
      const request = HttpClientRequest.post(options.url).pipe(
        HttpClientRequest.setHeaders({
          "Wechatpay-Timestamp": timestamp,
          "Wechatpay-Nonce": nonce,
          "Wechatpay-Serial": signer.serial,
          "Wechatpay-Signature": crypto.sign(`${timestamp}\n${nonce}\n${body}\n`, signer.privateKey),
          "Wechatpay-Signature-Type": SIGNATURE_TYPE,
          "User-Agent": "Mozilla/4.0 (WeChat Pay sandbox notifier)"
        }),
        HttpClientRequest.bodyText(body, "application/json")
      )
      // Only the status counts, as with WeChat. The body is drained chunk by chunk, never buffered, so an endpoint
      // cannot make the sandbox hold an answer of any size (the 5-second bound covers the drain too).
      const status = yield* client.execute(request).pipe(
        Effect.flatMap((response) => Effect.as(Effect.ignore(Stream.runDrain(response.stream)), response.status)),
        Effect.timeout("5 seconds"),
        Effect.scoped,
        Effect.orElseSucceed(() => undefined)
      )
      attempts.push({ at: now, status })
      if (status !== undefined && status >= 200 && status < 300) return { id, delivered: true, attempts }
    }
    return { id, delivered: false, attempts }
  })

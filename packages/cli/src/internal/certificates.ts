/**
 * `wechatpay certificates download`: the platform certificates, downloaded, decrypted with the APIv3 key and
 * verified (each answer's signature by a certificate of the list itself, as WeChat's own SDKs do). Needs only the
 * merchant's id, serial, private key and APIv3 key: a merchant in certificate mode has no public key.
 *
 * @internal
 */
import { PlatformCertificates, Signer, WeChatPay, WeChatPayClient } from "@effect-wechatpay/core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Connection from "./connection.js"
import { InputError } from "./input.js"
import * as Output from "./output.js"

/** The parsed flags of `certificates download`. */
export interface Parsed extends Connection.Connection {
  readonly output: Option.Option<string>
}

/** Downloads, writes `<serial>.pem` files (mode 0644: certificates are public) and prints what it wrote. */
export const run = (parsed: Parsed) =>
  Effect.gen(function*() {
    const variables = yield* Connection.variables(parsed)
    const config = yield* Effect.withConfigProvider(WeChatPay.config, ConfigProvider.fromMap(variables))
    if (Option.isNone(config.apiV3Key)) {
      return yield* new InputError({
        message: "certificates download needs the APIv3 key: set WECHATPAY_API_V3_KEY or WECHATPAY_API_V3_KEY_FILE"
      })
    }
    const signer = Signer.layer({
      mchid: config.mchid,
      serialNo: config.merchantSerialNo,
      privateKey: config.merchantPrivateKey.pem
    })
    const certificates = yield* PlatformCertificates.download({
      baseUrl: Option.getOrElse(config.baseUrl, () => WeChatPayClient.DEFAULT_BASE_URL),
      apiV3Key: Redacted.make(Redacted.value(config.apiV3Key.value.pem).trim())
    }).pipe(Effect.provide(Layer.merge(signer, FetchHttpClient.layer)))
    const written: Array<Record<string, string>> = []
    for (const certificate of certificates) {
      const entry: Record<string, string> = {
        serial_no: certificate.serialNo,
        effective_time: new Date(certificate.validFrom).toISOString(),
        expire_time: new Date(certificate.validTo).toISOString()
      }
      if (Option.isSome(parsed.output)) {
        const file = Path.join(parsed.output.value, `${certificate.serialNo}.pem`)
        yield* Effect.try({
          try: () => Fs.writeFileSync(file, certificate.pem.endsWith("\n") ? certificate.pem : `${certificate.pem}\n`),
          catch: (cause) =>
            new InputError({
              message: `--output: cannot write ${file} (${(cause as NodeJS.ErrnoException).code ?? "unwritable"})`
            })
        })
        entry.file = file
      }
      written.push(entry)
    }
    yield* Output.print(written)
  })

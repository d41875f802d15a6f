/**
 * An independent WeChat Pay for the key ring's tests: X.509 certificates from `@peculiar/x509`, AES-GCM and RSA
 * from wechatpay-axios-plugin, so nothing here shares code with the SDK under test.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import * as x509 from "@peculiar/x509"
import { Clock, Effect } from "effect"
import * as Crypto from "node:crypto"
import { Aes, Formatter, Rsa } from "wechatpay-axios-plugin"

export interface TestCertificate {
  readonly serialNo: string
  readonly pem: string
  readonly privateKey: string
  readonly validFrom: number
  readonly validTo: number
}

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }

/** A certificate for `privateKey` with a random 40-hex serial (first digit 1–7, so DER keeps all 20 bytes). */
export const certificate = (privateKey: string, validFrom: number, validTo: number) =>
  Effect.promise(async (): Promise<TestCertificate> => {
    const key = Crypto.createPrivateKey(privateKey)
    const subtle = Crypto.webcrypto.subtle
    const keys = {
      privateKey: await subtle.importKey("pkcs8", key.export({ type: "pkcs8", format: "der" }), ALGORITHM, true, [
        "sign"
      ]),
      publicKey: await subtle.importKey(
        "spki",
        Crypto.createPublicKey(key).export({ type: "spki", format: "der" }),
        ALGORITHM,
        true,
        ["verify"]
      )
    } as CryptoKeyPair
    const serialNo = `${1 + Crypto.randomInt(7)}${Crypto.randomBytes(20).toString("hex").slice(1)}`.toUpperCase()
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNo,
      name: "CN=Tenpay.com Test",
      notBefore: new Date(validFrom),
      notAfter: new Date(validTo),
      signingAlgorithm: ALGORITHM,
      keys
    }, Crypto.webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1])
    return { serialNo, pem: cert.toString("pem"), privateKey, validFrom, validTo }
  })

/** Signs an answer as WeChat does; `serial` is sent as given (any case). */
export const signed = (body: string, key: string, serial: string, nowSeconds: number) => {
  const nonce = Formatter.nonce()
  const timestamp = String(nowSeconds)
  return {
    "wechatpay-timestamp": timestamp,
    "wechatpay-nonce": nonce,
    "wechatpay-serial": serial,
    "wechatpay-signature": Rsa.sign(Formatter.response(timestamp, nonce, body), Rsa.from(key, "private"))
  }
}

/** The `GET /v3/certificates` body, encrypted with axios-plugin's AesGcm. */
export const certificateList = (certificates: ReadonlyArray<TestCertificate>, apiV3Key: string) =>
  JSON.stringify({
    data: certificates.map((c) => {
      const nonce = Formatter.nonce(12)
      return {
        serial_no: c.serialNo,
        effective_time: new Date(c.validFrom).toISOString(),
        expire_time: new Date(c.validTo).toISOString(),
        encrypt_certificate: {
          algorithm: "AEAD_AES_256_GCM",
          nonce,
          associated_data: "certificate",
          ciphertext: Aes.AesGcm.encrypt(c.pem, apiV3Key, nonce, "certificate")
        }
      }
    })
  })

/** What the fake server answers and counts; mutate `listed`, `signWith`, `status` between calls. */
export interface FakeWeChat {
  listed: Array<TestCertificate>
  signWith: { readonly key: string; readonly serial: string } | undefined
  status: number
  downloads: number
  apiV3Key: string
  readonly authorizations: Array<string>
}

export const fakeClient = (state: FakeWeChat) =>
  HttpClient.make((request) =>
    Effect.map(Clock.currentTimeMillis, (millis) => {
      const nowSeconds = Math.floor(millis / 1000)
      if (new URL(request.url).pathname !== "/v3/certificates") {
        return HttpClientResponse.fromWeb(request, new Response("{}", { status: 404 }))
      }
      state.downloads++
      state.authorizations.push(String(request.headers["authorization"]))
      if (state.status === 404) {
        const body = JSON.stringify({ code: "NOT_FOUND", message: "无可用的平台证书" })
        return HttpClientResponse.fromWeb(request, new Response(body, { status: 404 }))
      }
      const body = certificateList(state.listed, state.apiV3Key)
      const signer = state.signWith ?? { key: state.listed[0]!.privateKey, serial: state.listed[0]!.serialNo }
      return HttpClientResponse.fromWeb(
        request,
        new Response(body, {
          status: state.status,
          headers: { "content-type": "application/json", ...signed(body, signer.key, signer.serial, nowSeconds) }
        })
      )
    })
  )

import { Aes, Formatter, Rsa } from "wechatpay-axios-plugin"

export const API_V3_KEY = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
export const SERIAL = "PUB_KEY_ID_0100000000000001"
// Personal data of the resource: it must never show in an error, a log or a span.
export const OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"

export const resource = {
  out_trade_no: "1217752501201407033233368018",
  trade_state: "SUCCESS",
  payer: { openid: OPENID }
}

/** A notification built with wechatpay-axios-plugin's primitives, as WeChat would send it. */
export const build = (options: {
  readonly key: string
  readonly timestamp: number
  readonly plaintext?: unknown
  readonly apiV3Key?: string
  readonly serial?: string
  readonly id?: string
}) => {
  const nonce = Formatter.nonce(12)
  const body = JSON.stringify({
    id: options.id ?? "EV-2018022511223320873",
    create_time: "2015-05-20T13:29:35+08:00",
    resource_type: "encrypt-resource",
    event_type: "TRANSACTION.SUCCESS",
    summary: "支付成功",
    resource: {
      original_type: "transaction",
      algorithm: "AEAD_AES_256_GCM",
      ciphertext: Aes.AesGcm.encrypt(
        JSON.stringify(options.plaintext ?? { ...resource, amount: { total: 100 } }),
        options.apiV3Key ?? API_V3_KEY,
        nonce,
        "transaction"
      ),
      associated_data: "transaction",
      nonce
    }
  })
  const timestamp = String(options.timestamp)
  const headerNonce = Formatter.nonce()
  return {
    body,
    headers: {
      "Wechatpay-Timestamp": timestamp,
      "Wechatpay-Nonce": headerNonce,
      "Wechatpay-Serial": options.serial ?? SERIAL,
      "Wechatpay-Signature": Rsa.sign(
        Formatter.response(timestamp, headerNonce, body),
        Rsa.from(options.key, "private")
      )
    } as Record<string, string>
  }
}

/**
 * Contender: wechatpay-axios-plugin 0.9.6, configured as its README shows for public-key mode, with a
 * keep-alive agent. It signs synchronously in a request interceptor and verifies in `transformResponse`.
 */
import * as Http from "node:http"
import { Rsa, Wechatpay } from "wechatpay-axios-plugin"
import { ID_CARD_NUMBER, type MakeContender, plainFields, USER_NAME } from "../shared.js"

/**
 * @example
 * ```ts
 * const contender = await make({ keys, baseUrl: "http://127.0.0.1:8080" })
 * ```
 */
export const make: MakeContender = async ({ baseUrl, keys }) => {
  const httpAgent = new Http.Agent({ keepAlive: true })
  const platformKey = Rsa.from(keys.platformPublicKey, Rsa.KEY_TYPE_PUBLIC)
  const wxpay = new Wechatpay({
    mchid: keys.mchid,
    serial: keys.merchantSerialNo,
    privateKey: keys.merchantPrivateKey,
    certs: { [keys.platformPublicKeyId]: keys.platformPublicKey },
    baseURL: `${baseUrl}/`,
    httpAgent
  })
  const endpoint = wxpay.v3.payrollCard.authentications.preOrderWithAuth
  return {
    call: async (n) => {
      const response = await endpoint.post({
        ...plainFields(n),
        user_name: Rsa.encrypt(USER_NAME, platformKey),
        id_card_number: Rsa.encrypt(ID_CARD_NUMBER, platformKey)
      }, { headers: { "Wechatpay-Serial": keys.platformPublicKeyId } })
      return response.data as unknown as { readonly token: string }
    },
    close: async () => httpAgent.destroy()
  }
}

/**
 * 生成授权token: `POST /v3/payroll-card/tokens` — a token for the worker to open the payroll card and authorise
 * the sub-merchant in WeChat's mini program.
 *
 * Source: wechatpay-go `services/payrollcard/models.go` (`CreateTokenRequest`, `TokenEntity`), `api_tokens.go`
 * (`CreateToken`: encrypted fields, so `Wechatpay-Serial`) and wechatpay-java
 * `service/payrollcard/model/CreateTokenRequest.java`, `TokenEntity.java`. Neither documents a length limit.
 *
 * @since 0.1.0
 */
import { Endpoint, Sensitive } from "@effect-wechatpay/core"
import * as Schema from "effect/Schema"
import { atLeastOneAppId, Required } from "./internal/schema.js"
import { EmploymentType } from "./PreOrderWithAuth.js"

/**
 * The request (wechatpay-go `CreateTokenRequest`). `user_name` and `id_card_number` are `Redacted<string>` here and
 * RSA-OAEP ciphertext on the wire (`encryption:"EM_APIV3"` in Go, `@Encryption` in Java). At least one of `appid`
 * and `sub_appid` is required ("服务商AppID和与特约商户AppID至少输入一个"). `employment_type` is optional
 * (`omitempty` in Go, not required in its marshaller).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * const request: CreateToken.CreateTokenRequest = {
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   sub_mchid: "1111111",
 *   sub_appid: "wxa1111111",
 *   user_name: Redacted.make("张三"),
 *   id_card_number: Redacted.make("110101199003072316"),
 *   employment_type: "LONG_TERM_EMPLOYMENT"
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateTokenRequest = Schema.Struct({
  /** The worker's openid under `appid` or `sub_appid`. */
  openid: Required,
  /** The service provider's AppID. */
  appid: Schema.optional(Required),
  /** The sub-merchant (employer) id. */
  sub_mchid: Required,
  /** The sub-merchant's AppID. */
  sub_appid: Schema.optional(Required),
  /** The worker's real name: encrypted on the wire. */
  user_name: Sensitive.EncryptedString,
  /** The worker's ID card number: encrypted on the wire. */
  id_card_number: Sensitive.EncryptedString,
  employment_type: Schema.optional(EmploymentType)
}).pipe(
  Schema.filter(atLeastOneAppId)
).annotations({ identifier: "CreateTokenRequest" })

/**
 * A token request, as the program holds it (sensitive fields `Redacted`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * // Effect<encoded body, ParseError, Encryptor>: encoding encrypts `user_name` and `id_card_number`
 * const toWire = (request: CreateToken.CreateTokenRequest) => Schema.encode(CreateToken.CreateTokenRequest)(request)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CreateTokenRequest = typeof CreateTokenRequest.Type

/**
 * The answer (wechatpay-go `TokenEntity`): the token, valid for `expires_in` seconds. `token` and `expires_in` are
 * what the program uses and `openid`, `sub_mchid` echo the request: all required. `mchid` only informs (it is
 * the caller's own merchant id) and may be absent; extra fields are ignored.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * const entity = Schema.decodeUnknownSync(CreateToken.TokenEntity)({
 *   openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
 *   mchid: "1900000001",
 *   sub_mchid: "1111111",
 *   token: "abcdefghijklmn",
 *   expires_in: 1800
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TokenEntity = Schema.Struct({
  /** The worker's openid. */
  openid: Schema.String,
  /** The service provider's merchant id. */
  mchid: Schema.optional(Schema.String),
  /** The sub-merchant (employer) id. */
  sub_mchid: Schema.String,
  token: Schema.String,
  /** Seconds the token stays valid. */
  expires_in: Schema.Int.pipe(Schema.nonNegative())
}).annotations({ identifier: "TokenEntity" })

/**
 * A decoded token.
 *
 * @example
 * ```ts
 * import type { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * const expiresAt = (entity: CreateToken.TokenEntity, issuedAtMillis: number) =>
 *   new Date(issuedAtMillis + entity.expires_in * 1000)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TokenEntity = typeof TokenEntity.Type

/**
 * The answer schema, under the name the other modules use.
 *
 * @example
 * ```ts
 * import { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * const same = CreateToken.CreateTokenResponse === CreateToken.TokenEntity // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateTokenResponse = TokenEntity

/**
 * A decoded token answer.
 *
 * @example
 * ```ts
 * import type { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * const token = (response: CreateToken.CreateTokenResponse) => response.token
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CreateTokenResponse = TokenEntity

/**
 * The call, declared: method, route, query, schemas, span name, the request fields safe on its span and the answer
 * fields that echo the request. `PayrollCard.createToken` is derived from it.
 *
 * @example
 * ```ts
 * import { CreateToken } from "@effect-wechatpay/payroll-card"
 *
 * CreateToken.endpoint.path // "/v3/payroll-card/tokens"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoint = Endpoint.make({
  name: "PayrollCard.createToken",
  method: "POST",
  path: "/v3/payroll-card/tokens",
  request: CreateTokenRequest,
  response: TokenEntity,
  annotate: ["sub_mchid"],
  // The answer's fields that must equal the request's.
  echo: ["openid", "sub_mchid"]
})

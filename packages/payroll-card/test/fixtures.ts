import type { PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
import { Redacted } from "effect"

/** Plaintexts that must never appear in a log, span, error or snapshot. */
export const USER_NAME = "张秘密"
export const ID_CARD_NUMBER = "11010119900307002X"

let sequence = 0

/** A valid request with a fresh authenticate_number. */
export const makeRequest = (
  overrides: Partial<PreOrderWithAuth.PreOrderWithAuthRequest> = {}
): PreOrderWithAuth.PreOrderWithAuthRequest => ({
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  sub_mchid: "1900000109",
  sub_appid: "wxa1111111111111",
  authenticate_number: `test${Date.now()}n${sequence++}`,
  project_name: "城市配送",
  employer_name: "某某物流有限公司",
  user_name: Redacted.make(USER_NAME),
  id_card_number: Redacted.make(ID_CARD_NUMBER),
  employment_type: "LONG_TERM_EMPLOYMENT",
  authenticate_type: "SIGN_IN",
  ...overrides
})

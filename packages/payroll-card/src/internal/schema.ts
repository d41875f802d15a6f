/**
 * Schema pieces the endpoint modules share.
 *
 * @internal
 */
import type { Brand } from "effect"
import * as Schema from "effect/Schema"

/**
 * A required string. No length limit: the sources (wechatpay-go `services/payrollcard/models.go`, the
 * wechatpay-java payroll-card models) document none for these fields, so WeChat's own `PARAM_ERROR` decides.
 * Only the empty string is refused, because a required field sent empty is a required field left out.
 *
 * @internal
 */
export const Required = Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" }))

/**
 * WeChat needs an AppID to resolve the `openid` against: at least one of `appid` and `sub_appid`
 * (wechatpay-go models.go, the `Appid`/`SubAppid` comments of every payroll-card request that has them:
 * "服务商AppID和与特约商户AppID至少输入一个").
 *
 * @internal
 */
export const atLeastOneAppId = <
  A extends { readonly appid?: string | undefined; readonly sub_appid?: string | undefined }
>(
  request: A
) =>
  request.appid !== undefined || request.sub_appid !== undefined
    ? undefined
    : { path: ["sub_appid"], message: "at least one of appid and sub_appid is required" }

/**
 * The brand of an enum value in an answer that this SDK does not know yet.
 *
 * @internal
 */
export const UnrecognizedBrand = "@effect-wechatpay/payroll-card/Unrecognized"

/**
 * A value of an answer's enum that this SDK does not know yet: a plain string at run time, a distinct type at
 * compile time, so it never passes for one of the known values and an exhaustive `switch` must handle it.
 *
 * @internal
 */
export type Unrecognized = string & Brand.Brand<typeof UnrecognizedBrand>

/**
 * An enum of an answer, open to values WeChat adds later. Decoding keeps a known value as its literal and any
 * other string as an `Unrecognized` one; `isKnown` narrows back to the known literals and `known` lists them.
 *
 * Why a branded string rather than a `{ _tag: "Unknown", value }` wrapper or a separate `raw` field: the answer
 * keeps WeChat's shape (the field is still the string WeChat sent, so logs, JSON and re-encoding are unchanged),
 * comparisons with a known literal (`state === "AUTHENTICATE_SUCCESS"`) still compile, and the brand makes the
 * unknown case a member of the union the compiler sees, unlike `string & {}`, which an exhaustive `switch`
 * would let slip through silently.
 *
 * @internal
 */
export const openLiteral = <const Known extends readonly [string, ...Array<string>]>(
  identifier: string,
  known: Known
) => {
  const Known = Schema.Literal(...known)
  const isKnown = Schema.is(Known)
  const Other = Schema.String.pipe(
    // Known values must decode as their literal, never as an Unrecognized one.
    Schema.filter((value) => !isKnown(value) || "a known value is not Unrecognized"),
    Schema.brand(UnrecognizedBrand)
  )
  return Object.assign(Schema.Union(Known, Other).annotations({ identifier }), { known, isKnown })
}

/**
 * Schema pieces the endpoint modules share.
 *
 * @internal
 */
import { Schema } from "effect"

/**
 * A required string of at most `max` UTF-8 bytes. WeChat documents limits as `string[1,N]`; counting
 * bytes is the stricter reading (a Chinese character is 3), so a request this codec accepts is never
 * refused for its length.
 *
 * @internal
 */
export const text = (max: number) =>
  Schema.String.pipe(
    Schema.minLength(1),
    Schema.filter((s) => Buffer.byteLength(s, "utf8") <= max || `must be at most ${max} bytes of UTF-8`, {
      jsonSchema: { maxLength: max }
    })
  )

/**
 * WeChat needs an AppID to resolve the `openid` against: at least one of `appid` and `sub_appid`.
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

/** Checks of the client's options, each failing with an `InvalidOptionError` that names the option. */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Options } from "../../WeChatPayClient.js"
import { InvalidOptionError } from "../../WeChatPayError.js"

/** An absolute http(s) URL without query, fragment or credentials; returned without trailing slashes. */
export const baseUrl = (option: string, value: string): Effect.Effect<string, InvalidOptionError> => {
  const fail = (description: string) => Effect.fail(new InvalidOptionError({ option, description }))
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return fail("not an absolute URL")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return fail("must be an http or https URL")
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    return fail("must have no query, fragment or credentials")
  }
  return Effect.succeed(value.replace(/\/+$/, ""))
}

/** Undefined, or a positive (integer) number. */
export const positive = (option: string, value: number | undefined, integer: boolean) =>
  value === undefined || (value > 0 && Number.isFinite(value) && (!integer || Number.isInteger(value)))
    ? Effect.void
    : Effect.fail(
      new InvalidOptionError({ option, description: `must be a positive ${integer ? "integer" : "number"}` })
    )

/** A positive, finite duration, or `fallback` when absent. */
export const duration = (option: string, input: Duration.DurationInput | undefined, fallback: Duration.Duration) =>
  Effect.flatMap(
    Effect.try(() => (input === undefined ? fallback : Duration.decode(input))).pipe(Effect.option),
    (d) =>
      Option.isSome(d) && Duration.greaterThan(d.value, Duration.zero) && Duration.isFinite(d.value)
        ? Effect.succeed(d.value)
        : Effect.fail(new InvalidOptionError({ option, description: "must be a positive, finite duration" }))
  )

/** The client's options, checked, with their defaults filled in. */
export const resolve = (
  options: Options,
  defaults: { readonly baseUrl: string; readonly backupBaseUrl: string; readonly maxBodySize: number }
) =>
  Effect.gen(function*() {
    const base = yield* baseUrl("baseUrl", options.baseUrl ?? defaults.baseUrl)
    // The backup host goes with the default host only: behind another base URL it is the user's to name.
    const backupUrl = options.backupBaseUrl === false
      ? undefined
      : options.backupBaseUrl !== undefined
      ? yield* baseUrl("backupBaseUrl", options.backupBaseUrl)
      : base === defaults.baseUrl
      ? defaults.backupBaseUrl
      : undefined
    const timeout = yield* duration("timeout", options.timeout, Duration.seconds(10))
    const deadline = yield* duration("deadline", options.deadline, Duration.seconds(30))
    const retry = options.retry === false ? undefined : options.retry ?? {}
    yield* positive("retry.attempts", retry?.attempts, true)
    yield* positive("rateLimit.maxInFlight", options.rateLimit?.maxInFlight, true)
    yield* positive("rateLimit.perSecond", options.rateLimit?.perSecond, false)
    yield* positive("maxBodySize", options.maxBodySize, true)
    const backoff = retry === undefined ? undefined : yield* duration("retry.base", retry.base, Duration.millis(200))
    return {
      baseUrl: base,
      backupUrl,
      timeout,
      deadline,
      retry,
      backoff,
      maxBodySize: options.maxBodySize ?? defaults.maxBodySize
    }
  })

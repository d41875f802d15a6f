/** Checks of the client's options, each failing with an `InvalidOptionError` that names the option. */
import { Duration, Effect, Option } from "effect"
import { InvalidOptionError } from "./failures.js"

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

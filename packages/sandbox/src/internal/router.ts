/**
 * Route matching: a route is a method and a path pattern whose `{name}` segments capture one non-empty,
 * still-percent-encoded path segment each.
 *
 * When several patterns match a path, the one with the most literal segments wins, so
 * `/v3/payroll-card/authentications/pre-order-with-auth` is never read as an `{authenticate_number}`. A path whose
 * best patterns have other methods is a 405 naming them in `Allow`; a path no pattern matches is a 404.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Problem from "./problem.js"

/**
 * A route: method, pattern and what serves it.
 *
 * @internal
 */
export interface Route<H> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** e.g. `/v3/payroll-card/relations/{openid}` */
  readonly path: string
  readonly handle: H
}

/**
 * A matched route with its captured path parameters (still percent-encoded: each route decodes and checks its
 * own, so a malformed escape is reported with the field's name).
 *
 * @internal
 */
export interface Match<H> {
  readonly route: Route<H>
  readonly params: Readonly<Record<string, string>>
}

interface Compiled<H> {
  readonly route: Route<H> | undefined
  readonly pattern: string
  readonly segments: ReadonlyArray<{ readonly literal: string } | { readonly param: string }>
  readonly literals: number
}

const compile = <H>(pattern: string, route: Route<H> | undefined): Compiled<H> => {
  const segments = pattern.split("/").map((segment) => {
    const param = /^\{([A-Za-z_]+)\}$/.exec(segment)
    return param === null ? { literal: segment } : { param: param[1] }
  })
  return { route, pattern, segments, literals: segments.filter((segment) => "literal" in segment).length }
}

const capture = <H>(compiled: Compiled<H>, parts: ReadonlyArray<string>): Record<string, string> | undefined => {
  if (parts.length !== compiled.segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const segment = compiled.segments[i]
    if ("literal" in segment) {
      if (segment.literal !== parts[i]) return undefined
    } else {
      if (parts[i] === "") return undefined
      params[segment.param] = parts[i]
    }
  }
  return params
}

/**
 * A compiled route table. `unserved` lists paths of WeChat's that the simulator does not serve: they answer 404
 * rather than being captured by a sibling's `{param}` (remove one from the list when its route is added).
 *
 * @example
 * ```ts
 * const router = make([{ method: "GET", path: "/v3/things/{id}", handle }], [])
 * router.find("GET", "/v3/things/42")
 * ```
 * @internal
 */
export const make = <H>(routes: ReadonlyArray<Route<H>>, unserved: ReadonlyArray<string>) => {
  const table = [
    ...routes.map((route) => compile(route.path, route)),
    ...unserved.map((path) => compile<H>(path, undefined))
  ]
  return {
    find: (method: string, path: string): Either.Either<Match<H>, Problem.Problem> => {
      const parts = path.split("/")
      const matches = table.flatMap((compiled) => {
        const params = capture(compiled, parts)
        return params === undefined ? [] : [{ compiled, params }]
      })
      const best = Math.max(-1, ...matches.map((match) => match.compiled.literals))
      const candidates = matches.filter((match) => match.compiled.literals === best)
      const served = candidates.filter((match) => match.compiled.route !== undefined)
      if (served.length === 0) return Either.left(Problem.notFound(method, path))
      const found = served.find((match) => match.compiled.route!.method === method)
      if (found === undefined) {
        const allow = [...new Set(served.map((match) => match.compiled.route!.method))].join(", ")
        return Either.left(Problem.methodNotAllowed(method, path, allow))
      }
      return Either.right({ route: found.compiled.route!, params: found.params })
    }
  }
}

/**
 * The paths into a schema's encoded side of the nodes a predicate picks: through filters and transformations (their
 * `from`), every member of a union, every property of a struct, every element of a tuple or array (marked by `any`).
 * Shared by the request validation (which fields its messages must not quote) and `Sensitive.paths` (which fields a
 * tool must keep out of plain sight), so the two walk a schema the same way.
 *
 * @internal
 */
import type * as SchemaAST from "effect/SchemaAST"

/** The paths under `ast` of the nodes `isLeaf` picks (not walked into); `any` stands for every element of a list. */
export const pathsWhere = <Any>(
  ast: SchemaAST.AST,
  isLeaf: (node: SchemaAST.AST) => boolean,
  any: Any
): Array<Array<string | Any>> => {
  const out: Array<Array<string | Any>> = []
  const walk = (node: SchemaAST.AST, path: Array<string | Any>, depth: number): void => {
    // Bounded: a schema is finite, but a recursive one (`Suspend`) is not walked into at all.
    if (depth > 32) return
    if (isLeaf(node)) {
      out.push(path)
      return
    }
    switch (node._tag) {
      case "Refinement":
      case "Transformation":
        return walk(node.from, path, depth + 1)
      case "Union":
        return node.types.forEach((t) => walk(t, path, depth + 1))
      case "TypeLiteral":
        for (const p of node.propertySignatures) {
          if (typeof p.name === "string") walk(p.type, [...path, p.name], depth + 1)
        }
        return
      case "TupleType":
        node.elements.forEach((e) => walk(e.type, [...path, any], depth + 1))
        node.rest.forEach((r) => walk(r.type, [...path, any], depth + 1))
        return
    }
  }
  walk(ast, [], 0)
  return out
}

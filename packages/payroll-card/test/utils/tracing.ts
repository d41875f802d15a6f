import { Effect, Tracer } from "effect"

/** A tracer that delegates to `base` and hands each span it opens to `onSpan` first (to record what spans carry). */
export const tapSpans = (base: Tracer.Tracer, onSpan: (span: Tracer.Span) => void): Tracer.Tracer =>
  Tracer.make({
    span: (...args) => {
      const span = base.span(...args)
      onSpan(span)
      return span
    },
    context: base.context
  })

/**
 * Over the current tracer, one that also records every span's name and every attribute set on it as
 * `key=value` lines, to check that no span carries an identifier it must not.
 */
export const recordAttributes = Effect.map(Effect.tracer, (base) => {
  const attributes: Array<string> = []
  const tracer = tapSpans(base, (span) => {
    attributes.push(`name=${span.name}`)
    const attribute = span.attribute.bind(span)
    span.attribute = (key, value) => {
      attributes.push(`${key}=${String(value)}`)
      attribute(key, value)
    }
  })
  return { attributes, tracer }
})

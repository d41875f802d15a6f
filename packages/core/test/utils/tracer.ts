import { Cause, Tracer } from "effect"

/** A tracer that keeps every span's name, attributes and events as text, to check that no secret reaches a span. */
export const recording = () => {
  const lines: Array<string> = []
  let id = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const spanId = String(++id)
      lines.push(`span ${name}`)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end: (_endTime, exit) => {
          // What exporters record (as @effect/opentelemetry does): the status, and a failure's cause in full.
          lines.push(
            `end ${name} ${exit._tag === "Success" ? "ok" : `${Cause.pretty(exit.cause)} ${JSON.stringify(exit)}`}`
          )
        },
        attribute: (key, value) => {
          attributes.set(key, value)
          lines.push(`attribute ${name} ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        },
        event: (event, _startTime, eventAttributes) => {
          lines.push(`event ${name} ${event} ${JSON.stringify(eventAttributes ?? {})}`)
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { tracer, lines }
}

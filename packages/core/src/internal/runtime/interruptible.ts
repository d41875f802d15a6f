/**
 * An async iterable over a node stream that can be let go of while a read is pending.
 *
 * `Stream.fromAsyncIterable` ends by awaiting the iterator's `return()`; an async generator (node's own Readable
 * iterator is one) queues `return()` behind the `next()` in progress, so a stream interrupted while waiting for
 * bytes that never come (a stalled body, an idle timeout) would wait forever. Here `return()` destroys the source
 * first, which settles the pending read, so letting go is immediate and closes the connection.
 */

/** `iterator`, whose `return()` destroys `source` before anything else. */
export const iterable = <A>(
  source: { destroy(): unknown },
  iterator: AsyncIterator<A>
): AsyncIterable<A> => ({
  [Symbol.asyncIterator]: () => ({
    next: () => iterator.next(),
    return: (value?: unknown) => {
      source.destroy()
      return iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined as A })
    }
  })
})

/**
 * The scheduler a declared call's fiber resumes on, unless the program chose one of its own.
 *
 * Effect's default scheduler (3.22) keeps a runner per fiber in a `WeakMap`, and every call's fiber gets an entry:
 * under `node --trace-gc`, a loop of `Effect.runPromise` over one async effect promotes about 1 MB to the old
 * generation per scavenge, and the collector's work showed as the SDK's remaining gap to the axios plugin at
 * concurrency 1 (`npm run bench`: 4 % more calls/s, 0.05 ms less CPU per call with this scheduler). This one
 * batches tasks the same way (in priority order, on the microtask queue, giving the macrotask queue a turn
 * every 2,048 batches) with one queue for every fiber, as Effect's scheduler did before.
 */
import { Scheduler } from "effect"

/** Batches in a row on the microtask queue before one goes through `setTimeout`, as Effect's default. */
const MAX_MICROTASK_BATCHES = 2048

let queue = new Scheduler.PriorityBuckets()
let running = false
let batches = 0

const drain = (): void => {
  const buckets = queue.buckets
  queue = new Scheduler.PriorityBuckets()
  for (const [, tasks] of buckets) {
    for (let i = 0; i < tasks.length; i++) tasks[i]!()
  }
  if (queue.buckets.length === 0) {
    running = false
    batches = 0
  } else if (++batches >= MAX_MICROTASK_BATCHES) {
    batches = 0
    setTimeout(drain, 0)
  } else {
    queueMicrotask(drain)
  }
}

/**
 * One queue for every fiber; yields as the default scheduler does.
 *
 * @internal
 */
export const shared: Scheduler.Scheduler = Scheduler.make((task, priority) => {
  queue.scheduleTask(task, priority)
  if (!running) {
    running = true
    queueMicrotask(drain)
  }
})

/**
 * Whether a fiber runs on Effect's default scheduler: only then does a call move it to {@link shared}.
 *
 * @internal
 */
export const isDefault = (scheduler: Scheduler.Scheduler): boolean => scheduler === Scheduler.defaultScheduler

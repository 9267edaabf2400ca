/**
 * Queues that run async tasks one at a time, in arrival order (p-limit with a concurrency of 1).
 * A failing task does not stop its queue: its caller gets the error, the next task still runs.
 */
import pLimit from 'p-limit';

/** A task queue: `queue(fn)` resolves or rejects as `fn` does, once every task queued before it has settled. */
export type SerialQueue = <T>(fn: () => Promise<T>) => Promise<T>;

/** One queue: tasks given to it run one at a time, in the order they were given. */
export function serialQueue(): SerialQueue {
  const limit = pLimit(1);
  return (fn) => limit(fn);
}

/**
 * One serialQueue per key (a repository root, a file path): tasks with the same key run one at a
 * time in arrival order; tasks with different keys do not wait for each other. Keys are compared
 * as given: callers pass a normalised path.
 */
export function keyedSerialQueue(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const queues = new Map<string, SerialQueue>();
  return (key, fn) => {
    let queue = queues.get(key);
    if (!queue) {
      queue = serialQueue();
      queues.set(key, queue);
    }
    return queue(fn);
  };
}

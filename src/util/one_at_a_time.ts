/**
 * Runs async tasks one at a time, in the order they were queued: for work that shares one GPU
 * device's scratch buffers (a probe, an in-process training run) while other work overlaps it.
 *
 * @module
 */

/** A queue of async tasks run one after another; a failed task does not stop the queue. */
export class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; settles as `task` does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => {});
    return result;
  }
}

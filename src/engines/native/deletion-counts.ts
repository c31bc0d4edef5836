/**
 * A native job's deletion counts, shared by the main thread and the copy threads (a copy thread
 * removes the extra files of a directory it puts right: fix-dir.ts), so `maxDeletes` holds
 * however many of them delete at once. An Int32Array over a SharedArrayBuffer: [used, held].
 * Kept free of imports: copy threads load it.
 */
export const DELETES_USED = 0;
export const DELETES_HELD = 1;

/** No limit, as a copy thread is told it (a task crosses threads by structured clone). */
export const NO_DELETE_LIMIT = -1;

/** The largest count an Int32 slot holds; a larger maxDeletes is no limit in practice. */
const MAX_COUNT = 0x7fffffff;

export function newDeletionCounts(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/** The limit as a copy thread takes it: a count, or NO_DELETE_LIMIT. */
export function limitForThreads(maxDeletes: number | undefined): number {
  return maxDeletes === undefined ? NO_DELETE_LIMIT : Math.min(maxDeletes, MAX_COUNT);
}

/**
 * Reserves `entries` deletions: true when the limit allows them (counted as used), false when
 * it does not (counted as held: the job then ends Error). Atomic, so two threads never both take
 * the last of the budget.
 */
export function reserveDeletions(counts: Int32Array, limit: number, entries: number): boolean {
  for (;;) {
    const used = Atomics.load(counts, DELETES_USED);
    if (limit !== NO_DELETE_LIMIT && used + entries > limit) {
      Atomics.add(counts, DELETES_HELD, entries);
      return false;
    }
    if (Atomics.compareExchange(counts, DELETES_USED, used, used + entries) === used) return true;
  }
}

/** Gives back a reservation that was not used (the entry turned out to be something else). */
export function releaseDeletions(counts: Int32Array, entries: number): void {
  Atomics.sub(counts, DELETES_USED, entries);
}

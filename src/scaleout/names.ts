/**
 * Redis names of one worker pool. One pool = the hosts that see the same source and destination
 * and take chunks from one queue; one coordinator (one run) at a time holds the pool's lease, so
 * the queue's waiting jobs are always that run's. Keys carry BullMQ's prefix so that one
 * `--prefix` separates pools on a shared Redis.
 */
export const DEFAULT_PREFIX = 'robocurse';
export const QUEUE_NAME = 'copy';

export interface PoolKeys {
  prefix: string;
  /** The coordinator lease (SET NX PX): the profile lock across hosts. */
  lease: string;
  /** Per attempt: a hash of desired control (cancel, suspend, bandwidth), level-triggered. */
  control(attemptId: string): string;
  /** Per worker: its heartbeat hash (expires when the worker stops refreshing it). */
  worker(workerId: string): string;
  workerPattern: string;
}

export function poolKeys(prefix = DEFAULT_PREFIX): PoolKeys {
  return {
    prefix,
    lease: `${prefix}:coordinator`,
    control: (attemptId) => `${prefix}:ctl:${attemptId}`,
    worker: (workerId) => `${prefix}:worker:${workerId}`,
    workerPattern: `${prefix}:worker:*`,
  };
}

/** The BullMQ job id of one attempt: `<session>.<chunk>.a<n>` (no ':', never all digits). */
export function attemptId(sessionId: string, chunkId: string, attempt: number): string {
  return `${sessionId}.${chunkId}.a${attempt}`;
}

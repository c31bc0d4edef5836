import type { Redis } from 'ioredis';
import type { CopyProgress } from '../api';

/**
 * What a worker reports through `job.updateProgress`: absolute counters of one start of one
 * attempt. `epoch` is the job's attemptsStarted when that start began: a job re-run after its
 * worker was lost has a higher epoch, so a zombie's late progress (BullMQ does not fence
 * progress by the lock) is recognised and dropped.
 */
export interface WorkerProgress extends CopyProgress {
  attemptId: string;
  epoch: number;
  worker: string;
}

export function isWorkerProgress(x: unknown): x is WorkerProgress {
  const p = x as WorkerProgress;
  return !!p && typeof p === 'object' && typeof p.attemptId === 'string' && typeof p.epoch === 'number'
    && typeof p.bytesCopied === 'number' && typeof p.filesCopied === 'number';
}

/**
 * The desired control state of one attempt, a Redis hash the coordinator writes and the worker
 * running the attempt re-reads every second (level-triggered: a worker that was cut off from
 * Redis, or picks the job up later, still sees the latest wish; nothing is lost like a missed
 * pub/sub message). Kept a week, like the finished jobs.
 */
export interface AttemptControl {
  cancel: boolean;
  suspend: boolean;
  /** Bytes/s; undefined = as the job data says. */
  bandwidth?: number;
}

export const CONTROL_TTL_SECONDS = 7 * 24 * 3600;

export async function writeControl(redis: Redis, key: string, fields: Partial<Record<'cancel' | 'suspend' | 'bandwidth', string>>): Promise<void> {
  await redis.multi().hset(key, fields).expire(key, CONTROL_TTL_SECONDS).exec();
}

export async function readControl(redis: Redis, key: string): Promise<AttemptControl> {
  const h = await redis.hgetall(key);
  const bw = h.bandwidth !== undefined ? Number(h.bandwidth) : undefined;
  return { cancel: h.cancel === '1', suspend: h.suspend === '1', bandwidth: bw !== undefined && Number.isFinite(bw) && bw >= 0 ? bw : undefined };
}

import type { Redis } from 'ioredis';
import type { PoolKeys } from './names';

/** What `robocurse workers` shows of one worker. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  slots: number;
  engine: string;
  /** Attempt ids it is copying now. */
  running: string[];
  lastHeartbeat: string;
  startedAt: string;
}

/** A worker's heartbeat expires after this many intervals without a refresh (it is gone then). */
const EXPIRY_INTERVALS = 5;

export async function writeHeartbeat(redis: Redis, keys: PoolKeys, w: WorkerInfo, intervalMs: number): Promise<void> {
  const key = keys.worker(w.id);
  await redis.multi()
    .hset(key, { ...w, pid: String(w.pid), slots: String(w.slots), running: JSON.stringify(w.running) })
    .pexpire(key, intervalMs * EXPIRY_INTERVALS)
    .exec();
}

export async function removeHeartbeat(redis: Redis, keys: PoolKeys, id: string): Promise<void> {
  await redis.del(keys.worker(id));
}

/** Every worker whose heartbeat has not expired, by host then id. */
export async function listWorkers(redis: Redis, keys: PoolKeys): Promise<WorkerInfo[]> {
  const out: WorkerInfo[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.workerPattern, 'COUNT', 200);
    cursor = next;
    for (const key of found) {
      const h = await redis.hgetall(key);
      if (!h.id) continue;
      let running: string[] = [];
      try { running = JSON.parse(h.running ?? '[]') as string[]; } catch { running = []; }
      out.push({ id: h.id, host: h.host ?? '?', pid: Number(h.pid), slots: Number(h.slots), engine: h.engine ?? '', running, lastHeartbeat: h.lastHeartbeat ?? '', startedAt: h.startedAt ?? '' });
    }
  } while (cursor !== '0');
  return out.sort((a, b) => a.host.localeCompare(b.host) || a.id.localeCompare(b.id));
}

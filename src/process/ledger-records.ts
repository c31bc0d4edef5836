import type { ProcessOwner } from '../state/types';

/** The robocurse process that wrote a record, and its session. */
export interface RecordOwner extends ProcessOwner {
  sessionId: string;
}

/** A child process a run spawned (on POSIX the leader of its own process group). */
export interface ChildRecord {
  v: 1;
  kind: 'child';
  owner: RecordOwner;
  pid: number;
  /** Start identity (boot id + start ticks) on Linux; null elsewhere. */
  identity: string | null;
  /** Process group to kill (the pid itself: spawnTracked makes each child a group leader). */
  pgid: number | null;
  /** The command as spawned (for messages, and to match the image name on Windows). */
  command: string;
  /** Epoch ms just after the spawn returned: the process was created at most this long before. */
  startedAtMs: number;
}

/** A scratch directory an engine made (its whole content is the engine's own). */
export interface ScratchRecord {
  v: 1;
  kind: 'scratch';
  owner: RecordOwner;
  dir: string;
}

export type LedgerRecord = ChildRecord | ScratchRecord;

/** Parses a record file's text; undefined for anything that is not a complete record. */
export function parseLedgerRecord(text: string): LedgerRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LedgerRecord>;
    if (r?.v !== 1 || typeof r.owner?.pid !== 'number' || typeof r.owner.host !== 'string') return undefined;
    if (r.kind === 'child' && typeof r.pid === 'number' && typeof r.command === 'string') return r as ChildRecord;
    if (r.kind === 'scratch' && typeof r.dir === 'string') return r as ScratchRecord;
  } catch { /* a torn or foreign file */ }
  return undefined;
}

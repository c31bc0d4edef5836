import { randomUUID } from 'node:crypto';
import { ProfileLockedError, type LockHolder } from './errors';
import { currentOwner, ownerLiveness } from './process-identity';
import type { StoreContext } from './store-context';
import type { ProcessOwner } from './types';

/**
 * Held while a profile runs. The lock lives in the state database (table profile_locks) rather than
 * in lock files: the check-then-take happens inside one BEGIN IMMEDIATE transaction, which SQLite
 * serialises across processes, so two processes starting at the same moment cannot both win, and
 * there is no stale-file clean-up race (unlink + O_EXCL) to get wrong.
 */
export interface ProfileLock {
  readonly profile: string;
  /** Random per acquisition: release() removes this lock only, never a successor's. */
  readonly token: string;
  /** Set when a lock left by a dead process was taken over (worth a warning in the log). */
  readonly recoveredFrom?: LockHolder;
  /** Releases the lock; idempotent. */
  release(): void;
}

interface LockRow {
  profile: string; session_id: string | null; token: string; pid: number; host: string; proc_identity: string | null; acquired_at: string;
}

function toHolder(r: LockRow): LockHolder {
  return { profile: r.profile, sessionId: r.session_id, pid: r.pid, host: r.host, acquiredAt: r.acquired_at };
}

/**
 * Takes the lock of `profile` for this process, or throws ProfileLockedError naming the holder.
 * A lock whose process is dead on this host (pid gone, or pid reused by another process: its
 * start identity differs) is taken over. A lock held from another host is never taken over
 * automatically: its liveness cannot be checked from here.
 */
export function acquireProfileLock(ctx: StoreContext, profile: string, sessionId?: string, owner: ProcessOwner = currentOwner()): ProfileLock {
  const token = randomUUID();
  const recoveredFrom = ctx.write(() => {
    const row = ctx.stmt('SELECT * FROM profile_locks WHERE profile = ?').get(profile) as LockRow | undefined;
    let recovered: LockHolder | undefined;
    if (row) {
      const liveness = ownerLiveness({ pid: row.pid, host: row.host, identity: row.proc_identity });
      if (liveness !== 'dead') {
        throw new ProfileLockedError(toHolder(row), liveness === 'alive'
          ? 'Wait for it to finish, or stop it (robocurse stop).'
          : `It runs on another host; if that process is gone, remove the lock with \`robocurse unlock ${profile}\`.`);
      }
      recovered = toHolder(row);
    }
    ctx.stmt(
      `INSERT INTO profile_locks(profile, session_id, token, pid, host, proc_identity, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(profile) DO UPDATE SET session_id = excluded.session_id, token = excluded.token, pid = excluded.pid,
         host = excluded.host, proc_identity = excluded.proc_identity, acquired_at = excluded.acquired_at`,
    ).run(profile, sessionId ?? null, token, owner.pid, owner.host, owner.identity, ctx.now());
    return recovered;
  });
  let released = false;
  return {
    profile,
    token,
    recoveredFrom,
    release() {
      if (released) return;
      ctx.write(() => ctx.stmt('DELETE FROM profile_locks WHERE profile = ? AND token = ?').run(profile, token));
      released = true;
    },
  };
}

/** Removes a profile's lock whoever holds it (`robocurse unlock`); returns the holder it removed. */
export function breakProfileLock(ctx: StoreContext, profile: string): LockHolder | undefined {
  return ctx.write(() => {
    const row = ctx.stmt('SELECT * FROM profile_locks WHERE profile = ?').get(profile) as LockRow | undefined;
    if (row) ctx.stmt('DELETE FROM profile_locks WHERE profile = ?').run(profile);
    return row && toHolder(row);
  });
}

/** Current locks with the liveness of their holders, for `status`. */
export function listProfileLocks(ctx: StoreContext): (LockHolder & { liveness: 'alive' | 'dead' | 'unknown' })[] {
  const rows = ctx.stmt('SELECT * FROM profile_locks ORDER BY profile').all() as LockRow[];
  return rows.map((r) => ({ ...toHolder(r), liveness: ownerLiveness({ pid: r.pid, host: r.host, identity: r.proc_identity }) }));
}

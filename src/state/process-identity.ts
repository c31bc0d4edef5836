import * as fs from 'node:fs';
import * as os from 'node:os';
import type { ProcessOwner } from './types';

/**
 * A string that differs between two processes that had the same pid, or null where the platform
 * gives no cheap way to read it. On Linux: boot id + start time in clock ticks from
 * /proc/<pid>/stat, so a pid reused after the owner died (or after a reboot) is not mistaken for
 * the owner. Elsewhere only pid liveness is checked, and a reused pid keeps a stale lock until
 * the user breaks it.
 */
export function processIdentity(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces or ')': split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[19]; // field 22 overall; fields[0] here is field 3
    return `${bootId()}:${startTicks}`;
  } catch {
    return null;
  }
}

function bootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

/** The owner record for this process. */
export function currentOwner(): ProcessOwner {
  return { pid: process.pid, host: os.hostname(), identity: processIdentity(process.pid) };
}

/** Whether a pid exists on this host (EPERM means it exists but belongs to another user). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote `owner` is still running: 'alive', 'dead', or 'unknown' when it
 * ran on another host (a pid means nothing there, so callers must not treat it as dead).
 */
export function ownerLiveness(owner: ProcessOwner): 'alive' | 'dead' | 'unknown' {
  if (owner.host !== os.hostname()) return 'unknown';
  if (!pidExists(owner.pid)) return 'dead';
  if (owner.identity !== null) {
    const now = processIdentity(owner.pid);
    if (now !== null && now !== owner.identity) return 'dead';
  }
  return 'alive';
}

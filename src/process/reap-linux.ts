import * as fs from 'node:fs';
import type { ChildRecord } from './ledger-records';
import { processGroupMembers, readProcStat } from './proc-stat';

function bootId(): string | undefined {
  try { return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(); } catch { return undefined; }
}

/**
 * SIGKILLs what is left of a recorded child's process group; true when something was killed.
 *
 * Never a reused pid: the record holds the leader's boot id and start ticks. Linux does not hand
 * out a pid again while it is still in use as a process group id, so either
 * - the leader still runs with the recorded start: the group is ours;
 * - the pid runs with another start: the pid was freed and reused, so our group had ended;
 * - no process has the pid: the leader died; members still in group `pgid` can only be ours
 *   (started no earlier than the leader, same boot), typically rsync's receiver and generator.
 */
export function killLinuxLeftover(r: ChildRecord): boolean {
  if (r.identity === null || r.pgid === null) throw new Error('the record has no process start identity: cannot tell it from a reused pid');
  const sep = r.identity.lastIndexOf(':');
  const [boot, startTicks] = [r.identity.slice(0, sep), Number(r.identity.slice(sep + 1))];
  if (boot !== bootId()) return false; // rebooted since: nothing of that run can be running
  const leader = readProcStat(r.pid);
  if (leader && leader.state !== 'Z' && leader.startTicks !== startTicks) return false;
  const members = processGroupMembers(r.pgid).filter((m) => m.startTicks >= startTicks);
  if (members.length === 0) return false;
  try {
    process.kill(-r.pgid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  return true;
}

/** Polls until no live process is left in group `pgid`; false when `timeoutMs` passed first. */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (processGroupMembers(pgid).length > 0) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

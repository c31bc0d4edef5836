import type { Copier } from '../api';
import type { ProfileConfig } from '../config/types';
import type { CopierRegistry } from '../engines/copier-registry';
import { profileScanOptions } from '../orchestrator/preserve-for-run';
import type { PrefetchScanner } from '../scan/prefetch-scanner';
import type { StateStore } from '../state';

/**
 * A run of the profile that ended this little before the early scan started is treated as having
 * ended after it: both times come from this host's wall clock, which a time sync may step back.
 */
const SETTLE_MS = 100;

/**
 * Starts scanning `profile`'s source with the options its run will ask for (the orchestrator's
 * own, profileScanOptions), where they are known before the plugins load: not from a snapshot
 * (made later), not for an engine a plugin adds (its copier says which digests it takes).
 * Returns when it started (ms since the epoch), or undefined when it did not.
 */
export function startEarlyScan(scanner: PrefetchScanner, profile: ProfileConfig | undefined, registry: CopierRegistry): number | undefined {
  if (!profile || profile.snapshot) return undefined;
  let copier: Copier;
  try { copier = registry.get(profile.engine); } catch { return undefined; }
  const at = Date.now();
  scanner.prefetch(profile.source, profileScanOptions(profile, copier));
  return at;
}

/**
 * Whether the early scan of `profile`, started at `startedAt` before its lock was taken, may have
 * read a destination another run was writing: the profile's last real run ended after (or just
 * before) it started, or never ended (killed: its copy processes may have written until they are
 * reaped, after the lock). A run from a snapshot writes an older state of the source, which a
 * comparison made meanwhile would not see. Such a scan is made again once the lock is held.
 */
export function earlyScanMayBeStale(store: Pick<StateStore, 'lastRealProfileRun'>, profile: string, startedAt: number): boolean {
  const last = store.lastRealProfileRun(profile);
  if (!last) return false;
  return last.endedAt === null || Date.parse(last.endedAt) >= startedAt - SETTLE_MS;
}

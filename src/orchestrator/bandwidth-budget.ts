import type { Copier, CopyJob } from '../api';
import type { ProfileConfig } from '../config/types';
import { profileBudget } from './copy-options';

/**
 * The run's one bandwidth budget: the profile's own cap, else the global one, until a
 * set-bandwidth command replaces both for the rest of the session. Handed to a copier as one
 * shared budget when it can take one (a job slowed by small files then leaves its share to the
 * others), else divided into equal per-job shares, re-divided whenever a job starts or ends.
 */
export class BandwidthBudget {
  private overrideMbps?: number;

  constructor(private readonly globalMbps: number, private readonly copierFor: (engine: string) => Copier) {}

  /** Replaces the configured budgets (Mbit/s, 0 = unlimited). */
  set(mbps: number): void {
    if (!Number.isFinite(mbps) || mbps < 0) throw new RangeError(`bandwidth must be a number of Mbit/s >= 0, got ${mbps}`);
    this.overrideMbps = mbps;
  }

  /** Bytes/s for all running jobs of `profile` together; 0 = unlimited. */
  budgetFor(profile: ProfileConfig): number {
    return this.overrideMbps !== undefined
      ? profileBudget({ ...profile, bandwidthLimitMbps: 0 }, this.overrideMbps)
      : profileBudget(profile, this.globalMbps);
  }

  /** A new job's own limit when `jobs` run: 0 (none of its own) where the copier shares one budget. */
  jobShare(profile: ProfileConfig, jobs: number): number {
    if (this.sharedBy(profile)) return 0;
    const budget = this.budgetFor(profile);
    return budget > 0 ? Math.max(1, Math.floor(budget / Math.max(1, jobs))) : 0;
  }

  /** Applies the budget now: to the copier, or as fresh shares to the running jobs that can change theirs. */
  apply(profile: ProfileConfig, running: CopyJob[]): void {
    const copier = this.sharedBy(profile);
    if (copier) { copier.setTotalBandwidth!(this.budgetFor(profile)); return; }
    if (running.length === 0) return;
    const share = this.jobShare(profile, running.length);
    for (const job of running) job.setBandwidth?.(share);
  }

  private sharedBy(profile: ProfileConfig): Copier | undefined {
    let copier: Copier | undefined;
    try { copier = this.copierFor(profile.engine); } catch { return undefined; }
    return copier.setTotalBandwidth ? copier : undefined;
  }
}

import type { Copier, CopyJob } from '../api';
import type { ProfileConfig } from '../config/types';
import { capabilitiesOf } from './copier-capabilities';
import { profileBudget } from './copy-options';

/** How a copier takes its part of the budget. */
type Mode = 'shared' | 'live' | 'fixed';

/** A job's rate when it starts: `bytesPerSec` 0 = no limit of its own; `wait` = nothing left to give yet. */
export type StartShare = { wait: false; bytesPerSec: number } | { wait: true; reason: string };

/**
 * The run's one bandwidth budget: the profile's own cap, else the global one, until a
 * set-bandwidth command replaces both for the rest of the session.
 *
 * Invariant: the rates given to running jobs never add up to more than the budget.
 * - `shared` copiers (capabilities.sharedBandwidth: native) take the whole budget as one token bucket for all their jobs.
 * - `live` jobs (capabilities.liveBandwidth) share what fixed jobs leave, re-divided at every start
 *   and end.
 * - `fixed` jobs (rsync `--bwlimit`, robocopy `/IPG` or `/IORATE`) keep the rate they started with,
 *   so each gets a share of what is still unallocated: `unallocated ÷ free job slots`. Four jobs
 *   started together get a quarter each; a job started after one ended gets what that one freed.
 *   (Dividing the whole budget by the running jobs at each start gave 1, ½, ⅓, ¼ — 2.08× the budget.)
 *   A fixed job waits rather than start on a crumb (under a quarter of an equal share) while others
 *   hold the budget, and also after a set-bandwidth lowered the budget below what running fixed
 *   jobs were given (or set one while fixed jobs started without a limit still run): those cannot
 *   be slowed, so nothing new starts until the sum is under it.
 */
export class BandwidthBudget {
  private overrideMbps?: number;
  /** Rates given to running fixed jobs, by job id. */
  private readonly fixed = new Map<number, number>();
  /** Running jobs whose rate this budget changes live, by job id. */
  private readonly live = new Map<number, CopyJob>();

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

  /**
   * The rate for a job of `profile` about to start, with `freeSlots` job slots free (itself
   * included) out of `maxJobs`.
   */
  shareForStart(profile: ProfileConfig, freeSlots: number, maxJobs: number): StartShare {
    const budget = this.budgetFor(profile);
    const mode = this.modeOf(profile);
    if (budget === 0 || mode === 'shared') return { wait: false, bytesPerSec: 0 };
    const unallocated = budget - this.fixedTotal();
    if (mode === 'live') return { wait: false, bytesPerSec: Math.max(1, Math.floor(unallocated / (this.live.size + 1))) };
    const share = Math.floor(unallocated / Math.max(1, freeSlots));
    const crumb = Math.ceil(budget / (4 * Math.max(1, maxJobs)));
    if (this.fixed.size > 0 && share < crumb) {
      return { wait: true, reason: `running jobs hold ${budget - unallocated} of the ${budget} B/s budget; the next job starts when one ends` };
    }
    return { wait: false, bytesPerSec: Math.max(1, share) };
  }

  /** Records a started job and the rate it was given. */
  started(jobId: number, job: CopyJob, profile: ProfileConfig, bytesPerSec: number): void {
    const mode = this.modeOf(profile);
    if (mode === 'fixed') this.fixed.set(jobId, bytesPerSec);
    if (mode === 'live') this.live.set(jobId, job);
  }

  /** Returns a job's rate to the budget (it ended, was killed or never ran). */
  finished(jobId: number): void {
    this.fixed.delete(jobId);
    this.live.delete(jobId);
  }

  /** Forgets every job (all were killed). */
  clear(): void {
    this.fixed.clear();
    this.live.clear();
  }

  /** Bytes/s given to running jobs now, fixed and live together (for tests and the invariant). */
  allocated(profile: ProfileConfig): number {
    return this.fixedTotal() + (this.live.size > 0 ? this.liveShare(profile) * this.live.size : 0);
  }

  /** Applies the budget now: to a shared copier, or as fresh shares to the live jobs. */
  apply(profile: ProfileConfig): void {
    const mode = this.modeOf(profile);
    if (mode === 'shared') { this.copierFor(profile.engine).setTotalBandwidth!(this.budgetFor(profile)); return; }
    if (this.live.size === 0) return;
    const share = this.liveShare(profile);
    for (const job of this.live.values()) job.setBandwidth?.(share);
  }

  /** A live job's share; 0 = unlimited. At least 1 B/s when limited (0 would lift the limit). */
  private liveShare(profile: ProfileConfig): number {
    const budget = this.budgetFor(profile);
    if (budget === 0) return 0;
    return Math.max(1, Math.floor((budget - this.fixedTotal()) / Math.max(1, this.live.size)));
  }

  /** Infinity while a fixed job started without a limit (before a set-bandwidth) still runs. */
  private fixedTotal(): number {
    let sum = 0;
    for (const r of this.fixed.values()) sum += r > 0 ? r : Infinity;
    return sum;
  }

  private modeOf(profile: ProfileConfig): Mode {
    let copier: Copier;
    try { copier = this.copierFor(profile.engine); } catch { return 'fixed'; }
    const caps = capabilitiesOf(copier);
    if (caps.sharedBandwidth) return 'shared';
    return caps.liveBandwidth ? 'live' : 'fixed';
  }
}

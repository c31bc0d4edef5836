import type { Logger, Scanner } from '../api';
import type { ProfileConfig } from '../config/types';
import { profileExcludes } from '../plan/profile-excludes';

/** Where the run stands, as the orchestrator knows it at one status refresh. */
export interface OverallInputs {
  profileIndex: number;
  profileCount: number;
  /** Bytes processed and planned in the profiles that already ended (folded). */
  doneBytes: number;
  doneTotal: number;
  /** The current profile's processed and planned bytes; `currentSized` once its scan is planned. */
  currentBytes: number;
  currentTotal: number;
  currentSized: boolean;
}

export interface OverallFigures {
  bytesComplete: number;
  /** Ended and scanned profiles' bytes plus the estimates of the others. */
  bytesTotal: number;
  /** 0-100, never lower than any figure shown before in this run. */
  percent: number;
  /** True while some profile's size is an estimate (last run or an up-front scan) or unknown. */
  estimated: boolean;
}

const percentOf = (part: number, whole: number): number => Math.min(100, Math.round((part / whole) * 1000) / 10);

/**
 * The overall percentage of a multi-profile run. Profiles not yet scanned count with an estimate
 * of their size (their last run, or an up-front scan: sizeUnknownProfiles), so the total does not
 * jump when the next profile is scanned, and the percentage does not fall from 50 % to 18 % as
 * it did when only scanned profiles counted. An estimate can still be wrong (the tree grew since
 * last night): then the shown percentage holds until the real figure catches up, never falls,
 * and `estimated` says the total is not final. One instance per run: no shared state.
 */
export class OverallProgress {
  private readonly estimates = new Map<number, number>();
  private shown = 0;

  /** The size of profile `index` before its scan; an unknown size counts as 0 until it is scanned. */
  setEstimate(index: number, bytes: number | undefined): void {
    if (bytes !== undefined && Number.isFinite(bytes) && bytes >= 0) this.estimates.set(index, bytes);
  }

  hasEstimate(index: number): boolean {
    return this.estimates.has(index);
  }

  estimate(index: number): number | undefined {
    return this.estimates.get(index);
  }

  figures(x: OverallInputs): OverallFigures {
    let later = 0;
    let unknown = false;
    for (let i = x.profileIndex + 1; i < x.profileCount; i++) {
      const e = this.estimates.get(i);
      if (e === undefined) unknown = true; else later += e;
    }
    const current = x.currentSized ? x.currentTotal : this.estimates.get(x.profileIndex) ?? 0;
    const bytesComplete = x.doneBytes + x.currentBytes;
    const bytesTotal = Math.max(bytesComplete, x.doneTotal + current + later);
    const estimated = unknown || !x.currentSized || x.profileIndex < x.profileCount - 1;
    const raw = bytesTotal > 0 ? percentOf(bytesComplete, bytesTotal) : 0;
    this.shown = Math.max(this.shown, raw);
    return { bytesComplete, bytesTotal, percent: this.shown, estimated };
  }
}

/**
 * Scans, one after another, the sources of the profiles after `from` whose size is not known from
 * a last run, and hands each total to `onSize`: the first run of a multi-profile config gets an
 * overall percentage that means something. Runs beside the copy (it only reads the live source,
 * with the profile's excludes); a source that cannot be scanned stays unknown. Stops at `signal`.
 */
export async function sizeUnknownProfiles(
  profiles: readonly ProfileConfig[], from: number, known: (index: number) => boolean,
  deps: { scanner: Scanner; logger: Logger; signal: AbortSignal }, onSize: (index: number, bytes: number) => void,
): Promise<void> {
  for (let i = from; i < profiles.length; i++) {
    if (deps.signal.aborted) return;
    if (known(i)) continue;
    try {
      const tree = await deps.scanner.scan(profiles[i].source, { excludes: profileExcludes(profiles[i]), signal: deps.signal });
      onSize(i, tree.rootNode.totalBytes);
    } catch (err) {
      if (!deps.signal.aborted) deps.logger.debug({ profile: profiles[i].name, err: (err as Error)?.message }, 'overall progress: the profile could not be sized up front');
    }
  }
}

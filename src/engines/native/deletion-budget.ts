import type { CopyOptions, ExitMeaning } from '../../api';
import { countEntriesBelow } from '../../fs/count-entries';
import { deleteLimitExitMeaning } from '../delete-limit';
import { DELETES_HELD, DELETES_USED, limitForThreads, newDeletionCounts, reserveDeletions } from './deletion-counts';

/**
 * The native job's side of `maxDeletes`: every extra is counted (a directory with all it holds)
 * and reserved before it is removed, so however many removals run at once, the entries deleted
 * never exceed the limit. An extra the budget cannot cover stays; the job then ends Error
 * without retry. Also reports each deletion through `onDeletion`. The counts are shared with the
 * copy threads, which remove extra files too (deletion-counts.ts).
 */
export class DeletionBudget {
  /** [used, held], shared with the copy threads. */
  readonly counts = newDeletionCounts();

  constructor(private readonly profile: string, private readonly options: Pick<CopyOptions, 'maxDeletes' | 'onDeletion' | 'dryRun'>) {}

  /** Reserves what removing `abs` deletes: its entry count, or 0 when the limit forbids it. */
  async admit(abs: string, isDir: boolean): Promise<number> {
    const entries = isDir ? 1 + (await countEntriesBelow(abs)) : 1;
    return reserveDeletions(this.counts, this.threadLimit, entries) ? entries : 0;
  }

  /** The limit as the copy threads take it (deletion-counts.ts). */
  get threadLimit(): number {
    return limitForThreads(this.options.maxDeletes);
  }

  /** Reports an entry removed (in a dry run: that would be). */
  removed(relPath: string, isDir: boolean, entries: number): void {
    this.options.onDeletion?.({ relPath, isDir, entries });
  }

  /** The job's result when the limit held anything back; undefined when it did not. */
  limitMeaning(engine: ExitMeaning): ExitMeaning | undefined {
    const held = Atomics.load(this.counts, DELETES_HELD);
    if (held === 0 || this.options.maxDeletes === undefined) return undefined;
    return deleteLimitExitMeaning({
      profile: this.profile, limit: this.options.maxDeletes, deleted: Atomics.load(this.counts, DELETES_USED), held,
      dryRun: this.options.dryRun, engineMessage: engine.message,
    });
  }
}

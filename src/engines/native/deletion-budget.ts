import type { CopyOptions, ExitMeaning } from '../../api';
import { countEntriesBelow } from '../../fs/count-entries';
import { deleteLimitExitMeaning } from '../delete-limit';

/**
 * The native job's side of `maxDeletes`: every extra is counted (a directory with all it holds)
 * and reserved before it is removed, so however many removals run at once, the entries deleted
 * never exceed the limit. An extra the budget cannot cover stays; the job then ends Error
 * without retry. Also reports each deletion through `onDeletion`.
 */
export class DeletionBudget {
  private used = 0;
  private held = 0;

  constructor(private readonly profile: string, private readonly options: Pick<CopyOptions, 'maxDeletes' | 'onDeletion' | 'dryRun'>) {}

  /** Reserves what removing `abs` deletes: its entry count, or 0 when the limit forbids it. */
  async admit(abs: string, isDir: boolean): Promise<number> {
    const entries = isDir ? 1 + (await countEntriesBelow(abs)) : 1;
    const limit = this.options.maxDeletes;
    if (limit !== undefined && this.used + entries > limit) {
      this.held += entries;
      return 0;
    }
    this.used += entries;
    return entries;
  }

  /** Reports an entry removed (in a dry run: that would be). */
  removed(relPath: string, isDir: boolean, entries: number): void {
    this.options.onDeletion?.({ relPath, isDir, entries });
  }

  /** The job's result when the limit held anything back; undefined when it did not. */
  limitMeaning(engine: ExitMeaning): ExitMeaning | undefined {
    if (this.held === 0 || this.options.maxDeletes === undefined) return undefined;
    return deleteLimitExitMeaning({
      profile: this.profile, limit: this.options.maxDeletes, deleted: this.used, held: this.held,
      dryRun: this.options.dryRun, engineMessage: engine.message,
    });
  }
}

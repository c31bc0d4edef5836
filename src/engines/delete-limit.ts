import type { ExitMeaning } from '../api';

/** What a job knows when the maxDeletes limit kept deletions back. */
export interface DeleteLimitHit {
  profile: string;
  limit: number;
  /** Entries deleted (or, in a dry run, listed) before the limit held. */
  deleted: number;
  /** Entries left in place because of the limit; undefined when the engine cannot tell. */
  held?: number;
  dryRun: boolean;
  /** The engine's own sentence about the rest of the job. */
  engineMessage: string;
}

/**
 * The result of a chunk stopped by maxDeletes, the same for every engine: an Error that is not
 * retried (another attempt would want the same deletions), with what to check and how to go on.
 */
export function deleteLimitExitMeaning(hit: DeleteLimitHit): ExitMeaning {
  const held = hit.held === undefined ? 'more' : `${hit.held} more`;
  const did = hit.dryRun ? 'would be deleted' : 'deleted';
  return {
    severity: 'Error',
    shouldRetry: false,
    message: `maxDeletes: this chunk would delete more than ${hit.limit} destination entr(ies) ` +
      `(profiles.${hit.profile}.maxDeletes); ${hit.deleted} ${did}, ${held} left in place. ` +
      'Check the source (a share that is not mounted? files deleted by mistake?); if the deletions are ' +
      `intended, raise maxDeletes or run once with --allow-mass-delete. ${hit.engineMessage}`,
  };
}

import { hasSizeAgeFilter, type DigestTable, type SizeAgeFilter } from '../../api';
import { keepOf, type JobContext } from './job-context';
import { KEEP } from './keep-flags';

/**
 * How old the scan's digests may be when a walk task takes them. A digest says what a source
 * directory held when the scan began; a directory whose copy matches it is not listed again.
 * A file changed after that moment, in a directory the scan saw as up to date in the copy, is
 * then copied by the next run instead of this one (as rsync copies what its file list saw).
 * After this long (a big copy, a chunk retried after its back-off) the walk lists the source.
 */
export const DIGEST_MAX_AGE_MS = 5 * 60_000;

/** What of a job decides whether it may use the scan's digests. */
export interface DigestUse {
  /** keep-flags.ts bits. */
  keep: number;
  destinationCaseInsensitive: boolean;
  sizeAge?: SizeAgeFilter;
}

/**
 * The digests a walk task may use (clean-walk.ts), or nothing: none from the scan, too old, a
 * destination compared by case or a size or age filter (the main thread decides those), or a
 * digest without a field the job keeps (a mode or owner could differ unseen).
 */
export function digestsFor(t: DigestTable | undefined, job: DigestUse, now: number): { digests?: DigestTable } {
  if (!t || now - t.takenAt > DIGEST_MAX_AGE_MS || job.destinationCaseInsensitive || hasSizeAgeFilter(job.sizeAge)) return {};
  if (((job.keep & KEEP.modes) !== 0 && !t.fields.modes) || ((job.keep & KEEP.owners) !== 0 && !t.fields.owners)) return {};
  return { digests: t };
}

/** digestsFor this job, now. */
export function usableDigests(ctx: JobContext): { digests?: DigestTable } {
  return digestsFor(ctx.sourceDigests, { keep: keepOf(ctx), destinationCaseInsensitive: ctx.destinationCaseInsensitive, sizeAge: ctx.sizeAge }, Date.now());
}

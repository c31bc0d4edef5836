import type { Chunk, DigestTable, ExcludeRules, Logger, Preserve, SizeAgeFilter } from '../../api';
import type { TokenBucket } from '../../bandwidth/token-bucket';
import type { DirMode } from '../../fs/dir-ref';
import type { ExcludeMatcher } from '../../scan/exclude-matcher';
import type { BatchPool } from './batch-pool';
import type { DeletionBudget } from './deletion-budget';
import type { Gate } from './gate';
import type { HardLinkTracker } from './hard-links';
import { keepBits } from './keep-flags';
import type { Limiter } from './limiter';
import type { OnlyFiles } from './only-files';
import type { ResolvedNativeOptions } from './native-options';
import type { ProgressMeter } from './progress-meter';
import type { Tally } from './tally';
import type { TempTags } from './temp-name';

/** Everything the walk and the file copies of one job share. One per job; nothing global. */
export interface JobContext {
  readonly chunk: Chunk;
  readonly mirror: boolean;
  readonly dryRun: boolean;
  readonly opts: ResolvedNativeOptions;
  readonly matcher: ExcludeMatcher;
  /** What `matcher` was made from: a copy thread makes its own (clean-walk.ts). */
  readonly excludeRules: ExcludeRules;
  /** How names inside checked directories are reached (dir-ref.ts). */
  readonly dirMode: DirMode;
  /** The destination compares names ignoring case (CopyOptions.destinationCaseInsensitive). */
  readonly destinationCaseInsensitive: boolean;
  readonly signal: AbortSignal;
  readonly gate: Gate;
  /** Kill and suspend as flags the copy worker threads read between files (batch-protocol.ts). */
  readonly flags: Int32Array;
  /** Worker threads for batches of small files; absent: every file goes the async way. */
  readonly pool?: BatchPool;
  readonly limiter: Limiter;
  /** The job's own limit and the engine-wide budget; a block takes from each. */
  readonly buckets: readonly TokenBucket[];
  readonly progress: ProgressMeter;
  readonly tally: Tally;
  readonly logger: Logger;
  /** Unique temp-file tags for this job's copies. */
  readonly tempTags: TempTags;
  /** Mirror deletions: counted against maxDeletes and reported (deletion-budget.ts). */
  readonly deletions: DeletionBudget;
  /** A file-only attempt: the files it copies (CopyOptions.onlyFiles); it lists no extras and deletes nothing. */
  readonly only?: OnlyFiles;
  /** Files the size or age filters leave out (not copied, and as extras not deleted). */
  readonly sizeAge?: SizeAgeFilter;
  /** The scan's listing digests of the source (CopyOptions.sourceDigests; walk-digests.ts). */
  readonly sourceDigests?: DigestTable;
  /** The scan found the chunk's whole tree up to date in the destination (CopyOptions.unchangedAtScan; unchanged-chunk.ts). */
  readonly unchangedAtScan?: true;
  /** What is kept besides the data (CopyOptions.preserve, or the defaults). */
  readonly preserve: Preserve;
  /** What this job learnt about its two file systems as it went. */
  readonly found: FoundOnTheWay;
  /** Names of hard-linked source inodes met so far, and where their first copy went. */
  readonly links: HardLinkTracker;
  /** The process umask (for modes that are not kept). */
  readonly umask: number;
  /** Devices can be made (root or CAP_MKNOD). */
  readonly mayMknod: boolean;
}

/** Facts a job learns once and acts on for the rest of it (mutable, one per job). */
export interface FoundOnTheWay {
  /** The source file system has extended attributes (probed on the chunk's root). */
  xattrSource: boolean;
  /** The destination file system takes them (false after it answered ENOTSUP). */
  xattrDest: boolean;
  /** reflink "auto": cloning failed once (another file system, or one without reflinks); not tried again. */
  cloneFails: boolean;
}

/** What the job keeps right now, as the bits the copy workers read (keep-flags.ts). */
export function keepOf(ctx: JobContext): number {
  return keepBits(ctx.preserve, { xattrSource: ctx.found.xattrSource, xattrDest: ctx.found.xattrDest, noClone: ctx.opts.reflink === 'never' });
}

/** True when any bandwidth limit applies right now. */
export function isLimited(ctx: JobContext): boolean {
  return ctx.buckets.some((b) => !b.unlimited);
}

/** Waits out a suspend, then fails fast with the AbortError if the job was killed. */
export async function checkpoint(ctx: JobContext): Promise<void> {
  if (ctx.gate.isClosed) await ctx.gate.wait();
  ctx.signal.throwIfAborted();
}

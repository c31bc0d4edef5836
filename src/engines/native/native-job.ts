import type { Chunk, CopyJob, CopyOptions, CopyProgress, CopyResult } from '../../api';
import { TokenBucket } from '../../bandwidth/token-bucket';
import type { DirMode } from '../../fs/dir-ref';
import { makeExcludeMatcher } from '../../scan/exclude-matcher';
import { KILLED_EXIT_CODE, killedExitMeaning } from '../exit-meaning';
import type { BatchPool } from './batch-pool';
import { FLAG_KILLED, FLAG_SUSPENDED } from './batch-protocol';
import { Gate } from './gate';
import type { JobContext } from './job-context';
import { Limiter } from './limiter';
import { nativeExitCode, nativeExitMeaning, type NativeOutcome } from './native-outcome';
import type { ResolvedNativeOptions } from './native-options';
import { ProgressMeter } from './progress-meter';
import { Tally } from './tally';
import { TempTags } from './temp-name';
import { resolveChunkRoots, sourceRootOf } from './chunk-roots';
import { copyDirectory } from './tree-walk';
import { bookUnchangedChunk } from './unchanged-chunk';
import { DeletionBudget } from './deletion-budget';
import { HardLinkTracker } from './hard-links';
import { sourceKeepsXattrs, processUmask } from './job-facts';
import { defaultPreserve } from '../../config/preserve';
import { OnlyFiles } from './only-files';
import { canChown, canMknod } from '../../fs/privilege';

/** One running native copy of one chunk. */
export class NativeJob implements CopyJob {
  readonly startedAt = new Date();
  readonly done: Promise<CopyResult>;
  private readonly abort = new AbortController();
  private readonly gate = new Gate();
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly jobBucket: TokenBucket;
  private readonly meter: ProgressMeter;
  private killRequested = false;
  private ended = false;

  constructor(readonly chunk: Chunk, options: CopyOptions, opts: ResolvedNativeOptions, shared: TokenBucket, pool: BatchPool | undefined, dirMode: DirMode) {
    this.jobBucket = new TokenBucket({ bytesPerSec: options.bandwidthBytesPerSec ?? 0 });
    this.meter = new ProgressMeter(opts.progressIntervalMs);
    const logger = options.logger.child({ engine: 'native', chunk: chunk.id });
    const excludeRules = { excludeFiles: options.excludeFiles, excludeDirs: options.excludeDirs, caseInsensitive: options.caseInsensitive, includeFiles: options.includeFiles };
    const ctx: JobContext = {
      chunk, opts, logger,
      // A file-only attempt never deletes, whatever it is given (the chunk's full attempt did).
      mirror: options.mirror && options.onlyFiles === undefined,
      ...(options.onlyFiles ? { only: new OnlyFiles(options.onlyFiles) } : {}),
      dryRun: options.dryRun,
      matcher: makeExcludeMatcher(excludeRules, { sourceRoot: sourceRootOf(chunk) }),
      excludeRules,
      dirMode,
      destinationCaseInsensitive: options.destinationCaseInsensitive === true,
      signal: this.abort.signal,
      gate: this.gate,
      flags: this.flags,
      pool,
      limiter: new Limiter(opts.fileConcurrency),
      buckets: [this.jobBucket, shared],
      progress: this.meter,
      tally: new Tally(opts.maxErrors, logger, options.onFileAction),
      tempTags: new TempTags(),
      deletions: new DeletionBudget(chunk.profile, options),
      sizeAge: options.sizeAge,
      ...(options.sourceDigests ? { sourceDigests: options.sourceDigests, ...(options.unchangedAtScan === true ? { unchangedAtScan: true as const } : {}) } : {}),
      preserve: options.preserve ?? defaultPreserve(canChown()),
      found: { xattrSource: false, xattrDest: true, cloneFails: false },
      links: new HardLinkTracker(),
      umask: processUmask(),
      mayMknod: canMknod(),
    };
    this.done = this.run(ctx);
  }

  progress(): CopyProgress {
    return this.meter.snapshot();
  }

  onProgress(listener: (p: CopyProgress) => void): () => void {
    return this.meter.on(listener);
  }

  async kill(): Promise<void> {
    if (!this.ended && !this.killRequested) {
      this.killRequested = true;
      Atomics.store(this.flags, FLAG_KILLED, 1);
      this.abort.abort();
      // Parked (suspended) work must wake up to see the abort and clean its temp files.
      this.gate.open();
    }
    await this.done;
  }

  suspend(): void {
    if (!this.ended && !this.killRequested) {
      Atomics.store(this.flags, FLAG_SUSPENDED, 1);
      this.gate.close();
    }
  }

  resume(): void {
    Atomics.store(this.flags, FLAG_SUSPENDED, 0);
    this.gate.open();
  }

  setBandwidth(bytesPerSec: number): void {
    if (!this.ended) this.jobBucket.setRate(bytesPerSec);
  }

  private async run(ctx: JobContext): Promise<CopyResult> {
    const t0 = Date.now();
    // Start on the next turn: start() must return at once, before any fs work.
    await new Promise<void>((r) => setImmediate(r));
    try {
      const roots = await resolveChunkRoots(ctx);
      if (roots) {
        ctx.found.xattrSource = sourceKeepsXattrs(ctx, roots.src);
        if (!bookUnchangedChunk(ctx, roots)) await copyDirectory(ctx, roots.src, { ref: roots.dst, made: roots.made }, '');
      }
    } catch (err) {
      // copyDirectory records what it expects; anything else is a bug, reported not thrown.
      ctx.tally.fatalError(this.chunk.sourcePath, err);
    }
    this.ended = true;
    if (ctx.tally.subtreesFromScan > 0) ctx.logger.debug({ subtreesFromScan: ctx.tally.subtreesFromScan }, `native copy: ${ctx.tally.subtreesFromScan} subtrees up to date as the scan compared them (not listed)`);
    if (ctx.tally.dirsFromScanListing > 0) ctx.logger.debug({ dirsFromScanListing: ctx.tally.dirsFromScanListing }, `native copy: ${ctx.tally.dirsFromScanListing} directories' source taken from the scan's listing (not listed again)`);
    if (ctx.tally.dirsFromDigest > 0) ctx.logger.debug({ dirsFromDigest: ctx.tally.dirsFromDigest }, `native copy: ${ctx.tally.dirsFromDigest} directories up to date as the scan listed them (source not listed again)`);
    this.meter.flush();
    this.meter.close();
    const { stats, errors } = ctx.tally;
    const durationMs = Date.now() - t0;
    if (this.killRequested) {
      return { exitCode: KILLED_EXIT_CODE, exitMeaning: killedExitMeaning(), stats, errors, durationMs, killed: true };
    }
    const outcome: NativeOutcome = {
      filesCopied: stats.filesCopied, extras: ctx.tally.extras, extrasRemoved: stats.extrasRemoved,
      skippedEntries: ctx.tally.skippedEntries, notKept: ctx.tally.notKept, failures: ctx.tally.failures, fatal: ctx.tally.fatal, dryRun: ctx.dryRun,
    };
    const exitCode = nativeExitCode(outcome);
    const meaning = nativeExitMeaning(exitCode, outcome, ctx.opts.skippedEntriesSeverity, errors);
    return { exitCode, exitMeaning: ctx.deletions.limitMeaning(meaning) ?? meaning, stats, errors, durationMs, killed: false };
  }
}

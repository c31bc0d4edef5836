import type { Chunk, Copier, CopierCapabilities, CopyJob, CopyOptions } from '../../api';
import { TokenBucket } from '../../bandwidth/token-bucket';
import { HOST_DIR_MODE, type DirMode } from '../../fs/dir-ref';
import { BatchPool } from './batch-pool';
import type { WorkerPools } from '../../workers';
import { nativePreserveCapabilities } from './preserve-capabilities';
import { NativeJob } from './native-job';
import { resolveNativeOptions, type NativeEngineOptions } from './native-options';

export interface NativeCopierOptions extends NativeEngineOptions {
  /**
   * One budget for all jobs of this copier (the global bandwidth cap). Give a bucket to share
   * it wider, or a rate; default unlimited. Change it live with `sharedBandwidth.setRate()`.
   */
  sharedBandwidth?: TokenBucket;
  totalBandwidthBytesPerSec?: number;
  /**
   * Worker threads that copy small files in batches (default max(2, cores)); 0 = none: every
   * file goes through the async fs calls of the main thread (one thread-pool trip per call).
   */
  copyThreads?: number;
  /**
   * How directories are reached (dir-ref.ts); default: what this host supports (`proc` on
   * Linux). Tests set `path` to exercise the fallback of macOS and Windows.
   */
  dirMode?: DirMode;
  /** Worker pools the copy threads come from (the composition root's); default its own. */
  pools?: WorkerPools;
}

/**
 * Copies chunks with Node's fs: no external tool, default engine off Windows. See
 * docs/native-engine.md for behaviour, exit bitmap and options. Jobs are independent except
 * for the shared bandwidth budget.
 */
export class NativeCopier implements Copier {
  readonly name = 'native';
  readonly capabilities: CopierCapabilities = {
    suspend: true, liveBandwidth: true, sharedBandwidth: true, mirror: true, dryRun: true, liveProgress: true, preserve: nativePreserveCapabilities(),
    // onlyFiles: the walk opens only the listed files' directories (only-files.ts).
    fileList: true,
    // A re-run's walk takes an unchanged directory from the scan's digest (clean-walk.ts).
    sourceDigests: true,
  };
  /** The engine-wide bandwidth budget every job takes from (rate 0 = unlimited). */
  readonly sharedBandwidth: TokenBucket;
  private readonly defaults: NativeEngineOptions;
  private readonly pool: BatchPool | undefined;
  private readonly dirMode: DirMode;

  constructor(options: NativeCopierOptions = {}) {
    const { sharedBandwidth, totalBandwidthBytesPerSec, copyThreads, dirMode, pools, ...defaults } = options;
    this.dirMode = dirMode ?? HOST_DIR_MODE;
    this.pool = copyThreads === 0 ? undefined : new BatchPool(copyThreads, pools);
    this.sharedBandwidth = sharedBandwidth ?? new TokenBucket({ bytesPerSec: totalBandwidthBytesPerSec ?? 0 });
    this.defaults = defaults;
    resolveNativeOptions(defaults, undefined); // fail fast on bad constructor options
  }

  /** Throws TypeError for invalid engineOptions.native (a config or programming error). */
  setTotalBandwidth(bytesPerSec: number): void {
    this.sharedBandwidth.setRate(bytesPerSec);
  }

  start(chunk: Chunk, options: CopyOptions): CopyJob {
    const resolved = resolveNativeOptions(this.defaults, options.engineOptions);
    // A destination that keeps coarse mtimes (FAT, exFAT, SMB) would otherwise look changed on every re-run.
    const opts = { ...resolved, mtimeWindowMs: Math.max(resolved.mtimeWindowMs, options.destinationMtimeGranularityMs ?? 0) };
    return new NativeJob(chunk, options, opts, this.sharedBandwidth, this.pool, this.dirMode);
  }

  /** Releases the copy worker threads (a later job starts them again). */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}

import type { Chunk, Copier, CopierCapabilities, CopyJob, CopyOptions } from '../../api';
import { TokenBucket } from '../../bandwidth/token-bucket';
import { NativeJob } from './native-job';
import { resolveNativeOptions, type NativeEngineOptions } from './native-options';

export interface NativeCopierOptions extends NativeEngineOptions {
  /**
   * One budget for all jobs of this copier (the global bandwidth cap). Give a bucket to share
   * it wider, or a rate; default unlimited. Change it live with `sharedBandwidth.setRate()`.
   */
  sharedBandwidth?: TokenBucket;
  totalBandwidthBytesPerSec?: number;
}

/**
 * Copies chunks with Node's fs: no external tool, default engine off Windows. See
 * docs/native-engine.md for behaviour, exit bitmap and options. Jobs are independent except
 * for the shared bandwidth budget.
 */
export class NativeCopier implements Copier {
  readonly name = 'native';
  readonly capabilities: CopierCapabilities = { suspend: true, liveBandwidth: true, mirror: true, dryRun: true, liveProgress: true };
  /** The engine-wide bandwidth budget every job takes from (rate 0 = unlimited). */
  readonly sharedBandwidth: TokenBucket;
  private readonly defaults: NativeEngineOptions;

  constructor(options: NativeCopierOptions = {}) {
    const { sharedBandwidth, totalBandwidthBytesPerSec, ...defaults } = options;
    this.sharedBandwidth = sharedBandwidth ?? new TokenBucket({ bytesPerSec: totalBandwidthBytesPerSec ?? 0 });
    this.defaults = defaults;
    resolveNativeOptions(defaults, undefined); // fail fast on bad constructor options
  }

  /** Throws TypeError for invalid engineOptions.native (a config or programming error). */
  setTotalBandwidth(bytesPerSec: number): void {
    this.sharedBandwidth.setRate(bytesPerSec);
  }

  start(chunk: Chunk, options: CopyOptions): CopyJob {
    const opts = resolveNativeOptions(this.defaults, options.engineOptions);
    return new NativeJob(chunk, options, opts, this.sharedBandwidth);
  }

  async close(): Promise<void> {
    // Jobs own their resources; nothing pooled to release.
  }
}

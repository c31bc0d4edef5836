import type { MismatchSeverity } from '../exit-meaning';

/** `engineOptions.native`: tuning of the native engine, per profile. */
export interface NativeEngineOptions {
  /** Files (and directory listings) in flight at once within one job; default 8. */
  fileConcurrency?: number;
  /**
   * Files larger than this are streamed (live byte progress, bandwidth limit); smaller ones use
   * copyFile (copy_file_range / reflink, fastest). Default 8 MiB. All files are streamed while
   * a bandwidth limit applies.
   */
  streamThresholdBytes?: number;
  /** Block size of streamed copies; default 1 MiB (64 KiB while bandwidth-limited). */
  streamBlockBytes?: number;
  /** Tolerance of the up-to-date check for coarse-timestamp destinations; default 0 (same ms). */
  mtimeWindowMs?: number;
  /** Progress events at most this often; default 100 ms. */
  progressIntervalMs?: number;
  /** At most this many per-file errors are kept in the result (all are counted); default 1000. */
  maxErrors?: number;
  /** Severity when links or special files were skipped, or attributes not kept (exit bit 4); default 'Warning'. */
  skippedEntriesSeverity?: MismatchSeverity;
  /**
   * Share data blocks with the source (FICLONE) where both are one btrfs or XFS file system:
   * `auto` (default: try, and copy when it cannot), `always` (a file that cannot be cloned
   * fails), `never` (the data is always written: no block sharing, also not by copy_file_range).
   */
  reflink?: 'auto' | 'always' | 'never';
}

export type ResolvedNativeOptions = Required<Omit<NativeEngineOptions, 'streamBlockBytes'>> & { streamBlockBytes?: number };

export const NATIVE_DEFAULTS: ResolvedNativeOptions = {
  fileConcurrency: 8,
  streamThresholdBytes: 8 * 1024 * 1024,
  mtimeWindowMs: 0,
  progressIntervalMs: 100,
  maxErrors: 1000,
  skippedEntriesSeverity: 'Warning',
  reflink: 'auto',
};

const POSITIVE_INTS = ['fileConcurrency', 'streamThresholdBytes', 'streamBlockBytes', 'maxErrors'] as const;
const NON_NEGATIVE = ['mtimeWindowMs', 'progressIntervalMs'] as const;

/**
 * Merges constructor defaults with `engineOptions.native` of one job. Bad values are a
 * programming or config error (validated configs never carry them): thrown as TypeError.
 */
export function resolveNativeOptions(base: NativeEngineOptions, engineOptions: Record<string, unknown> | undefined): ResolvedNativeOptions {
  const raw = engineOptions?.native;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new TypeError('engineOptions.native must be an object');
  }
  const merged = { ...NATIVE_DEFAULTS, ...base, ...(raw as NativeEngineOptions | undefined) };
  for (const k of POSITIVE_INTS) {
    const v = merged[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new TypeError(`engineOptions.native.${k} must be an integer >= 1, got ${String(v)}`);
  }
  for (const k of NON_NEGATIVE) {
    const v = merged[k];
    if (!(typeof v === 'number' && v >= 0)) throw new TypeError(`engineOptions.native.${k} must be a number >= 0, got ${String(v)}`);
  }
  if (!['Warning', 'Error', 'Success'].includes(merged.skippedEntriesSeverity)) {
    throw new TypeError(`engineOptions.native.skippedEntriesSeverity must be Warning, Error or Success`);
  }
  if (!['auto', 'always', 'never'].includes(merged.reflink)) {
    throw new TypeError(`engineOptions.native.reflink must be auto, always or never, got ${String(merged.reflink)}`);
  }
  return merged;
}

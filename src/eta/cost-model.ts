import type { ChunkHistoryRow } from '../state/chunk-history';

/**
 * How long a chunk takes, learnt from history: `ms = msPerByte × bytes + msPerFile × files`,
 * i.e. the profile's bytes/s and files/s on this engine. Both terms matter: a chunk of many
 * small files is slow for its size, a chunk of a few big files is fast for its count.
 */
export interface CostModel {
  msPerByte: number;
  msPerFile: number;
  /** History rows the model was fitted on. */
  samples: number;
}

/** The size a row describes: what the scan estimated, or (older rows) what was copied. */
export function rowSize(r: ChunkHistoryRow): { bytes: number; files: number } {
  return r.estBytes !== null && r.estFiles !== null ? { bytes: r.estBytes, files: r.estFiles } : { bytes: r.bytes, files: r.files };
}

/**
 * Least squares through the origin on (bytes, files) → duration, both coefficients kept >= 0
 * (time never goes down with more work): when the joint fit gives one a negative value, the
 * other is fitted alone. Undefined without a usable row.
 */
export function fitCostModel(rows: readonly ChunkHistoryRow[]): CostModel | undefined {
  let bb = 0; let ff = 0; let bf = 0; let bt = 0; let ft = 0; let n = 0;
  for (const r of rows) {
    const { bytes, files } = rowSize(r);
    if (r.durationMs <= 0 || (bytes <= 0 && files <= 0)) continue;
    bb += bytes * bytes; ff += files * files; bf += bytes * files; bt += bytes * r.durationMs; ft += files * r.durationMs; n++;
  }
  if (n === 0) return undefined;
  const det = bb * ff - bf * bf;
  if (det > 1e-9 * bb * ff) {
    const a = (bt * ff - ft * bf) / det;
    const b = (ft * bb - bt * bf) / det;
    if (a >= 0 && b >= 0) return { msPerByte: a, msPerFile: b, samples: n };
  }
  const byBytes = bb > 0 ? Math.max(0, bt / bb) : 0;
  const byFiles = ff > 0 ? Math.max(0, ft / ff) : 0;
  // One term alone: whichever explains the durations with the smaller squared error.
  const err = (a: number, b: number): number => rows.reduce((s, r) => { const z = rowSize(r); return s + (a * z.bytes + b * z.files - r.durationMs) ** 2; }, 0);
  return err(byBytes, 0) <= err(0, byFiles) ? { msPerByte: byBytes, msPerFile: 0, samples: n } : { msPerByte: 0, msPerFile: byFiles, samples: n };
}

/** Milliseconds the model gives a chunk of this size. */
export function modelMs(m: CostModel, bytes: number, files: number): number {
  return m.msPerByte * bytes + m.msPerFile * files;
}

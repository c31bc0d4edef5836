import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Chunk, ExcludeRules, VerifyFindingKind } from '../api';
import { fsPath } from '../fs/byte-names';
import { factsOf, sameVersion } from './compare-meta';
import type { VerifyWorkers } from './verify-pool';
import type { HashCandidate, HashPairsResult, RawFinding } from './verify-protocol';

/** Files per hashing task, and bytes: small enough to spread a chunk over every thread. */
const HASH_BATCH_FILES = 64;
const HASH_BATCH_BYTES = 256 * 1024 * 1024;
/** Findings listed per chunk; more are counted. */
const MAX_FINDINGS = 1000;
/** FAT, exFAT and SMB shares keep file times to 2 seconds. */
export const MTIME_WINDOW_MS = 2000;

export type VerifyLevel = 'meta' | 'sample' | 'full';

export interface VerifyChunkRequest {
  chunk: Chunk;
  mode: VerifyLevel;
  /** `sample`: percentage of files hashed. */
  samplePercent: number;
  excludes: ExcludeRules;
  /** What the engine keeps, so what can be compared. */
  preserved: { mtime: boolean; mode: boolean };
  /** Varies the sample between runs (the session id). */
  seed: string;
  /** Epoch ms when the copy that made this destination started, when known. */
  copiedAt?: number;
  signal?: AbortSignal;
}

/** One file found wrong; `path` is relative to the source root, '/'-separated. */
export interface VerifyFinding {
  path: string;
  kind: VerifyFindingKind;
  detail: string;
}

export interface ChunkVerification {
  mode: VerifyLevel;
  filesChecked: number;
  filesHashed: number;
  bytesHashed: number;
  /** Listed findings: mismatches and files changed in the source. */
  findings: VerifyFinding[];
  /** Files whose copy does not match, listed or not (changed-in-source not included). */
  mismatches: number;
  changedInSource: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const join = (base: string, rel: string): string => (rel && rel !== '.' ? path.join(base, ...rel.split('/')) : base);

function batches(items: HashCandidate[]): HashCandidate[][] {
  const out: HashCandidate[][] = [];
  let cur: HashCandidate[] = [];
  let bytes = 0;
  for (const c of items) {
    if (cur.length > 0 && (cur.length >= HASH_BATCH_FILES || bytes + c.src.size > HASH_BATCH_BYTES)) { out.push(cur); cur = []; bytes = 0; }
    cur.push(c);
    bytes += c.src.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function contentFindings(candidates: HashCandidate[], hashed: HashPairsResult[]): { findings: RawFinding[]; files: number; bytes: number } {
  const byRel = new Map(candidates.map((c) => [c.rel, c]));
  const findings: RawFinding[] = [];
  let files = 0; let bytes = 0;
  for (const r of hashed.flatMap((h) => h.results)) {
    const c = byRel.get(r.rel)!;
    files++;
    bytes += r.source.bytes + r.destination.bytes;
    if (r.source.changedWhileRead) findings.push({ rel: r.rel, kind: 'changed-in-source', detail: 'changed in the source while it was verified' });
    else if (r.source.error) findings.push({ rel: r.rel, kind: 'unreadable', detail: `source file cannot be read (${r.source.error})`, src: c.src });
    else if (r.destination.error) findings.push({ rel: r.rel, kind: 'unreadable', detail: `destination file cannot be read (${r.destination.error})`, src: c.src, dst: c.dst });
    else if (r.source.digest !== r.destination.digest) {
      findings.push({
        rel: r.rel, kind: 'content', src: c.src, dst: c.dst,
        detail: `same size${c.src.mtimeMs === c.dst.mtimeMs ? ' and modification time' : ''}, different content (xxh3 ${r.source.digest} in the source, ${r.destination.digest} in the destination)`,
      });
    }
  }
  return { findings, files, bytes };
}

/**
 * Looks at the source again before a finding blames the copy: a source file that is gone,
 * that changed since the walk saw it, or whose change time is later than its copy's (it was
 * written after it was copied) — or, for a missing copy, that appeared after the copy started —
 * is reported as changed in the source, not as a bad copy.
 */
async function recheck(f: RawFinding, req: VerifyChunkRequest): Promise<RawFinding> {
  if (f.kind === 'changed-in-source' || !f.src) return f;
  let now;
  try {
    now = factsOf(await fsp.lstat(fsPath(join(req.chunk.sourcePath, f.rel))));
  } catch {
    return { ...f, kind: 'changed-in-source', detail: 'removed from the source after it was copied' };
  }
  if (!sameVersion(now, f.src)) return { ...f, kind: 'changed-in-source', detail: `changed in the source while it was verified (${f.detail})` };
  // >=: the kernel stamps ctime from a coarse clock (one tick is several ms), so a source written
  // right after its copy was made can carry the very same ctime as the copy.
  if (f.dst && f.src.ctimeMs >= f.dst.ctimeMs) {
    return { ...f, kind: 'changed-in-source', detail: `changed in the source at ${iso(f.src.ctimeMs)}, after its copy was made at ${iso(f.dst.ctimeMs)} (${f.detail})` };
  }
  if (f.kind === 'missing' && req.copiedAt !== undefined && f.src.ctimeMs >= req.copiedAt) {
    return { ...f, kind: 'changed-in-source', detail: `appeared in the source at ${iso(f.src.ctimeMs)}, after the copy started` };
  }
  return f;
}

/** Verifies one chunk's copy against its source; rejects only when the chunk's source directory cannot be listed, or on abort. */
export async function verifyChunk(req: VerifyChunkRequest, workers: VerifyWorkers): Promise<ChunkVerification> {
  const scan = await workers.scanChunk({
    sourceDir: req.chunk.sourcePath, destDir: req.chunk.destinationPath, scope: req.chunk.kind === 'tree' ? 'tree' : 'files-only',
    relBase: req.chunk.relPath, excludes: req.excludes,
    compare: { ...req.preserved, mtimeWindowMs: MTIME_WINDOW_MS },
    hash: req.mode === 'meta' ? null : { percent: req.mode === 'full' ? 100 : req.samplePercent, seed: req.seed },
    maxFindings: MAX_FINDINGS,
  }, req.signal);
  const hashed = await Promise.all(batches(scan.toHash).map((b) => workers.hashPairs({
    pairs: b.map((c) => ({ rel: c.rel, source: join(req.chunk.sourcePath, c.rel), destination: join(req.chunk.destinationPath, c.rel) })),
  }, req.signal)));
  const content = contentFindings(scan.toHash, hashed);
  const checked = await Promise.all([...scan.findings, ...content.findings].slice(0, MAX_FINDINGS).map((f) => recheck(f, req)));
  const findings = checked.map((f) => ({ path: req.chunk.relPath ? (f.rel === '.' ? req.chunk.relPath : `${req.chunk.relPath}/${f.rel}`) : f.rel, kind: f.kind, detail: f.detail }));
  const changed = findings.filter((f) => f.kind === 'changed-in-source').length;
  const overflow = scan.unlisted + Math.max(0, scan.findings.length + content.findings.length - MAX_FINDINGS);
  return {
    mode: req.mode, filesChecked: scan.filesChecked, filesHashed: content.files, bytesHashed: content.bytes,
    // Mismatches before changed-in-source, so a cut list shows what matters first.
    findings: [...findings.filter((f) => f.kind !== 'changed-in-source'), ...findings.filter((f) => f.kind === 'changed-in-source')],
    mismatches: findings.length - changed + overflow, changedInSource: changed,
  };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, ChunkKind, CopyJob, CopyOptions, CopyProgress, CopyResult, Logger } from '../api';

/** A Logger that drops everything (engines must not depend on logging for correctness). */
export function silentLogger(): Logger {
  const l: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => l };
  return l;
}

/** Files (not dirs) under `root` with their sizes, by '/'-relative path. Missing root = empty. */
export function listFiles(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string, rel: string): void => {
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return; }
    for (const name of names) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else out.set(r, st.size);
    }
  };
  walk(root, '');
  return out;
}

/** Sum of regular file sizes under `root` (recursive, or only its own files). */
export function estimate(root: string, kind: ChunkKind): { files: number; bytes: number } {
  let files = 0; let bytes = 0;
  for (const [rel, size] of listFiles(root)) {
    if (kind === 'files-only' && rel.includes('/')) continue;
    files++; bytes += size;
  }
  return { files, bytes };
}

/** A chunk over `src` → `dst` with estimates measured from `src` (0 when it does not exist). */
export function makeChunk(src: string, dst: string, kind: ChunkKind = 'tree', relPath = ''): Chunk {
  const est = estimate(src, kind);
  return {
    id: `contract:${kind}:${relPath}:${path.basename(src)}`,
    profile: 'contract', kind, relPath, sourcePath: src, destinationPath: dst,
    depth: relPath === '' ? 0 : relPath.split('/').length,
    estimatedFiles: est.files, estimatedBytes: est.bytes,
  };
}

/** Options with everything off, overridable. */
export function makeOptions(over: Partial<CopyOptions> = {}): CopyOptions {
  return {
    mirror: false, dryRun: false, excludeFiles: [], excludeDirs: [], caseInsensitive: false,
    engineOptions: {}, logger: silentLogger(), ...over,
  };
}

/** Every progress update of a job, in order. */
export function recordProgress(job: CopyJob): CopyProgress[] {
  const seen: CopyProgress[] = [];
  job.onProgress((p) => seen.push({ ...p }));
  return seen;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first progress with bytes > 0, or after `ms` (null). */
export function firstBytesOrTimeout(job: CopyJob, ms: number): Promise<CopyProgress | null> {
  return new Promise((resolve) => {
    if (job.progress().bytesCopied > 0) { resolve(job.progress()); return; }
    const timer = setTimeout(() => { off(); resolve(null); }, ms);
    const off = job.onProgress((p) => {
      if (p.bytesCopied > 0) { clearTimeout(timer); off(); resolve(p); }
    });
  });
}

/** True once `done` has settled (checked without waiting). */
export async function isSettled(done: Promise<CopyResult>): Promise<boolean> {
  const marker = Symbol('pending');
  const v = await Promise.race([done, new Promise((r) => setImmediate(() => r(marker)))]);
  return v !== marker;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CleanWalkTask } from '../../src/engines/native/clean-walk';
import { KEEP } from '../../src/engines/native/keep-flags';
import { refOf, type DirMode } from '../../src/fs/dir-ref';

/**
 * A copy thread's walk task (clean-walk.ts) over `src/a` into `dst/a`, as the tree walk makes it
 * for a mirror keeping modes, owners and directory times, no excludes; `over` changes any field.
 */
export function walkTaskFor(src: string, dst: string, mode: DirMode, over: Partial<CleanWalkTask> = {}): CleanWalkTask {
  const ref = (p: string) => refOf(p, fs.lstatSync(p));
  return {
    items: [{ src: ref(path.join(src, 'a')), target: { ref: ref(path.join(dst, 'a')) }, rel: 'a' }],
    mode, create: true, replace: true, removeTemps: true, keep: KEEP.modes | KEEP.owners, mtimeWindowMs: 0,
    directoryTimes: true, destinationCaseInsensitive: false, excludes: { excludeFiles: [], excludeDirs: [], caseInsensitive: false },
    sourceRoot: src, chunkRel: '', flags: new Int32Array(new SharedArrayBuffer(8)), budget: 128, ...over,
  };
}

import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { fsPath } from './byte-names';

/** Directories listed at once: enough to hide latency, few enough to leave file handles to the copies. */
const PARALLEL_LISTINGS = 16;

export interface CountOptions {
  /** Count only the non-directory entries directly in `dir` (a files-only chunk's scope). */
  filesOnly?: boolean;
}

async function list(dir: Buffer): Promise<Dirent<Buffer>[]> {
  try {
    return await fsp.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    // Missing, not a directory, unreadable: nothing there that a copy could delete either.
    return [];
  }
}

/**
 * Number of entries (files, links, directories, anything) below `dir`, `dir` itself not
 * counted; 0 when it is missing. Links are counted, never followed. Names are read as bytes,
 * so a directory whose name is not valid UTF-8 is counted too. Unreadable subdirectories count
 * as themselves only.
 */
export async function countEntriesBelow(dir: string, opts: CountOptions = {}): Promise<number> {
  const root = fsPath(dir);
  let level: Buffer[] = [Buffer.isBuffer(root) ? root : Buffer.from(root)];
  let count = 0;
  const sep = Buffer.from(path.sep);
  while (level.length > 0) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += PARALLEL_LISTINGS) {
      const batch = level.slice(i, i + PARALLEL_LISTINGS);
      const listings = await Promise.all(batch.map(list));
      listings.forEach((entries, k) => {
        for (const e of entries) {
          if (opts.filesOnly) { if (!e.isDirectory()) count++; continue; }
          count++;
          if (e.isDirectory()) next.push(Buffer.concat([batch[k], sep, e.name]));
        }
      });
    }
    if (opts.filesOnly) break;
    level = next;
  }
  return count;
}

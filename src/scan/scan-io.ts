import * as fs from 'node:fs';
import { fsPath } from '../fs/byte-names';
import { fsx } from '../fs/fsx';
import { listStat, type StatListing } from '../fs/list-stat';
import type { DigestFields } from '../api/digests';

/** An open directory listing, read one entry at a time (fs.Dir's synchronous subset). */
export interface DirListing {
  /** The next entry, or null at the end. */
  readSync(): fs.Dirent | null;
  closeSync(): void;
}

/**
 * The file-system calls the directory walker makes; a seam so tests can make entries vanish.
 * Paths are strings in which bytes that are not valid UTF-8 are surrogate-escaped
 * (src/fs/byte-names); the implementation hands them to the file system as the original bytes.
 */
export interface ScanIo {
  opendir(path: string): DirListing;
  /**
   * The whole listing with names as bytes. Asked only for a directory whose streamed names came
   * out with U+FFFD (not valid UTF-8, or a real U+FFFD): streaming as strings is the fast path.
   */
  readdirBytes(path: string): fs.Dirent<Buffer>[];
  /** lstat: size of a regular file, type of an entry whose dirent type is unknown. */
  lstat(path: string): fs.Stats;
  /** stat (follows links): what a symlink points at; undefined when the target is missing. */
  stat(path: string): fs.Stats | undefined;
  /** `dev:ino` of the entry itself, exact (bigint: a double cannot hold every inode number). */
  identity(path: string): string;
  /**
   * The whole directory with an lstat of every entry in one call (list-stat.ts), where the
   * file-system helper has it: no JavaScript Stats object per file. Absent: the walk streams the
   * directory and lstats each file (the seam tests use to make entries vanish).
   */
  listStat?(path: string, digest?: { rel: string; fields: DigestFields }): StatListing;
}

/**
 * Synchronous calls: inside a worker thread nothing else waits on this event loop, and a sync
 * lstat costs a few microseconds against tens for a promise round trip through libuv.
 * Directories are streamed (opendir) rather than read whole (readdir): a directory of a million
 * files never becomes a million-element array in a worker, and it measured faster too.
 * Names are streamed as strings, not Buffers: that costs ~30% less CPU per entry (measured on
 * 100k files), and the rare directory holding a name that is not UTF-8 is listed again as bytes.
 * With the file-system helper a directory is read whole instead, with its lstats, in one call
 * (listStat): less CPU again, for a directory's names and numbers in memory at once (the copy
 * holds them anyway when it lists the same directory).
 */
export const nodeScanIo: ScanIo = {
  opendir: (p) => fs.opendirSync(fsPath(p), { bufferSize: 1024 }),
  readdirBytes: (p) => fs.readdirSync(fsPath(p), { withFileTypes: true, encoding: 'buffer' }),
  lstat: (p) => fs.lstatSync(fsPath(p)),
  stat: (p) => fs.statSync(fsPath(p), { throwIfNoEntry: false }),
  identity: (p) => { const st = fs.lstatSync(fsPath(p), { bigint: true }); return `${st.dev}:${st.ino}`; },
  ...(fsx?.listStat ? { listStat } : {}),
};

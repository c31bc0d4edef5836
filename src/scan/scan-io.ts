import * as fs from 'node:fs';

/** An open directory listing, read one entry at a time (fs.Dir's synchronous subset). */
export interface DirListing {
  /** The next entry, or null at the end. */
  readSync(): fs.Dirent | null;
  closeSync(): void;
}

/** The file-system calls the directory walker makes; a seam so tests can make entries vanish. */
export interface ScanIo {
  opendir(path: string): DirListing;
  /** lstat: size of a regular file, type of an entry whose dirent type is unknown. */
  lstat(path: string): fs.Stats;
  /** stat (follows links): what a symlink points at; undefined when the target is missing. */
  stat(path: string): fs.Stats | undefined;
}

/**
 * Synchronous calls: inside a worker thread nothing else waits on this event loop, and a sync
 * lstat costs a few microseconds against tens for a promise round trip through libuv.
 * Directories are streamed (opendir) rather than read whole (readdir): a directory of a million
 * files never becomes a million-element array in a worker, and it measured faster too.
 */
export const nodeScanIo: ScanIo = {
  opendir: (p) => fs.opendirSync(p, { bufferSize: 1024 }),
  lstat: (p) => fs.lstatSync(p),
  stat: (p) => fs.statSync(p, { throwIfNoEntry: false }),
};

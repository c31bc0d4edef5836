import * as fs from 'node:fs';

/** The file-system calls the directory walker makes; a seam so tests can make entries vanish. */
export interface ScanIo {
  readdir(path: string): fs.Dirent[];
  /** lstat: size of a regular file, type of an entry whose dirent type is unknown. */
  lstat(path: string): fs.Stats;
  /** stat (follows links): what a symlink points at; undefined when the target is missing. */
  stat(path: string): fs.Stats | undefined;
}

/**
 * Synchronous calls: inside a worker thread nothing else waits on this event loop, and a sync
 * lstat costs a few microseconds against tens for a promise round trip through libuv.
 */
export const nodeScanIo: ScanIo = {
  readdir: (p) => fs.readdirSync(p, { withFileTypes: true }),
  lstat: (p) => fs.lstatSync(p),
  stat: (p) => fs.statSync(p, { throwIfNoEntry: false }),
};

import * as fs from 'node:fs';
import { fsPath } from '../../fs/byte-names';
import type { DirRef } from '../../fs/dir-ref';
import { fsx, fsxProblem } from '../../fs/fsx';
import { isUnsupported } from '../../fs/xattrs';
import type { JobContext } from './job-context';

/**
 * Whether extended attributes are worth reading in this chunk: kept by the profile, the helper is
 * there, and the source file system has them at all (one listxattr on the chunk's root: a file
 * system without them answers ENOTSUP, and then no file costs a call). Said once when the helper
 * is missing, so the admin knows why they are not copied.
 */
export function sourceKeepsXattrs(ctx: JobContext, src: DirRef): boolean {
  if (!ctx.preserve.xattrs && !ctx.preserve.acls) return false;
  if (!fsx) {
    ctx.tally.once('no-helper', `extended attributes and ACLs are not copied: robocurse's file-system helper is ${fsxProblem ?? 'missing'} (docs/engines.md, "Without the helper")`);
    return false;
  }
  try {
    fsx.llistxattr(fsPath(src.path));
    return true;
  } catch (err) {
    return !isUnsupported((err as NodeJS.ErrnoException).code ?? '');
  }
}

/** The process umask, read without changing it (/proc on Linux); 022 where it cannot be read. */
export function processUmask(): number {
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return parseInt(m[1], 8);
  } catch { /* not Linux */ }
  return 0o022;
}

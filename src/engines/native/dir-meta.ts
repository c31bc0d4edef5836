import * as fs from 'node:fs';
import { fsPath } from '../../fs/byte-names';
import type { OpenDir } from '../../fs/dir-ref';
import { setTimesFd, setTimesPath } from '../../fs/file-times';
import type { DirMeta } from './list-dir';

/** What a destination directory gets from its source's status; each caller decides which. */
export interface DirMetaSteps {
  chown: boolean;
  /** Between the owner and the mode: chown clears setgid, an ACL rewrites the group bits. */
  xattrs?: (() => void) | undefined;
  mode?: number | undefined;
  times: boolean;
  atimes: boolean;
}

/**
 * Gives the checked open directory `dd` the source's owner, attributes, mode and times, in that
 * order (each step moves the ctime only), on its descriptor, or by path in `path` mode (checked
 * by lstat just before; the window left is documented in docs/safety.md). One code for the main
 * thread (tree-walk.ts setDirectoryAttributes) and the copy threads (fix-dir.ts).
 */
export function applyDirMeta(dd: OpenDir, st: DirMeta, s: DirMetaSteps): void {
  const byPath = dd.fd === undefined ? fsPath(dd.ref.path) : undefined;
  if (s.chown) {
    if (byPath === undefined) fs.fchownSync(dd.fd!, Number(st.uid), Number(st.gid)); else fs.lchownSync(byPath, Number(st.uid), Number(st.gid));
  }
  s.xattrs?.();
  if (s.mode !== undefined) {
    if (byPath === undefined) fs.fchmodSync(dd.fd!, s.mode); else fs.chmodSync(byPath, s.mode);
  }
  if (s.times) {
    if (byPath === undefined) setTimesFd(dd.fd!, st, s.atimes); else setTimesPath(byPath, st, s.atimes);
  }
}

import * as fs from 'node:fs';
import type { Preserve } from '../api';
import type { AnchoredDir } from '../fs/anchored-dir';
import { fsx } from '../fs/fsx';
import { ACL_ACCESS, readXattrs, sameXattrs, writeXattrs } from '../fs/xattrs';

/**
 * A directory the chunker split belongs to no chunk: the engines made it as a parent of their
 * chunks and never gave it the source's owner, mode, extended attributes or ACLs. The final pass
 * does, on the directory's descriptor (never through a link), and only what differs, so an
 * unchanged re-run touches nothing. Returns the problems (an attribute the destination refused).
 */
export async function giveSplitDirectoryAttributes(src: AnchoredDir, dst: AnchoredDir, preserve: Preserve): Promise<string[]> {
  if (process.platform === 'win32') return [];
  const s = await src.stat();
  const d = await dst.stat();
  const at = dst.target();
  const problems: string[] = [];
  if (preserve.owners && (s.uid !== d.uid || s.gid !== d.gid)) {
    if ('fd' in at) fs.fchownSync(at.fd, Number(s.uid), Number(s.gid)); else fs.lchownSync(at.path, Number(s.uid), Number(s.gid));
  }
  const choice = { xattrs: preserve.xattrs, acls: preserve.acls };
  let aclSet = false;
  if (fsx && (choice.xattrs || choice.acls)) {
    const want = readXattrs(src.target(), choice);
    if (!sameXattrs(want, readXattrs(at, choice))) {
      for (const f of writeXattrs(at, want, choice, true)) problems.push(`extended attribute ${f.name} not kept (${f.code})`);
      aclSet = want.some(([n]) => n === ACL_ACCESS);
    }
  }
  const mode = Number(s.mode & 0o7777n);
  // After chown (which clears setgid) and an ACL (which rewrites the group bits).
  if (preserve.modes && (aclSet || preserve.owners || mode !== Number(d.mode & 0o7777n))) {
    const now = Number((await dst.stat()).mode & 0o7777n);
    if (now !== mode) {
      if ('fd' in at) fs.fchmodSync(at.fd, mode);
      else if (fsx) fsx.lchmod(at.path, mode);
      else fs.chmodSync(at.path, mode); // `path` mode without the helper: checked by lstat when opened (docs/safety.md)
    }
  }
  return problems;
}

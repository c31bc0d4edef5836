import type { Preserve } from '../../api';
import { defaultPreserve } from '../../config/preserve';
import { canChown, canMknod } from '../../fs/privilege';

/**
 * rsync switches for the profile's `preserve`. Always `-r` (chunk scoping relies on recursion)
 * and `-t` (mtime is always kept). `extra` is the profile's own `attributes`, placed after; a
 * preserve key that is off is then switched off explicitly (`--no-…`), so `-a` in `attributes`
 * cannot bring back owners, links or devices the profile does not keep.
 */
export function preserveFlags(p: Preserve = defaultPreserve(canChown()), extra: readonly string[] = [], devicesAllowed = canMknod()): string[] {
  const on: string[] = ['-rt'];
  if (p.symlinks) on.push('-l');
  if (p.modes) on.push('-p');
  if (p.owners) on.push('-o', '-g', '--numeric-ids');
  if (p.specials) on.push('--specials');
  // Devices only where mknod is allowed: elsewhere rsync would fail each one (exit 23).
  if (p.specials && devicesAllowed) on.push('--devices');
  if (p.hardLinks) on.push('-H');
  if (p.acls) on.push('-A');
  if (p.xattrs) on.push('-X');
  if (p.sparse) on.push('-S');
  if (p.atimes) on.push('-U');
  if (!p.directoryTimes) on.push('-O');
  if (extra.length === 0) return on;
  const off: string[] = [];
  if (!p.symlinks) off.push('--no-links');
  if (!p.modes) off.push('--no-perms');
  if (!p.owners) off.push('--no-owner', '--no-group');
  if (!p.specials) off.push('--no-specials');
  if (!p.specials || !devicesAllowed) off.push('--no-devices');
  if (!p.hardLinks) off.push('--no-hard-links');
  if (!p.acls) off.push('--no-acls');
  if (!p.xattrs) off.push('--no-xattrs');
  if (!p.sparse) off.push('--no-sparse');
  if (!p.atimes) off.push('--no-atimes');
  if (p.directoryTimes) off.push('--no-omit-dir-times');
  return [...on, ...extra, ...off];
}

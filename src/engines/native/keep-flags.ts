import type { Preserve } from '../../api';

/**
 * What a copy keeps besides the data, as bits: one number crosses to the copy worker threads
 * with each batch instead of an object per file (batch-protocol.ts).
 */
export const KEEP = {
  owners: 1,
  modes: 2,
  /** Read the source's extended attributes (off when the source file system has none). */
  xattrs: 4,
  acls: 8,
  atimes: 16,
  /** Names of one inode go to the main thread, which links them (hard-links.ts). */
  hardLinks: 32,
  /** Files with fewer blocks than their size go to the main thread's hole-keeping copy. */
  sparse: 64,
  /** reflink "never": write the data, never share blocks (no copyFile, which may clone). */
  noClone: 128,
  /** The destination file system keeps extended attributes (off after it said ENOTSUP). */
  writeXattrs: 256,
} as const;

/** The bits for `p`; `xattrSource` and `xattrDest` say whether each side keeps attributes at all. */
export function keepBits(p: Preserve, o: { xattrSource: boolean; xattrDest: boolean; noClone: boolean }): number {
  let b = 0;
  if (p.owners) b |= KEEP.owners;
  if (p.modes) b |= KEEP.modes;
  if (o.xattrSource && o.xattrDest) {
    if (p.xattrs) b |= KEEP.xattrs;
    if (p.acls) b |= KEEP.acls;
    b |= KEEP.writeXattrs;
  }
  if (p.atimes) b |= KEEP.atimes;
  if (p.hardLinks) b |= KEEP.hardLinks;
  if (p.sparse) b |= KEEP.sparse;
  if (o.noClone) b |= KEEP.noClone;
  return b;
}

/** The extended attributes a copy reads and writes under `bits`. */
export function xattrChoice(bits: number): { xattrs: boolean; acls: boolean } {
  return { xattrs: (bits & KEEP.xattrs) !== 0, acls: (bits & KEEP.acls) !== 0 };
}

/** True when the copy keeps any extended attribute under `bits`. */
export function keepsXattrs(bits: number): boolean {
  return (bits & (KEEP.xattrs | KEEP.acls)) !== 0;
}

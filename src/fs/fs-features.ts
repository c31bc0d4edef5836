import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PreserveKey } from '../api';

/**
 * What a file system can keep of a file besides its data, as far as its type tells (statfs).
 * `false`: it cannot (FAT, exFAT: no links, owners, modes, specials, xattrs); `undefined`: not
 * known from the type (network and FUSE file systems): engines try and say what failed.
 */
export interface FsFeatures {
  /** The file system's name, for messages ('vfat', 'ext4', 'type 0x1234'). */
  name: string;
  keeps: Partial<Record<PreserveKey, boolean>>;
}

const ALL: Partial<Record<PreserveKey, boolean>> = {
  owners: true, symlinks: true, hardLinks: true, specials: true, sparse: true, xattrs: true, acls: true, modes: true,
};
const FAT: Partial<Record<PreserveKey, boolean>> = {
  owners: false, symlinks: false, hardLinks: false, specials: false, sparse: false, xattrs: false, acls: false, modes: false,
};

/** statfs f_type magic numbers (linux/magic.h) of the file systems worth naming. */
const BY_MAGIC: ReadonlyMap<number, [string, Partial<Record<PreserveKey, boolean>>]> = new Map([
  [0xef53, ['ext4', ALL]],
  [0x58465342, ['xfs', ALL]],
  [0x9123683e, ['btrfs', ALL]],
  [0x01021994, ['tmpfs', ALL]],
  [0xf2f52010, ['f2fs', ALL]],
  [0x794c7630, ['overlayfs', ALL]],
  [0x2fc12fc1, ['zfs', { ...ALL, acls: undefined }]],
  [0x4d44, ['vfat', FAT]],
  [0x2011bab0, ['exfat', FAT]],
  [0x6969, ['nfs', { xattrs: undefined, acls: undefined }]],
  [0xff534d42, ['cifs', { specials: false }]],
  [0xfe534d42, ['smb2', { specials: false }]],
  [0x65735546, ['fuse', {}]],
] as Array<[number, [string, Partial<Record<PreserveKey, boolean>>]]>);

/** The nearest existing directory at or above `p` (a destination not made yet lies on its parent's file system). */
function nearestExisting(p: string): string {
  let cur = path.resolve(p);
  for (;;) {
    if (fs.existsSync(cur)) return cur;
    const up = path.dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}

/**
 * The features of the file system holding `p` (or, when it does not exist yet, its nearest
 * existing parent). Reads only (statfs); undefined off Linux or when statfs fails.
 */
export function fileSystemFeatures(p: string): FsFeatures | undefined {
  if (process.platform !== 'linux') return undefined;
  let type: number;
  try {
    type = Number(fs.statfsSync(nearestExisting(p)).type);
  } catch {
    return undefined;
  }
  // f_type is a signed long in some ABIs: compare as unsigned 32 bits.
  const known = BY_MAGIC.get(type >>> 0);
  return known ? { name: known[0], keeps: known[1] } : { name: `type 0x${(type >>> 0).toString(16)}`, keeps: {} };
}

/** statfs(2) f_type of btrfs. */
export const BTRFS_SUPER_MAGIC = 0x9123683e;

/** The root directory of every btrfs subvolume has this inode number (BTRFS_FIRST_FREE_OBJECTID). */
export const SUBVOLUME_ROOT_INO = 256;

/**
 * In a snapshot, a subvolume nested in the snapshotted one appears as an empty directory with
 * this inode number (BTRFS_EMPTY_SUBVOL_DIR_OBJECTID); its content is not in the snapshot.
 */
export const EMPTY_SUBVOL_DIR_INO = 2;

/** Names of common filesystems by f_type, so "not on btrfs" can say what was found instead. */
const NAMES: Record<number, string> = {
  0xef53: 'ext2/3/4', 0x58465342: 'xfs', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs', 0x6969: 'nfs',
  0x2fc12fc1: 'zfs', 0xff534d42: 'cifs', 0xfe534d42: 'smb2', 0x4d44: 'vfat', 0x5346544e: 'ntfs',
  0x65735546: 'fuse', 0xf2f52010: 'f2fs', 0x9123683e: 'btrfs', 0x858458f6: 'ramfs', 0xca451a4e: 'bcachefs',
};

/** 'xfs', or the hex magic when unknown. */
export function fsTypeName(type: number): string {
  return NAMES[type] ?? `filesystem type 0x${(type >>> 0).toString(16)}`;
}

import type { PreserveCapabilities } from '../../api';

/**
 * rsync keeps everything `preserve` names (-o -g --numeric-ids, -l, -H within a chunk, -D, -S, -X,
 * -A, -p, -U, directory times); ACLs and xattrs need an rsync built with them and a destination
 * that keeps them (rsync then exits 23 or 4, which the chunk reports).
 */
export const RSYNC_PRESERVE: PreserveCapabilities = {
  owners: true, symlinks: true, hardLinks: true, specials: true, sparse: true, xattrs: true, acls: true,
  modes: true, atimes: true, directoryTimes: true,
};

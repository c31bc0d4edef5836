import type { PreserveCapabilities } from '../../api';

/**
 * What robocopy keeps, mapped from `preserve` to /COPY and /DCOPY (build-args.ts): owners /COPY:O,
 * ACLs /COPY:S (NTFS security descriptors, the Windows counterpart of POSIX ACLs), modes /COPY:A
 * (read-only, hidden, system, archive), times /COPY:T and /DCOPY:T. Hard links are not kept by
 * robocopy itself: the orchestrator links the names after the chunks (docs/engines.md).
 */
export const ROBOCOPY_PRESERVE: PreserveCapabilities = {
  owners: true,
  acls: true,
  modes: true,
  atimes: true,
  directoryTimes: true,
  symlinks: 'robocurse refuses /SL and /SJ: robocopy would follow such a link in the destination on the next run (docs/safety.md); links are skipped (/XJD /XJF)',
  specials: 'Windows has no FIFOs, sockets or device files',
  sparse: 'robocopy writes the holes of sparse files out as data',
  xattrs: 'robocopy keeps no POSIX extended attributes (alternate data streams travel with /COPY:D)',
};

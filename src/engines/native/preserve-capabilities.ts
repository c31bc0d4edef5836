import type { PreserveCapabilities } from '../../api';
import { fsx, fsxProblem } from '../../fs/fsx';

/**
 * What the native engine keeps on this host (docs/engines.md). Extended attributes and ACLs need
 * robocurse's file-system helper (native/fsx.c, built at install); without it they are not kept
 * and times are kept to the microsecond.
 */
export function nativePreserveCapabilities(platform: NodeJS.Platform = process.platform, helper = fsx !== undefined): PreserveCapabilities {
  if (platform === 'win32') {
    const why = 'the native engine does not keep Windows owners, links or security descriptors; use robocopy on Windows';
    return { owners: why, symlinks: why, hardLinks: true, specials: why, sparse: true, xattrs: why, acls: why, modes: true, atimes: true, directoryTimes: true };
  }
  const noHelper = `robocurse's file-system helper is ${fsxProblem ?? 'missing'} (docs/engines.md, "Without the helper")`;
  return {
    owners: true, symlinks: true, hardLinks: true, specials: true, sparse: true, modes: true, atimes: true, directoryTimes: true,
    xattrs: helper ? true : noHelper,
    acls: !helper ? noHelper : platform === 'linux' ? true : 'POSIX ACLs are kept on Linux only',
  };
}

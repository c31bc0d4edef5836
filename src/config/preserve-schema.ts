import type { PreserveKey } from '../api';

const flag = (description: string): { type: 'boolean'; description: string } => ({ type: 'boolean', description });

/** JSON schema of a profile's `preserve`; every key is optional (absent = the default). */
export const PRESERVE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description: 'What of each file besides its data the replica keeps, for every engine (docs/engines.md has what each engine can keep).',
  properties: {
    owners: flag('Owner and group as numeric ids (like rsync --numeric-ids). Default: on when robocurse runs privileged (root or CAP_CHOWN).'),
    symlinks: flag('Symbolic links copied as links, never followed. Default on.'),
    hardLinks: flag('Names of one file stay one file, also across chunks. Default on.'),
    specials: flag('FIFOs and sockets, and devices when privileged. Default on.'),
    sparse: flag('Holes in sparse files stay holes. Default on.'),
    xattrs: flag('Extended attributes. Default on where the destination file system keeps them.'),
    acls: flag('POSIX ACLs. Default on where the destination file system keeps them.'),
    modes: flag('Permission bits, setuid, setgid and sticky included. Default on.'),
    atimes: flag('Access times (mtime is always kept). Default off.'),
    directoryTimes: flag('Modification times of directories. Default on.'),
  } satisfies Record<PreserveKey, unknown>,
} as const;

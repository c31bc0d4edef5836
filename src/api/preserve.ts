/**
 * What of a file besides its data a replica keeps: the profile's `preserve` setting, shared by
 * every engine. Each engine maps it to its own switches or implements it, and declares in its
 * capabilities what it cannot keep (docs/engines.md has the table per engine and platform).
 */
export interface Preserve {
  /** Owner and group, as numeric ids (like rsync --numeric-ids). Default: on when privileged. */
  owners: boolean;
  /** Symbolic links copied as links (never followed). Default on. */
  symlinks: boolean;
  /** Names of one file stay one file, also across chunks. Default on. */
  hardLinks: boolean;
  /** FIFOs and sockets; character and block devices when privileged. Default on. */
  specials: boolean;
  /** Holes stay holes (no blocks allocated for them). Default on. */
  sparse: boolean;
  /** Extended attributes (user.*, trusted.*, security.*). Default on where the file systems support them. */
  xattrs: boolean;
  /** POSIX ACLs (access and default). Default on where the file systems support them. */
  acls: boolean;
  /** Permission bits, setuid/setgid/sticky included. Default on. */
  modes: boolean;
  /** Access times (mtime is always kept). Default off. */
  atimes: boolean;
  /** Modification times of directories. Default on. */
  directoryTimes: boolean;
}

export type PreserveKey = keyof Preserve;

export const PRESERVE_KEYS: readonly PreserveKey[] = [
  'owners', 'symlinks', 'hardLinks', 'specials', 'sparse', 'xattrs', 'acls', 'modes', 'atimes', 'directoryTimes',
];

/**
 * Per preserve key, what an engine does when asked: `true` it keeps it; a string says why it
 * cannot (shown by `validate` and in the run log); absent means it cannot, for no stated reason.
 * `hardLinks: true` means within one chunk: the orchestrator links names across chunks itself,
 * and every name of a group for engines that cannot.
 */
export type PreserveCapabilities = Partial<Record<PreserveKey, true | string>>;

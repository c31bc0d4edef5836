import { PRESERVE_KEYS, type Preserve, type PreserveCapabilities, type PreserveKey } from '../api';
import type { FsFeatures } from '../fs/fs-features';

/** A profile's `preserve` as written: only the keys the admin set. */
export type PreserveSettings = Partial<Preserve>;

/** What the resolution of one profile's `preserve` is based on. */
export interface PreserveContext {
  /** robocurse may give files to other owners (root, CAP_CHOWN). */
  privileged: boolean;
  /** The destination's file system, when known (statfs). */
  destination?: FsFeatures;
  /** What the profile's engine keeps; undefined for an engine that does not say (plugins). */
  engine?: PreserveCapabilities;
  engineName: string;
}

/** Why a preserve key ended up off: `warn` when the admin asked for it, `info` for a default. */
export interface PreserveNote {
  key: PreserveKey;
  level: 'warn' | 'info';
  message: string;
}

const WHAT: Record<PreserveKey, string> = {
  owners: 'owners', symlinks: 'symbolic links', hardLinks: 'hard links', specials: 'FIFOs, sockets and devices',
  sparse: 'holes of sparse files', xattrs: 'extended attributes', acls: 'POSIX ACLs', modes: 'permission bits',
  atimes: 'access times', directoryTimes: 'directory times',
};

/** The defaults, before the engine and the destination have their say. */
export function defaultPreserve(privileged: boolean): Preserve {
  return {
    owners: privileged, symlinks: true, hardLinks: true, specials: true, sparse: true,
    xattrs: true, acls: true, modes: true, atimes: false, directoryTimes: true,
  };
}

/**
 * The profile's preserve for a run: its settings over the defaults, then off whatever the engine
 * or the destination file system cannot keep — with a note for each (a warning when the admin
 * asked for it explicitly). Holes on a file system without them are not an error: the data is
 * the same, only more blocks are used, so `sparse` is never turned off here.
 */
export function resolvePreserve(settings: PreserveSettings, ctx: PreserveContext): { preserve: Preserve; notes: PreserveNote[] } {
  const preserve: Preserve = { ...defaultPreserve(ctx.privileged), ...settings };
  const notes: PreserveNote[] = [];
  const off = (key: PreserveKey, why: string): void => {
    if (!preserve[key]) return;
    preserve[key] = false;
    const explicit = settings[key] === true;
    notes.push({ key, level: explicit ? 'warn' : 'info', message: `preserve.${key}: ${WHAT[key]} are not kept: ${why}` });
  };
  if (settings.owners === true && !ctx.privileged) off('owners', 'robocurse does not run as root (or with CAP_CHOWN), so it cannot give files to other owners');
  for (const key of PRESERVE_KEYS) {
    // Names an engine cannot link, the orchestrator links after the chunks (link pass).
    const cap = key === 'hardLinks' ? true : ctx.engine?.[key];
    if (ctx.engine && cap !== true) off(key, `engine ${ctx.engineName} cannot keep them${typeof cap === 'string' ? ` (${cap})` : ''}`);
    if (key !== 'sparse' && ctx.destination?.keeps[key] === false) off(key, `the destination file system (${ctx.destination.name}) cannot keep them`);
  }
  return { preserve, notes };
}

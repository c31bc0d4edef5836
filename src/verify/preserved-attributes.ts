import type { ProfileConfig } from '../config/types';

/** Which file attributes a profile's engine copies, so which a verification may compare. */
export interface PreservedAttributes {
  mtime: boolean;
  mode: boolean;
}

function rsyncSwitches(attributes: unknown): string[] {
  if (Array.isArray(attributes)) return attributes.map(String);
  if (typeof attributes === 'string') return attributes.split(/\s+/).filter(Boolean);
  return ['-a'];
}

function rsyncKeeps(switches: string[], letters: string, long: string[], negated: string): boolean {
  if (switches.includes(negated)) return false;
  return switches.some((s) => long.includes(s) || (/^-[A-Za-z]+$/.test(s) && [...s.slice(1)].some((c) => letters.includes(c))));
}

/**
 * What the engine keeps: the native copier keeps times and (on POSIX) permission bits; rsync what
 * its attribute switches ask for (`-a` = both); robocopy times unless `/COPY:` leaves T out, and
 * no POSIX modes. Other engines (plugins) are trusted with times only.
 */
export function preservedAttributes(profile: ProfileConfig, platform: NodeJS.Platform = process.platform): PreservedAttributes {
  const posix = platform !== 'win32' && !profile.windowsPaths;
  switch (profile.engine) {
    case 'native': return { mtime: true, mode: posix };
    case 'rsync': {
      const sw = rsyncSwitches(profile.engineOptions.rsync?.attributes);
      const acls = profile.engineOptions.rsync?.acls === true;
      return {
        mtime: rsyncKeeps(sw, 'at', ['--archive', '--times'], '--no-times'),
        mode: posix && (acls || rsyncKeeps(sw, 'apA', ['--archive', '--perms', '--acls'], '--no-perms')),
      };
    }
    case 'robocopy': {
      const switches = (profile.engineOptions.robocopy?.switches as string[] | undefined) ?? [];
      const copy = switches.map((s) => /^\/COPY:([A-Z]+)$/i.exec(s)?.[1]).find((v) => v !== undefined);
      return { mtime: copy === undefined || /T/i.test(copy), mode: false };
    }
    default: return { mtime: true, mode: false };
  }
}

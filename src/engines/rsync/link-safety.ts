import { RsyncArgumentError } from './errors';

/**
 * Options that make rsync follow links: -L/--copy-links and -k/--copy-dirlinks (and
 * --copy-unsafe-links) read the source through links, out of the source tree; -K/--keep-dirlinks
 * writes through a destination link to a directory instead of replacing it. robocurse promises
 * neither happens (docs/safety.md), so they are refused whatever the attribute allow-list says.
 */
const SHORT = new Set(['L', 'k', 'K']);
const LONG = ['--copy-links', '--copy-dirlinks', '--copy-unsafe-links', '--keep-dirlinks'];

/** Throws RSYNC_BAD_OPTION for an attribute that would make rsync follow a link. */
export function refuseLinkFollowing(attributes: readonly string[]): void {
  for (const a of attributes) {
    let bad: string | undefined;
    if (a.startsWith('--')) {
      const name = a.split('=')[0];
      // popt also takes an unambiguous abbreviation (--keep-d): refuse those as well.
      if (LONG.some((l) => l === name || (name.length >= 8 && l.startsWith(name)))) bad = name;
    } else if (a.startsWith('-')) {
      bad = [...a.slice(1)].find((c) => SHORT.has(c));
      if (bad !== undefined) bad = `-${bad}`;
    }
    if (bad !== undefined) {
      throw new RsyncArgumentError('RSYNC_BAD_OPTION',
        `engineOptions.rsync.attributes: ${bad} (in ${JSON.stringify(a)}) makes rsync follow symbolic links, out of the source or through the destination; robocurse never does (see docs/safety.md)`);
    }
  }
}

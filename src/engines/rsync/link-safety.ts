import { runCommand } from '../../process/run-command';
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

/** rsync 3.4.0 opens every path component without following links, on both ends. */
const SAFE_FROM = [3, 4, 0] as const;

/** The version `rsync --version` prints first, or undefined when it cannot be run or read. */
export async function rsyncVersion(executable: string): Promise<[number, number, number] | undefined> {
  let out: string;
  try {
    out = (await runCommand([executable, '--version'], { timeoutMs: 10_000, env: { ...process.env, LC_ALL: 'C' } })).stdout.toString('utf8');
  } catch {
    return undefined; // a path with a control character: not a program that could be run
  }
  const m = /rsync\s+version\s+v?(\d+)\.(\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * Whether this rsync refuses links that appear mid-run inside a transfer (a directory swapped
 * for a link while rsync works in it): rsync 3.4.0 and later do (the fixes for CVE-2024-12086 to
 * 12088 and the sender's symlink race), older ones may follow such a link. Distributions that
 * backported those fixes keep an older number, so this only warns (docs/safety.md).
 */
export function isMidRunLinkSafe(version: readonly number[]): boolean {
  for (let i = 0; i < SAFE_FROM.length; i++) {
    if (version[i] !== SAFE_FROM[i]) return version[i] > SAFE_FROM[i];
  }
  return true;
}

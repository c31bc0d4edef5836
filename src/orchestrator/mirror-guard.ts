import { promises as fsp } from 'node:fs';
import type { DirTree } from '../api';
import type { ProfileConfig } from '../config/types';
import { decodeName, displayName, fsPath } from '../fs/byte-names';
import { profileExcludes } from '../plan/profile-excludes';
import { makeExcludeMatcher } from '../scan';
import { describeDevice, sameFileSystem, type SourceDevice } from './source-device';
import { MirrorRefusedError } from '../errors/run-errors';

export { MirrorRefusedError };


export interface MirrorGuardInput {
  profile: ProfileConfig;
  /** Where the copy reads from (the snapshot when there is one). */
  sourceRoot: string;
  tree: DirTree;
  /** Where the source lived at the profile's last successful run, if that was this source path. */
  previous?: SourceDevice;
  /** Where it lives now; undefined when it could not be told. */
  current?: SourceDevice;
}

/** Nothing at all in the source after excludes: no file, no directory, no link, nothing unreadable. */
function sourceIsEmpty(tree: DirTree): boolean {
  const root = tree.rootNode;
  return root.totalFiles === 0 && root.children.length === 0 && tree.skippedLinks.length === 0 && tree.errors.length === 0;
}

/** Top-level destination entries a mirror would delete if the source had nothing (excluded ones are kept). */
async function deletableAtTop(profile: ProfileConfig): Promise<string[]> {
  const matcher = makeExcludeMatcher(profileExcludes(profile));
  try {
    const entries = await fsp.readdir(fsPath(profile.destination), { withFileTypes: true, encoding: 'buffer' });
    return entries.map((e) => ({ name: decodeName(e.name), dir: e.isDirectory() }))
      .filter((e) => (e.dir ? !matcher.excludesDir(e.name, e.name) : !matcher.excludesFile(e.name)))
      .map((e) => e.name);
  } catch {
    return []; // no destination yet: nothing to lose
  }
}

/** What a refusal adds for the admin. */
export const REFUSAL_ADVICE = 'Nothing was deleted. Is the share or disk mounted? If this is intended, run once with --allow-mass-delete.';

/**
 * Why a mirror of `profile` must not run now (a sentence about its source), or undefined when it may:
 * - the source is empty while the destination holds something a mirror would delete (an
 *   unmounted share is an empty directory: mirroring it wipes the replica);
 * - the source is on another file system than at the profile's last successful run (the mount
 *   is gone and the mount point on the parent file system holds a stray file or two).
 * Only mirrors are checked: a copy without mirror deletes nothing.
 */
export async function mirrorRefusal(i: MirrorGuardInput): Promise<string | undefined> {
  const p = i.profile;
  if (!p.mirror) return undefined;
  if (i.previous && i.current && !sameFileSystem(i.previous, i.current)) {
    return `its source ${displayName(p.source)} is on another file system than at its last ` +
      `successful run (then ${describeDevice(i.previous)}, now ${describeDevice(i.current)})`;
  }
  if (sourceIsEmpty(i.tree)) {
    const doomed = await deletableAtTop(p);
    if (doomed.length > 0) {
      const shown = doomed.slice(0, 3).map(displayName).join(', ');
      return `its source ${displayName(i.sourceRoot)} is empty, but the destination ` +
        `${displayName(p.destination)} is not (${doomed.length} entr${doomed.length === 1 ? 'y' : 'ies'} at its top: ${shown}` +
        `${doomed.length > 3 ? ', ...' : ''}); a mirror would delete the whole replica`;
    }
  }
  return undefined;
}

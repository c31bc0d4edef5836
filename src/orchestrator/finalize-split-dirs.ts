import type { BigIntStats } from 'node:fs';
import type { Chunk, Logger } from '../api';
import { AnchoredDir, type AnchoredEntry } from '../fs/anchored-dir';
import { displayName } from '../fs/byte-names';
import { probeCaseSensitivity, type CaseSensitivity } from '../fs/case-sensitivity';
import type { ProfileConfig } from '../config/types';
import { profileExcludes } from '../plan/profile-excludes';
import { makeExcludeMatcher, type ExcludeMatcher } from '../scan';

/** Directories the chunker split: strict ancestors of tree chunks, and files-only chunk dirs. */
export function splitDirectories(chunks: readonly Chunk[]): string[] {
  const dirs = new Set<string>();
  for (const c of chunks) {
    if (c.kind === 'files-only') dirs.add(c.relPath);
    let rel = c.relPath;
    while (rel !== '') {
      rel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      dirs.add(rel);
    }
  }
  // Deepest first: a parent's mtime is set after its children are final.
  const depth = (rel: string): number => (rel === '' ? 0 : rel.split('/').length);
  return [...dirs].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1));
}

export interface FinalizeResult { extrasRemoved: string[]; problems: string[] }

export interface FinalizeOptions {
  dryRun: boolean;
  logger: Logger;
  /**
   * How the destination compares names, as probed when the profile started. When it was only
   * assumed (the destination did not exist yet), it is probed again here, where it does.
   */
  destinationCase?: CaseSensitivity;
}

/** Case-insensitive comparison key; folding more than a file system does only keeps more. */
function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

const code = (e: unknown): string => (e as NodeJS.ErrnoException)?.code ?? 'UNKNOWN';

/**
 * After every chunk of a profile ran: in each directory the chunker split, (1) with mirror,
 * remove destination entries that do not exist in the source and are not excluded — no chunk
 * owns them, since each chunk only mirrors inside its own scope — and (2) give the directory
 * its source mtime back, which the chunks writing inside it have bumped. A directory whose
 * source cannot be listed is left alone: nothing is ever deleted on an incomplete picture.
 *
 * Names are compared as bytes, and as the destination compares them: on a case-insensitive one
 * `finance` is the replica of the source's `Finance`, never an extra. Whatever the probe said, an
 * entry the file system reaches under a source name (same inode) is never an extra either.
 * Nothing here follows a symlink in the destination: a split directory, or a parent of one,
 * found to be a link is removed (mirror: it stands where the source has a directory) or reported,
 * and deletions and times apply to the entries themselves (src/fs/anchored-dir).
 */
export async function finalizeSplitDirectories(profile: ProfileConfig, sourceRoot: string, chunks: readonly Chunk[], opts: FinalizeOptions): Promise<FinalizeResult> {
  const result: FinalizeResult = { extrasRemoved: [], problems: [] };
  if (profile.windowsPaths && process.platform !== 'win32') return result;
  const dirs = splitDirectories(chunks);
  if (dirs.length === 0) return result;
  let dcase = opts.destinationCase;
  if (!dcase || dcase.how === 'assumed') dcase = await probeCaseSensitivity(profile.destination, { mayWrite: !opts.dryRun });
  const pass = new FinalizePass(profile, sourceRoot, dcase.caseInsensitive, opts.dryRun, result);
  for (const rel of dirs) await pass.finalize(rel);
  for (const p of result.problems) opts.logger.warn({ profile: profile.name }, `finalize: ${p}`);
  if (result.extrasRemoved.length) {
    opts.logger.info({ profile: profile.name, extras: result.extrasRemoved.slice(0, 50).map(displayName) },
      `${opts.dryRun ? 'would remove' : 'removed'} ${result.extrasRemoved.length} extra(s) outside every chunk`);
  }
  return result;
}

/** Relative path for messages: '.' for the root, names that are not UTF-8 as \xNN. */
const shown = (rel: string): string => displayName(rel) || '.';

class FinalizePass {
  private readonly matchers: ExcludeMatcher[];

  constructor(
    private readonly profile: ProfileConfig, private readonly sourceRoot: string, private readonly caseInsensitive: boolean,
    private readonly dryRun: boolean, private readonly result: FinalizeResult,
  ) {
    const rules = profileExcludes(profile);
    this.matchers = [makeExcludeMatcher(rules, { sourceRoot })];
    // On a case-insensitive destination an entry matching an exclude in any case is kept.
    if (caseInsensitive && !rules.caseInsensitive) this.matchers.push(makeExcludeMatcher({ ...rules, caseInsensitive: true }, { sourceRoot }));
  }

  async finalize(rel: string): Promise<void> {
    const src = await this.openBoth(this.sourceRoot, rel, 'source');
    if (!src) return;
    let srcNames: string[];
    let srcTimes: { atime: Date; mtime: Date };
    try {
      const st = await src.stat();
      srcTimes = { atime: new Date(Number(st.atimeMs)), mtime: new Date(Number(st.mtimeMs)) };
      srcNames = (await src.list()).map((e) => e.name);
    } catch (err) {
      this.result.problems.push(`${shown(rel)}: cannot list the source (${code(err)}); left as is`);
      return;
    } finally {
      await src.close();
    }
    const dst = await this.openBoth(this.profile.destination, rel, 'destination');
    if (!dst) return;
    try {
      if (this.profile.mirror) await this.removeExtras(dst, rel, srcNames);
      if (!this.dryRun) {
        try { await dst.setTimes(srcTimes.atime, srcTimes.mtime); } catch (err) {
          this.result.problems.push(`${shown(rel)}: cannot set times (${code(err)})`);
        }
      }
    } finally {
      await dst.close();
    }
  }

  /**
   * Opens `root/rel` one component at a time, following no symlink below the root. undefined
   * (and a problem, or the link removed under mirror in the destination) when one is in the way;
   * undefined silently when the destination directory does not exist (nothing was copied there).
   */
  private async openBoth(root: string, rel: string, side: 'source' | 'destination'): Promise<AnchoredDir | undefined> {
    let dir: AnchoredDir;
    try {
      dir = await AnchoredDir.openRoot(root);
    } catch (err) {
      if (side === 'source') this.result.problems.push(`${shown(rel)}: cannot list the source (${code(err)}); left as is`);
      return undefined;
    }
    let at = '';
    for (const name of rel === '' ? [] : rel.split('/')) {
      const here = at ? `${at}/${name}` : name;
      try {
        const next = await dir.openChild(name);
        await dir.close();
        dir = next;
        at = here;
      } catch (err) {
        await this.blocked(dir, name, here, rel, side, err);
        await dir.close();
        return undefined;
      }
    }
    return dir;
  }

  /** A component of `rel` could not be entered: say why, and under mirror replace a destination link. */
  private async blocked(parent: AnchoredDir, name: string, here: string, rel: string, side: 'source' | 'destination', err: unknown): Promise<void> {
    const c = code(err);
    if (side === 'source') {
      const why = c === 'ELOOP' ? `${shown(here)} is now a symbolic link` : c;
      this.result.problems.push(`${shown(rel)}: cannot list the source (${why}); left as is`);
      return;
    }
    if (c === 'ENOENT') return;
    if (c !== 'ELOOP') {
      this.result.problems.push(`${shown(rel)}: cannot open the destination directory (${c === 'ENOTDIR' ? `${shown(here)} is not a directory` : c}); left as is`);
      return;
    }
    if (!this.profile.mirror) {
      this.result.problems.push(`${shown(here)}: is a symbolic link in the destination where the source has a directory; not followed, left as is (mirror is off)`);
      return;
    }
    this.result.extrasRemoved.push(here);
    if (this.dryRun) return;
    try {
      await parent.remove(name);
      this.result.problems.push(`${shown(here)}: was a symbolic link in the destination where the source has a directory; removed, not followed (the next run copies the directory)`);
    } catch (e) {
      this.result.problems.push(`${shown(here)}: is a symbolic link where the source has a directory and cannot be removed (${code(e)}); not followed`);
    }
  }

  private async removeExtras(dst: AnchoredDir, rel: string, srcNames: string[]): Promise<void> {
    const exact = new Set(srcNames);
    const folded = new Map<string, string>();
    if (this.caseInsensitive) {
      for (const n of srcNames) {
        const k = fold(n);
        const other = folded.get(k);
        if (other !== undefined) this.result.problems.push(`${shown(rel)}: '${displayName(other)}' and '${displayName(n)}' differ only in case; the destination ignores case and can hold only one of them`);
        else folded.set(k, n);
      }
    }
    let entries: AnchoredEntry[];
    try { entries = await dst.list(); } catch (err) {
      this.result.problems.push(`${shown(rel)}: cannot list the destination (${code(err)}); left as is`);
      return;
    }
    const listed = new Set(entries.map((e) => e.name));
    let reached: BigIntStats[] | undefined;
    for (const e of entries) {
      if (exact.has(e.name)) continue;
      if (this.caseInsensitive && folded.has(fold(e.name))) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const isDir = e.isDirectory && !e.isSymbolicLink;
      if (this.matchers.some((m) => (isDir ? m.excludesDir(e.name, childRel) : m.excludesFile(e.name)))) continue;
      // The file system's own answer: a source name it resolves to this very entry (another case,
      // another Unicode normalisation) makes the entry that name's replica, whatever the probe said.
      reached ??= await this.reachedBySourceNames(dst, srcNames.filter((n) => !listed.has(n)));
      const st = await dst.lstat(e.name).catch(() => undefined);
      if (st && reached.some((r) => sameEntry(r, st))) continue;
      this.result.extrasRemoved.push(childRel);
      if (this.dryRun) continue;
      try { await dst.remove(e.name); } catch (err) {
        this.result.problems.push(`${shown(childRel)}: cannot remove extra (${code(err)})`);
      }
    }
  }

  /** What each name resolves to in `dst` (names the listing does not hold verbatim). */
  private async reachedBySourceNames(dst: AnchoredDir, names: string[]): Promise<BigIntStats[]> {
    const out: BigIntStats[] = [];
    for (const n of names) {
      const st = await dst.lstat(n).catch(() => undefined);
      if (st) out.push(st);
    }
    return out;
  }
}

/**
 * Whether two lstat results are one entry. The inode alone does not do: FUSE exFAT and SMB with
 * `noserverino` number each spelling of a name apart, so entries with the same type, size and
 * change times count as the same too. Taking two different entries for one only keeps an extra.
 */
function sameEntry(a: BigIntStats, b: BigIntStats): boolean {
  if (a.dev !== b.dev) return false;
  if (a.ino === b.ino) return true;
  return a.mode === b.mode && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

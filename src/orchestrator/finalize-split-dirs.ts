import type { BigIntStats } from 'node:fs';
import { hasSizeAgeFilter, selectsFile, type Chunk, type Logger, type Preserve } from '../api';
import { mapRelPath } from '../chunk/dest-paths';
import { AnchoredDir, type AnchoredEntry } from '../fs/anchored-dir';
import { displayName } from '../fs/byte-names';
import { sameSetTime, type ExactTimes } from '../fs/file-times';
import { probeCaseSensitivity, type CaseSensitivity } from '../fs/case-sensitivity';
import type { ProfileConfig } from '../config/types';
import { profileExcludes } from '../plan/profile-excludes';
import { makeExcludeMatcher, type ExcludeMatcher } from '../scan';
import type { FinalPassDeletions } from './safety-rails';
import { giveSplitDirectoryAttributes } from './split-dir-attributes';

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
  /** maxDeletes and the deletion log: an extra it does not admit stays. */
  deletions?: FinalPassDeletions;
  /** What the profile keeps: directory times (to the nanosecond) only when it keeps them. */
  preserve?: Preserve;
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
  const pass = new FinalizePass(profile, sourceRoot, dcase.caseInsensitive, opts.dryRun, result, opts.deletions, opts.preserve);
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
    private readonly deletions?: FinalPassDeletions,
    private readonly preserve?: Preserve,
  ) {
    const rules = profileExcludes(profile);
    this.matchers = [makeExcludeMatcher(rules, { sourceRoot })];
    // On a case-insensitive destination an entry matching an exclude in any case is kept.
    if (caseInsensitive && !rules.caseInsensitive) this.matchers.push(makeExcludeMatcher({ ...rules, caseInsensitive: true }, { sourceRoot }));
  }

  async finalize(rel: string): Promise<void> {
    const src = await this.openBoth(this.sourceRoot, rel, 'source');
    if (!src) return;
    try {
      let srcNames: string[];
      let srcTimes: ExactTimes;
      try {
        const st = await src.stat();
        srcTimes = { atimeNs: st.atimeNs, mtimeNs: st.mtimeNs };
        srcNames = (await src.list()).map((e) => e.name);
      } catch (err) {
        this.result.problems.push(`${shown(rel)}: cannot list the source (${code(err)}); left as is`);
        return;
      }
      const dst = await this.openBoth(this.profile.destination, rel, 'destination');
      if (!dst) return;
      try {
        if (this.profile.mirror) await this.removeExtras(dst, rel, srcNames);
        if (!this.dryRun && this.preserve) {
          // No chunk owns a split directory: owner, mode, xattrs and ACLs are given here.
          try {
            for (const p of await giveSplitDirectoryAttributes(src, dst, this.preserve)) this.result.problems.push(`${shown(rel)}: ${p}`);
          } catch (err) {
            this.result.problems.push(`${shown(rel)}: cannot set owner or mode (${code(err)})`);
          }
        }
        if (!this.dryRun && this.preserve?.directoryTimes !== false) {
          const withAtime = this.preserve?.atimes ?? true;
          try {
            // Already equal (an unchanged re-run): leave the directory alone, ctime included.
            const cur = await dst.stat();
            if (!sameSetTime(cur.mtimeNs, srcTimes.mtimeNs) || (withAtime && !sameSetTime(cur.atimeNs, srcTimes.atimeNs))) await dst.setTimes(srcTimes, withAtime);
          } catch (err) {
            this.result.problems.push(`${shown(rel)}: cannot set times (${code(err)})`);
          }
        }
      } finally {
        await dst.close();
      }
    } finally {
      await src.close();
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
    // A link is one entry; the budget is never spent on what it points to.
    if (this.deletions && (await this.deletions.admit(mapRelPath(this.profile.destination, here, this.profile.windowsPaths), false)) === 0) return;
    this.result.extrasRemoved.push(here);
    if (this.dryRun) { this.deletions?.removed(here, false, 1); return; }
    try {
      await parent.remove(name);
      this.deletions?.removed(here, false, 1);
      this.result.problems.push(`${shown(here)}: was a symbolic link in the destination where the source has a directory; removed, not followed (the next run copies the directory)`);
    } catch (e) {
      this.result.problems.push(`${shown(here)}: is a symbolic link where the source has a directory and cannot be removed (${code(e)}); not followed`);
    }
  }

  private async removeExtras(dst: AnchoredDir, rel: string, srcNames: string[]): Promise<void> {
    let entries: AnchoredEntry[];
    try { entries = await dst.list(); } catch (err) {
      this.result.problems.push(`${shown(rel)}: cannot list the destination (${code(err)}); left as is`);
      return;
    }
    const exact = new Set(srcNames);
    const srcFolded = this.caseInsensitive ? this.foldedSourceNames(rel, srcNames) : new Set<string>();
    let candidates = entries.filter((e) => {
      if (exact.has(e.name) || srcFolded.has(fold(e.name))) return false;
      const isDir = e.isDirectory && !e.isSymbolicLink;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      return !this.matchers.some((m) => (isDir ? m.excludesDir(e.name, childRel) : m.excludesFile(e.name)));
    });
    if (candidates.length > 0) candidates = await this.notReachedBySourceNames(dst, rel, entries, candidates, srcNames);
    if (candidates.length > 0 && hasSizeAgeFilter(this.profile.sizeAge)) candidates = await this.selectedBySizeAge(dst, candidates);
    for (const e of candidates) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const isDir = e.isDirectory && !e.isSymbolicLink;
      if (this.deletions?.listedByChunk(childRel)) continue;
      // maxDeletes: an extra the budget does not admit stays.
      const count = this.deletions ? await this.deletions.admit(mapRelPath(this.profile.destination, childRel, this.profile.windowsPaths), isDir) : 1;
      if (count === 0) continue;
      this.result.extrasRemoved.push(childRel);
      if (this.dryRun) { this.deletions?.removed(childRel, isDir, count); continue; }
      try {
        await dst.remove(e.name);
        this.deletions?.removed(childRel, isDir, count);
      } catch (err) {
        this.result.problems.push(`${shown(childRel)}: cannot remove extra (${code(err)})`);
      }
    }
  }

  /** A mirror never deletes what a filter leaves out: extra files outside the size or age filters stay. */
  private async selectedBySizeAge(dst: AnchoredDir, candidates: AnchoredEntry[]): Promise<AnchoredEntry[]> {
    const keep = await Promise.all(candidates.map(async (c) => {
      if (c.isDirectory || c.isSymbolicLink) return true;
      const st = await dst.lstat(c.name).catch(() => undefined);
      return !st?.isFile() || selectsFile(this.profile.sizeAge, Number(st.size), Number(st.mtimeMs));
    }));
    return candidates.filter((_, i) => keep[i]);
  }

  /** Folded source names; names the destination cannot tell apart are reported. */
  private foldedSourceNames(rel: string, srcNames: string[]): Set<string> {
    const seen = new Map<string, string>();
    for (const n of srcNames) {
      const k = fold(n);
      const other = seen.get(k);
      if (other !== undefined) this.result.problems.push(`${shown(rel)}: '${displayName(other)}' and '${displayName(n)}' differ only in case; the destination ignores case and can hold only one of them`);
      else seen.set(k, n);
    }
    return new Set(seen.keys());
  }

  /**
   * The file system's own answer, whatever the probe said: a source name that is not listed as
   * such but can be looked up in the destination names one of the listed entries (the file system
   * folds case, or Unicode normalisation). That entry is the name's replica, not an extra: the one
   * with the same inode, else the one whose name folds to it. When neither tells which (a file
   * system whose inode numbers differ per spelling, and a folding beyond ours), no entry of that
   * kind is removed in this directory, and that is reported.
   */
  private async notReachedBySourceNames(dst: AnchoredDir, rel: string, entries: AnchoredEntry[], candidates: AnchoredEntry[], srcNames: string[]): Promise<AnchoredEntry[]> {
    const listed = new Set(entries.map((e) => e.name));
    const listedFolded = new Set(entries.map((e) => fold(e.name)));
    const kept = new Set<AnchoredEntry>();
    let stats: Map<AnchoredEntry, BigIntStats | undefined> | undefined;
    for (const n of srcNames) {
      if (listed.has(n) || (this.caseInsensitive && listedFolded.has(fold(n)))) continue;
      const st = await dst.lstat(n).catch(() => undefined);
      if (!st) continue;
      stats ??= new Map(await Promise.all(candidates.map(async (c) => [c, await dst.lstat(c.name).catch(() => undefined)] as const)));
      const byInode = candidates.find((c) => { const cs = stats!.get(c); return cs !== undefined && cs.dev === st.dev && cs.ino === st.ino; });
      const byFold = candidates.find((c) => fold(c.name) === fold(n));
      const it = byInode ?? byFold;
      if (it) { kept.add(it); continue; }
      for (const c of candidates) if ((c.isDirectory && !c.isSymbolicLink) === st.isDirectory()) kept.add(c);
      this.result.problems.push(`${shown(rel)}: the destination finds '${displayName(n)}' under another name it does not say; no ${st.isDirectory() ? 'directory' : 'file'} removed here`);
    }
    return candidates.filter((c) => !kept.has(c));
  }
}


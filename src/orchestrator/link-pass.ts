import { promises as fsp, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import type { Chunk, HardLinkGroup, Logger, Preserve } from '../api';
import { displayName } from '../fs/byte-names';
import { walkDirChain } from '../fs/dir-chain';
import { at, HOST_DIR_MODE, withDir, type DirMode, type DirRef, type OpenDir } from '../fs/dir-ref';
import { setTimesFd, setTimesPath } from '../fs/file-times';
import { fsPath } from '../fs/byte-names';
import type { ProfileConfig } from '../config/types';
import { TempTags, tempNameFor } from '../engines/native/temp-name';

export interface LinkPassOptions {
  dryRun: boolean;
  logger: Logger;
  preserve: Preserve;
  /** The engine keeps the names of one file linked within a chunk (rsync -H, native): only groups across chunks are ours. */
  engineLinksWithinChunk: boolean;
  /** How directories are reached (dir-ref.ts); the host's by default. */
  dirMode?: DirMode;
}

export interface LinkPassResult {
  /** Names made (or, in a dry run, that would be made) links to their group's first copy. */
  linked: string[];
  problems: string[];
}

/**
 * Which chunk copies a path: the files-only chunk of its directory, else the deepest tree chunk
 * above it. Looked up by walking up the path (O(depth)), not by scanning every chunk.
 */
export class ChunkOwners {
  private readonly trees = new Map<string, string>();
  private readonly filesOnly = new Map<string, string>();

  constructor(chunks: readonly Chunk[]) {
    for (const c of chunks) (c.kind === 'files-only' ? this.filesOnly : this.trees).set(c.relPath, c.id);
  }

  of(rel: string): string | undefined {
    let dir = parentOf(rel);
    const own = this.filesOnly.get(dir);
    if (own !== undefined) return own;
    for (;;) {
      const t = this.trees.get(dir);
      if (t !== undefined) return t;
      if (dir === '') return undefined;
      dir = parentOf(dir);
    }
  }
}

const parentOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const nameOf = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);
const sameInode = (a: BigIntStats, b: BigIntStats): boolean => a.dev === b.dev && a.ino === b.ino;
/** Less than a millisecond apart: the engines' up-to-date rule, so a copy they call current is current here too. */
const sameMillisecond = (a: bigint, b: bigint): boolean => (a > b ? a - b : b - a) < 1_000_000n;

/**
 * After every chunk of a profile ran, and before the finalize pass removes anything: the names of
 * a hard-linked source file that different chunks copied (or, for an engine that does not link at
 * all, every name) are made hard links to the copy of the group's first name, so the replica
 * holds one file as the source does. A re-run finds them linked and touches nothing.
 *
 * Safe like the engines: every directory is reached component by component without following a
 * link (dir-chain.ts) and used through its descriptor; a name is replaced by link to a temp name
 * then rename (never written through); the source's names must still be one inode and the first
 * copy must match the source (size and mtime), else the group is left as the chunks made it and
 * the reason is reported. The directories where names were replaced get their times back.
 */
export async function linkHardLinkGroups(profile: ProfileConfig, sourceRoot: string, chunks: readonly Chunk[], groups: readonly HardLinkGroup[], opts: LinkPassOptions): Promise<LinkPassResult> {
  const result: LinkPassResult = { linked: [], problems: [] };
  if (!opts.preserve.hardLinks || groups.length === 0) return result;
  if (profile.windowsPaths && process.platform !== 'win32') return result;
  const pass = new LinkPass(profile, sourceRoot, opts, result);
  const owners = new ChunkOwners(chunks);
  for (const g of groups) {
    if (opts.engineLinksWithinChunk && new Set(g.paths.map((p) => owners.of(p))).size === 1) continue;
    await pass.link(g);
  }
  await pass.restoreDirectoryTimes();
  for (const p of result.problems.slice(0, 50)) opts.logger.warn({ profile: profile.name }, `hard links: ${p}`);
  if (result.linked.length > 0) {
    opts.logger.info({ profile: profile.name, linked: result.linked.slice(0, 50).map(displayName) },
      `${opts.dryRun ? 'would link' : 'linked'} ${result.linked.length} name(s) of hard-linked files copied by different chunks`);
  }
  return result;
}

class LinkPass {
  private readonly mode: DirMode;
  /** Directories met, by side and path: their identity (reopened and checked at each use; no descriptors held). */
  private readonly refs = new Map<string, Promise<DirRef | undefined>>();
  private readonly touched = new Set<string>();
  private readonly tags = new TempTags();

  constructor(private readonly profile: ProfileConfig, private readonly sourceRoot: string, private readonly opts: LinkPassOptions, private readonly result: LinkPassResult) {
    this.mode = opts.dirMode ?? HOST_DIR_MODE;
  }

  /** A directory of either side, reached component by component without following a link; undefined when it cannot be. */
  private ref(side: 'src' | 'dst', rel: string): Promise<DirRef | undefined> {
    const key = `${side}\0${rel}`;
    let r = this.refs.get(key);
    if (!r) {
      const root = side === 'src' ? this.sourceRoot : this.profile.destination;
      r = walkDirChain(root, rel === '' ? [] : rel.split('/'), { mode: this.mode, create: false, replace: false })
        .then((c) => (c.status === 'ok' ? c.ref : undefined), () => undefined);
      this.refs.set(key, r);
    }
    return r;
  }

  /** Runs `work` in that directory, opened and checked; undefined when it cannot be opened. */
  private async inDir<T>(side: 'src' | 'dst', rel: string, work: (d: OpenDir) => Promise<T>): Promise<T | undefined> {
    const ref = await this.ref(side, rel);
    return ref ? withDir(ref, this.mode, work).catch(() => undefined) : undefined;
  }

  private lstat(side: 'src' | 'dst', rel: string): Promise<BigIntStats | undefined> {
    return this.inDir(side, parentOf(rel), (d) => fsp.lstat(at(d, nameOf(rel)), { bigint: true }));
  }

  async link(g: HardLinkGroup): Promise<void> {
    const [first, ...others] = g.paths;
    const src = await this.lstat('src', first);
    if (!src?.isFile()) { this.result.problems.push(`${displayName(first)}: no longer a file in the source; its names are left as copied`); return; }
    const dst = await this.lstat('dst', first);
    if (!dst?.isFile() || dst.size !== src.size || !sameMillisecond(dst.mtimeNs, src.mtimeNs)) {
      this.result.problems.push(`${displayName(first)}: its copy is missing or not current (its chunk failed?); its other names are left as copied`);
      return;
    }
    for (const other of others) {
      const s = await this.lstat('src', other);
      if (!s || !sameInode(s, src)) continue; // no longer a name of this file: the chunk's copy stands
      const d = await this.lstat('dst', other);
      if (d && sameInode(d, dst)) continue;
      if (d?.isDirectory()) { this.result.problems.push(`${displayName(other)}: a directory stands in the destination; not linked`); continue; }
      if (this.opts.dryRun) { this.result.linked.push(other); continue; }
      await this.replaceWithLink(first, other, dst);
    }
  }

  private async replaceWithLink(first: string, other: string, firstStat: BigIntStats): Promise<void> {
    const done = await this.inDir('dst', parentOf(first), (from) => this.inDir('dst', parentOf(other), async (into) => {
      const tmp = at(into, tempNameFor(nameOf(other), this.tags.next()));
      try {
        // link() does not follow a link at the old name; the result is checked to be the first copy.
        await fsp.link(at(from, nameOf(first)), tmp);
        const made = await fsp.lstat(tmp, { bigint: true });
        if (!sameInode(made, firstStat)) throw Object.assign(new Error('the first copy changed meanwhile'), { code: 'ECHANGED' });
        await fsp.rename(tmp, at(into, nameOf(other)));
        return 'linked';
      } catch (err) {
        await fsp.unlink(tmp).catch(() => undefined);
        return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      }
    }));
    if (done === 'linked') {
      this.result.linked.push(other);
      this.touched.add(parentOf(other));
    } else {
      this.result.problems.push(`${displayName(other)}: cannot be linked to ${displayName(first)} (${done ?? 'its destination directory cannot be opened'}); left as copied`);
    }
  }

  /** Replacing a name moved its directory's mtime: give it the source directory's times back. */
  async restoreDirectoryTimes(): Promise<void> {
    if (!this.opts.preserve.directoryTimes) return;
    for (const rel of this.touched) {
      const st = await this.inDir('src', rel, (s) => (s.fd !== undefined ? fsp.stat(s.self, { bigint: true }) : fsp.lstat(fsPath(s.ref.path), { bigint: true })));
      const ok = st && await this.inDir('dst', rel, async (d) => {
        if (d.fd !== undefined) setTimesFd(d.fd, st, this.opts.preserve.atimes);
        else setTimesPath(fsPath(path.join(d.ref.path)), st, this.opts.preserve.atimes);
        return true;
      });
      if (!ok) this.result.problems.push(`${displayName(rel) || '.'}: cannot set its times back`);
    }
  }
}

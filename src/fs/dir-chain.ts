import { lstatSync, mkdirSync, readlinkSync, rmdirSync, unlinkSync, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { displayName, fsPath } from './byte-names';
import { at, childPath, closeDir, openChildDir, openChildDirSync, openRootDir, type DirMode, type DirRef, type OpenDir } from './dir-ref';
import { makeDirs } from './make-dirs';

/** What stood where a directory belongs. */
export type InTheWay = 'symbolic link' | 'file' | 'special file';

/** A link or file that was removed (never followed) to make room for a directory. */
export interface Replaced {
  path: string;
  kind: InTheWay;
  /** The link's target, for the log (it was not touched). */
  target?: string;
}

export interface ChainOptions {
  mode: DirMode;
  /** Create missing components (mode 0777 & ~umask); else stop at the first missing one. */
  create: boolean;
  /** Remove a link or file where a directory belongs (the entry itself, never its target). */
  replace: boolean;
}

export type ChainResult =
  | { status: 'ok'; ref: DirRef; created: string[]; replaced: Replaced[] }
  /** A component does not exist (and `create` was off). */
  | { status: 'missing'; path: string; replaced: Replaced[] }
  /** A component is not a directory (and `replace` was off). */
  | { status: 'blocked'; path: string; kind: InTheWay; target?: string; replaced: Replaced[] };

function kindOf(st: Stats): InTheWay {
  return st.isSymbolicLink() ? 'symbolic link' : st.isFile() ? 'file' : 'special file';
}

/**
 * What is at `name` in `dir` when it is not a directory, described for a message; null when it
 * is gone or a directory by now (another job replaced it meanwhile: look again).
 */
async function describe(dir: OpenDir, name: string): Promise<{ kind: InTheWay; target?: string } | null> {
  let st: Stats;
  try {
    st = await fsp.lstat(at(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (st.isDirectory()) return null;
  if (!st.isSymbolicLink()) return { kind: kindOf(st) };
  const target = await fsp.readlink(at(dir, name)).catch(() => undefined);
  return { kind: 'symbolic link', target };
}

/** Removes a link or file (a Windows directory link or junction needs rmdir); gone already is fine. */
async function removeEntry(dir: OpenDir, name: string): Promise<void> {
  try {
    await fsp.unlink(at(dir, name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (process.platform !== 'win32' || (code !== 'EPERM' && code !== 'EISDIR')) throw err;
    await fsp.rmdir(at(dir, name));
  }
}

/** Sentence for a component that is not a directory. */
export function inTheWayMessage(p: string, kind: InTheWay, target?: string): string {
  const what = kind === 'symbolic link' ? `a symbolic link${target !== undefined ? ` (to ${displayName(target)})` : ''}` : `a ${kind}`;
  return `${displayName(p)} is ${what}, not a directory`;
}

/**
 * Walks from `root` (followed: the admin chose it, and it may be a link) down `parts`, one
 * component at a time, each opened without following links and relative to its parent (in
 * `proc` mode; `path` mode checks each with lstat). Nothing in `parts` is ever followed: a
 * component that is a link, file or special file is replaced (`replace`: the entry removed,
 * then a directory made) or reported. Returns the identity of the last directory.
 */
export async function walkDirChain(root: string, parts: readonly string[], opts: ChainOptions): Promise<ChainResult> {
  let top: OpenDir;
  const created: string[] = [];
  try {
    top = await openRootDir(root, opts.mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!opts.create) return { status: 'missing', path: root, replaced: [] };
    await makeDirs(root);
    created.push(root);
    top = await openRootDir(root, opts.mode);
  }
  const r = await descend(top, parts, opts);
  if (r.status !== 'ok') return r;
  await closeDir(r.dir);
  return { status: 'ok', ref: r.dir.ref, created: [...created, ...r.created], replaced: r.replaced };
}

export type DescendResult = Exclude<ChainResult, { status: 'ok' }> | { status: 'ok'; dir: OpenDir; created: string[]; replaced: Replaced[] };

/**
 * walkDirChain from an open directory: takes ownership of `from` (closes it) and, on success,
 * returns the last directory open (the caller closes it). `lastMode` is the mode of a last
 * component it creates (default 0777 & ~umask).
 */
export async function descend(from: OpenDir, parts: readonly string[], opts: ChainOptions & { lastMode?: number }): Promise<DescendResult> {
  const created: string[] = [];
  const replaced: Replaced[] = [];
  let cur = from;
  let done = false;
  try {
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i];
      const p = path.join(cur.ref.path, name);
      let next: OpenDir | undefined;
      // A few rounds at most: each round opens, creates or replaces; a racing job that creates
      // the same directory makes mkdir fail with EEXIST, and the next round opens it.
      for (let round = 0; next === undefined; round++) {
        try {
          next = await openChildDir(cur, name, opts.mode);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (round >= 3) throw err;
          if (code === 'ENOENT') {
            if (!opts.create) return { status: 'missing', path: p, replaced };
            const mode = i === parts.length - 1 ? opts.lastMode : undefined;
            await fsp.mkdir(at(cur, name), mode).then(() => created.push(p), (e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
            continue;
          }
          if (code !== 'ENOTDIR' && code !== 'ELOOP') throw err;
          const what = await describe(cur, name);
          if (what === null) continue;
          const { kind, target } = what;
          if (!opts.replace) return { status: 'blocked', path: p, kind, target, replaced };
          await removeEntry(cur, name);
          replaced.push(target === undefined ? { path: p, kind } : { path: p, kind, target });
        }
      }
      await closeDir(cur);
      cur = next;
    }
    done = true;
    return { status: 'ok', dir: cur, created, replaced };
  } finally {
    if (!done) await closeDir(cur);
  }
}

/**
 * descend by one component, with synchronous calls, for a worker thread (tree listing in
 * list-dir.ts): the same rounds, the same replace-never-follow rule. Does not take ownership of
 * `from`; on success the child is open (the caller closes it).
 */
export function descendOneSync(from: OpenDir, name: string, opts: ChainOptions & { lastMode?: number }): DescendResult {
  const replaced: Replaced[] = [];
  const p = childPath(from.ref.path, name);
  const created: string[] = [];
  for (let round = 0; ; round++) {
    try {
      return { status: 'ok', dir: openChildDirSync(from, name, opts.mode), created, replaced };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (round >= 3) throw err;
      if (code === 'ENOENT') {
        if (!opts.create) return { status: 'missing', path: p, replaced };
        try {
          mkdirSync(at(from, name), opts.lastMode);
          created.push(p);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        continue;
      }
      if (code !== 'ENOTDIR' && code !== 'ELOOP') throw err;
      const what = describeSync(from, name);
      if (what === null) continue;
      if (!opts.replace) return { status: 'blocked', path: p, kind: what.kind, target: what.target, replaced };
      removeEntrySync(from, name);
      replaced.push(what.target === undefined ? { path: p, kind: what.kind } : { path: p, kind: what.kind, target: what.target });
    }
  }
}

/** describe, synchronously. */
function describeSync(dir: OpenDir, name: string): { kind: InTheWay; target?: string } | null {
  let st: Stats;
  try {
    st = lstatSync(at(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (st.isDirectory()) return null;
  if (!st.isSymbolicLink()) return { kind: kindOf(st) };
  let target: string | undefined;
  try { target = readlinkSync(at(dir, name), 'utf8'); } catch { target = undefined; }
  return { kind: 'symbolic link', target };
}

/** removeEntry, synchronously. */
function removeEntrySync(dir: OpenDir, name: string): void {
  try {
    unlinkSync(at(dir, name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (process.platform !== 'win32' || (code !== 'EPERM' && code !== 'EISDIR')) throw err;
    rmdirSync(at(dir, name));
  }
}

/** The result of lstatChain: walkDirChain's, with the last directory's identity. */
export type LstatChainResult =
  | { status: 'ok'; last: Stats; created: string[]; replaced: Replaced[] }
  | Exclude<ChainResult, { status: 'ok' }>;

/**
 * walkDirChain for a check before or after an engine runs: one lstat per component below `root`
 * (the root itself is not looked at: the engine reports a missing root), by path. Cheaper than
 * descriptors (no open, fstat and close per component), at the price of a window between the
 * checks of two components, which the engines' own guarantees cover (docs/safety.md).
 */
export async function lstatChain(root: string, parts: readonly string[], opts: Omit<ChainOptions, 'mode'>): Promise<LstatChainResult> {
  const created: string[] = [];
  const replaced: Replaced[] = [];
  let p = root;
  let last: Stats | undefined;
  for (const name of parts) {
    p = path.join(p, name);
    for (let round = 0; ; round++) {
      let st: Stats | undefined;
      try {
        // Synchronous on purpose: one metadata call on a path the scan has just walked costs ~2 µs
        // this way and ~50 µs through the thread pool, per component of every chunk.
        st = lstatSync(fsPath(p));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || round >= 3) throw err;
      }
      if (st?.isDirectory()) { last = st; break; }
      if (st === undefined) {
        if (!opts.create) return { status: 'missing', path: p, replaced };
        // The root may be missing too (first run): made like walkDirChain makes it.
        await makeDirs(path.dirname(p));
        await fsp.mkdir(fsPath(p)).then(() => created.push(p), (e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
        continue;
      }
      const target = st.isSymbolicLink() ? await fsp.readlink(fsPath(p)).catch(() => undefined) : undefined;
      const kind = kindOf(st);
      if (!opts.replace) return { status: 'blocked', path: p, kind, target, replaced };
      await fsp.unlink(fsPath(p)).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return;
        if (process.platform !== 'win32' || (err.code !== 'EPERM' && err.code !== 'EISDIR')) throw err;
        await fsp.rmdir(fsPath(p));
      });
      replaced.push(target === undefined ? { path: p, kind } : { path: p, kind, target });
    }
  }
  if (last === undefined) throw new Error('lstatChain needs at least one component');
  return { status: 'ok', last, created, replaced };
}

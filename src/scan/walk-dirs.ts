import type { Dirent, Stats } from 'node:fs';
import type { ScanError, SkippedLink } from '../api';
import { makeExcludeMatcher, type ExcludeMatcher } from './exclude-matcher';
import type { DirSummary, ScanTask, ScanTaskResult } from './scan-protocol';
import { nodeScanIo, type DirListing, type ScanIo } from './scan-io';

function errCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The entry is gone (deleted, or its parent replaced by a file) rather than unreadable. */
function isGone(code: string): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR';
}

type EntryKind = 'file' | 'dir' | 'link' | 'other';

function kindOf(d: Dirent | Stats): EntryKind {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (d.isSymbolicLink()) return 'link';
  return 'other';
}

/** A dirent with no type at all (DT_UNKNOWN on some file systems) needs an lstat to be told. */
function untyped(d: Dirent): boolean {
  return !(d.isFile() || d.isDirectory() || d.isSymbolicLink() || d.isFIFO() || d.isSocket()
    || d.isBlockDevice() || d.isCharacterDevice());
}

/**
 * Walks `task.dirs` depth first, summing each directory's own regular files, until
 * `task.budget` entries have been examined; directories not reached are returned in `pending`.
 * Never throws for file-system problems: they become errors (unreadable directory, entry that
 * vanished between readdir and lstat) and the walk goes on. Links are recorded, not followed.
 * Sockets, FIFOs and devices are not regular files and are not counted (robocopy skips them).
 */
export function walkDirs(task: ScanTask, io: ScanIo = nodeScanIo): ScanTaskResult {
  // Absolute excludeDirs are taken relative to the scan root (the plan has already rebased
  // those written against the live source when scanning a snapshot).
  const matcher = makeExcludeMatcher(task.excludes, { sourceRoot: task.root });
  const out: ScanTaskResult = { dirs: [], errors: [], links: [], pending: [] };
  // Reversed so the first listed dir is walked first (stack order).
  const stack = [...task.dirs].reverse();
  const rootPrefix = task.root.endsWith('/') || task.root.endsWith('\\') ? task.root : `${task.root}/`;
  let spent = 0;
  while (stack.length > 0) {
    if (spent >= task.budget) {
      out.pending = stack.reverse();
      break;
    }
    const rel = stack.pop()!;
    const abs = rel === '' ? task.root : rootPrefix + rel;
    const summary: DirSummary = { relPath: rel, ownFiles: 0, ownBytes: 0, state: 'ok' };
    out.dirs.push(summary);
    let listing: DirListing;
    try {
      listing = io.opendir(abs);
    } catch (e) {
      const code = errCode(e);
      summary.state = isGone(code) ? 'gone' : 'unreadable';
      out.errors.push({ relPath: rel, code, message: errMessage(e) });
      continue;
    }
    const subdirs: string[] = [];
    try {
      spent += 1 + walkListing(listing, rel, `${abs}/`, summary, subdirs, out, matcher, io);
    } catch (e) {
      // Listing failed part-way (EIO, directory removed): what was counted stays, and says so.
      out.errors.push({ relPath: rel, code: errCode(e), message: errMessage(e) });
    } finally {
      listing.closeSync();
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  return out;
}

/** Counts one directory's entries into `summary`; returns how many entries it examined. */
function walkListing(
  listing: DirListing, rel: string, absPrefix: string, summary: DirSummary, subdirs: string[],
  out: ScanTaskResult, matcher: ExcludeMatcher, io: ScanIo,
): number {
  const relPrefix = rel === '' ? '' : `${rel}/`;
  let seen = 0;
  for (let d = listing.readSync(); d !== null; d = listing.readSync()) {
    seen++;
    const name = d.name;
    // Hot loop (once per file): no per-entry allocation beyond the path lstat needs.
    let kind = kindOf(d);
    let st: Stats | undefined;
    try {
      if (kind === 'other' && untyped(d)) {
        st = io.lstat(absPrefix + name);
        kind = kindOf(st);
      }
      if (kind === 'file') {
        if (matcher.excludesFile(name)) continue;
        const size = (st ?? io.lstat(absPrefix + name)).size;
        summary.ownFiles++;
        summary.ownBytes += size;
      } else if (kind === 'dir') {
        const childRel = relPrefix + name;
        if (!matcher.excludesDir(name, childRel)) subdirs.push(childRel);
      } else if (kind === 'link') {
        out.links.push({ relPath: relPrefix + name, target: linkTarget(io, absPrefix + name) });
      }
    } catch (e) {
      out.errors.push({ relPath: relPrefix + name, code: errCode(e), message: errMessage(e) });
    }
  }
  return seen;
}

function linkTarget(io: ScanIo, abs: string): SkippedLink['target'] {
  try {
    const st = io.stat(abs);
    return st === undefined ? 'unknown' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'unknown';
  } catch {
    // A loop or an unreadable target: the link is still reported, its kind just is not known.
    return 'unknown';
  }
}

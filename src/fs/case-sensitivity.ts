import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** How a destination compares names, and how that was found out. */
export interface CaseSensitivity {
  caseInsensitive: boolean;
  /**
   * `entry`: an existing entry was looked up under its case-swapped name (reads only);
   * `probe-file`: a probe file was created, looked up case-swapped and removed;
   * `assumed`: nothing could be probed, the platform's default is taken (see `reason`).
   */
  how: 'entry' | 'probe-file' | 'assumed';
  /** Why it was assumed (missing root, read-only, dry run...). */
  reason?: string;
}

/** Windows and macOS file systems ignore case by default; elsewhere names are case-sensitive. */
export function platformDefaultCaseInsensitive(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

/**
 * Swaps the case of ASCII letters only: every case-insensitive file system folds those (vfat,
 * exFAT, NTFS, APFS, SMB, ext4 casefold), while folding beyond ASCII differs between them.
 */
function swapAsciiCase(name: string): string {
  return name.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) ^ 0x20));
}

/**
 * Whether `name` can be looked up in `dir`: its case-swapped form is then folded onto an entry by
 * the file system. Inode numbers are not compared: FUSE exFAT, SMB with `noserverino` and others
 * give each spelling its own.
 */
async function resolves(dir: string, name: string): Promise<boolean> {
  try {
    await fsp.lstat(path.join(dir, name));
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}

/** Entries of the root tried before a probe file is written. */
const MAX_CANDIDATES = 16;
/** A root with more entries is not listed whole (the entry method needs the whole listing). */
const MAX_LISTED = 10_000;

/** The names in `dir`, or undefined when there are more than MAX_LISTED. */
async function listSmall(dir: string): Promise<string[] | undefined> {
  const d = await fsp.opendir(dir);
  const names: string[] = [];
  try {
    for (let e = await d.read(); e !== null; e = await d.read()) {
      if (names.length >= MAX_LISTED) return undefined;
      names.push(e.name);
    }
  } finally {
    await d.close();
  }
  return names;
}

/**
 * Finds out whether the file system at `root` (a destination root) compares names ignoring case.
 * First without writing: an existing entry with ASCII letters is looked up under its case-swapped
 * name, which the listing does not hold (found → case-insensitive; not found → case-sensitive).
 * With no such entry and `mayWrite`, a uniquely named probe file is created (O_EXCL, so nothing
 * is ever overwritten), looked up case-swapped and removed. A missing, unreadable or read-only
 * root, or a dry run on an empty one, gives the platform's default and says why.
 * ext4 `casefold` is a per-directory attribute: this tells the root's behaviour, which its new
 * subdirectories inherit.
 */
export async function probeCaseSensitivity(root: string, opts: { mayWrite: boolean; platform?: NodeJS.Platform }): Promise<CaseSensitivity> {
  const assumed = (reason: string): CaseSensitivity => ({ caseInsensitive: platformDefaultCaseInsensitive(opts.platform), how: 'assumed', reason });
  let names: string[] | undefined;
  try {
    names = await listSmall(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return assumed(code === 'ENOENT' ? 'the destination does not exist yet' : `the destination cannot be listed (${code})`);
  }
  // A root too large to list cheaply: only a probe file gives a sure answer.
  if (names === undefined) return opts.mayWrite ? probeWithFile(root, assumed) : assumed('a dry run writes no probe file and the destination root is too large to look through');
  const listed = new Set(names);
  let tried = 0;
  for (const name of names) {
    const swapped = swapAsciiCase(name);
    // A name without ASCII letters says nothing; one whose swap is listed too proves two entries.
    if (swapped === name || name.includes('\ufffd')) continue;
    if (listed.has(swapped)) return { caseInsensitive: false, how: 'entry' };
    try {
      return { caseInsensitive: await resolves(root, swapped), how: 'entry' };
    } catch { /* unreadable: try another */ }
    if (++tried >= MAX_CANDIDATES) break;
  }
  if (!opts.mayWrite) return assumed('a dry run writes no probe file and no entry of the destination could be looked up');
  return probeWithFile(root, assumed);
}

async function probeWithFile(root: string, assumed: (reason: string) => CaseSensitivity): Promise<CaseSensitivity> {
  const name = `.robocurse-case-probe-${process.pid}-${randomBytes(6).toString('hex')}`;
  const probe = path.join(root, name);
  try {
    const fh = await fsp.open(probe, 'wx', 0o600);
    await fh.close();
  } catch (e) {
    return assumed(`no probe file could be created in the destination (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    return { caseInsensitive: await resolves(root, swapAsciiCase(name)), how: 'probe-file' };
  } catch (e) {
    return assumed(`the probe file could not be looked up (${(e as NodeJS.ErrnoException).code})`);
  } finally {
    await fsp.unlink(probe).catch(() => undefined);
  }
}

import * as fs from 'node:fs';
import { promises as fsp, type BigIntStats } from 'node:fs';
import { hasEscapedBytes } from '../../fs/byte-names';
import { at, shownPath, type OpenDir } from '../../fs/dir-ref';
import { fsx } from '../../fs/fsx';
import { readXattrs } from '../../fs/xattrs';
import { spawnTracked } from '../../process/tracked-child';
import { attributeNotKept } from './copy-batch';
import type { FileEntry } from './copy-one';
import { applyMeta, creatorOf, metaOf } from './entry-meta';
import { keepOf, type JobContext } from './job-context';
import { KEEP, keepsXattrs, xattrChoice } from './keep-flags';
import { bareTempName, tempNameFor } from './temp-name';
import { sameSetTime } from '../../fs/file-times';

/**
 * Symbolic links and special files (FIFOs, sockets, devices), copied as what they are: a link
 * is read (as bytes) and made anew, never followed; a special file is made with mknod. Both are
 * made under a temp name in the checked destination directory, given owner, mode and times by
 * calls that never follow a link, then renamed over the final name. Rare entries: their calls run
 * on the main thread, one entry at a time per limiter slot.
 */

/** Where a link's or special file's copy stands, or that it needs nothing. */
async function destinationState(dd: OpenDir | undefined, f: FileEntry): Promise<BigIntStats | undefined> {
  if (!dd || f.dest !== 'other') return undefined;
  return fsp.lstat(at(dd, f.dstName), { bigint: true }).catch(() => undefined);
}

function sameOwner(ctx: JobContext, a: BigIntStats, b: BigIntStats): boolean {
  return !ctx.preserve.owners || (a.uid === b.uid && a.gid === b.gid);
}

function skipped(ctx: JobContext): void {
  ctx.tally.stats.filesSkipped++;
}

function wouldCopy(ctx: JobContext, sd: OpenDir, rel: string, f: FileEntry, what: string): void {
  const shown = shownPath(sd.ref, f.name);
  ctx.logger.info({ file: shown }, `would copy ${what} ${shown}`);
  ctx.tally.stats.filesCopied++;
  ctx.tally.copied(rel, 0, f.dest === 'none');
}

/** Creates the entry at a temp name with `make`, sets its metadata and renames it into place. */
async function place(ctx: JobContext, dd: OpenDir, f: FileEntry, rel: string, tmpName: string, st: BigIntStats,
  kind: 'link' | 'special', make: (tmp: string | Buffer) => Promise<boolean>, xattrsFrom?: string | Buffer): Promise<void> {
  const tmp = at(dd, tmpName);
  let made = false;
  try {
    made = await make(tmp);
    const keep = keepOf(ctx);
    const xattrs = kind === 'special' && xattrsFrom !== undefined && keepsXattrs(keep) ? readXattrs({ path: xattrsFrom }, xattrChoice(keep)) : [];
    // A link's own mode means nothing on Linux; mknod through a binary was given the exact mode.
    const modeSet = kind === 'link' || !fsx;
    const plan = { kind, modeSet, xattrs, prune: false, umask: ctx.umask, createdAs: creatorOf(dd.st) };
    for (const x of applyMeta(tmp, metaOf(st), keep & ~(kind === 'link' ? KEEP.xattrs | KEEP.acls : 0), plan)) {
      attributeNotKept(ctx, rel, x.name, x.code);
    }
    await fsp.rename(tmp, at(dd, f.dstName));
    made = false;
    ctx.tally.stats.filesCopied++;
    ctx.tally.copied(rel, 0, f.dest === 'none');
    ctx.progress.fileDone();
  } catch (err) {
    ctx.tally.fail(rel, err, 0);
  } finally {
    if (made) await fsp.unlink(tmp).catch(() => undefined);
  }
}

/** A symbolic link, copied as a link: same target bytes, owner and times. */
export async function copyLink(ctx: JobContext, sd: OpenDir, dd: OpenDir | undefined, rel: string, f: FileEntry): Promise<void> {
  let st: BigIntStats;
  let target: Buffer;
  try {
    st = await fsp.lstat(at(sd, f.name), { bigint: true });
    if (!st.isSymbolicLink()) { ctx.tally.skipEntry(rel, 'changed type during copy'); return; }
    target = await fsp.readlink(at(sd, f.name), { encoding: 'buffer' });
  } catch (err) {
    ctx.tally.fail(rel, err, 0);
    return;
  }
  if (f.dest === 'dir') { ctx.tally.dirInWay(rel, 0); return; }
  const cur = await destinationState(dd, f);
  if (cur?.isSymbolicLink() && sameSetTime(cur.mtimeNs, st.mtimeNs) && sameOwner(ctx, cur, st)) {
    const curTarget = await fsp.readlink(at(dd!, f.dstName), { encoding: 'buffer' }).catch(() => undefined);
    if (curTarget?.equals(target)) { skipped(ctx); return; }
  }
  if (ctx.dryRun || !dd) { wouldCopy(ctx, sd, rel, f, 'symbolic link'); return; }
  await place(ctx, dd, f, rel, tempNameFor(f.dstName, ctx.tempTags.next()), st, 'link', async (tmp) => {
    await fsp.symlink(target, tmp);
    return true;
  });
}

/** What kind of special file `st` is, as mknod's type bits and a word for messages. */
function specialKind(st: BigIntStats): { type: number; word: string; device: boolean } | undefined {
  if (st.isFIFO()) return { type: fs.constants.S_IFIFO, word: 'FIFO', device: false };
  if (st.isSocket()) return { type: fs.constants.S_IFSOCK, word: 'socket', device: false };
  if (st.isCharacterDevice()) return { type: fs.constants.S_IFCHR, word: 'character device', device: true };
  if (st.isBlockDevice()) return { type: fs.constants.S_IFBLK, word: 'block device', device: true };
  return undefined;
}

/** A FIFO, socket or device, made anew with the source's type, device number, owner, mode and times. */
export async function copySpecial(ctx: JobContext, sd: OpenDir, dd: OpenDir | undefined, rel: string, f: FileEntry): Promise<void> {
  let st: BigIntStats;
  try {
    st = await fsp.lstat(at(sd, f.name), { bigint: true });
  } catch (err) {
    ctx.tally.fail(rel, err, 0);
    return;
  }
  const kind = specialKind(st);
  if (!kind) { ctx.tally.skipEntry(rel, 'changed type during copy'); return; }
  if (f.dest === 'dir') { ctx.tally.dirInWay(rel, 0); return; }
  if (kind.device && !ctx.mayMknod) { ctx.tally.skipEntry(rel, `${kind.word} (creating devices needs root or CAP_MKNOD)`); return; }
  if (!fsx && kind.type === fs.constants.S_IFSOCK) { ctx.tally.skipEntry(rel, 'socket (needs robocurse\'s file-system helper, see docs/engines.md)'); return; }
  const cur = await destinationState(dd, f);
  if (cur && specialKind(cur)?.type === kind.type && cur.rdev === st.rdev && sameSetTime(cur.mtimeNs, st.mtimeNs)
    && sameOwner(ctx, cur, st) && (!ctx.preserve.modes || (cur.mode & 0o7777n) === (st.mode & 0o7777n))) { skipped(ctx); return; }
  if (ctx.dryRun || !dd) { wouldCopy(ctx, sd, rel, f, kind.word); return; }
  const perm = Number(st.mode & 0o7777n);
  const tmpName = bareTempName(ctx.tempTags.next());
  await place(ctx, dd, f, rel, tmpName, st, 'special', async (tmp) => {
    if (fsx) { fsx.mknod(tmp, kind.type | perm, Number(st.rdev)); return true; }
    await mknodByProgram(dd, tmpName, kind.type, perm, Number(st.rdev));
    return true;
  }, at(sd, f.name));
}

/**
 * Without the helper: mkfifo or mknod, run with an argv (never a shell), on this process's open
 * destination directory (/proc/<pid>/fd/<fd>/<temp>: the child reaches the directory we checked).
 * `-m` gives the exact mode (the programs set it without following a link).
 */
async function mknodByProgram(dd: OpenDir, tmpName: string, type: number, perm: number, rdev: number): Promise<void> {
  const dir = dd.fd !== undefined ? `/proc/${process.pid}/fd/${dd.fd}` : dd.ref.path;
  if (hasEscapedBytes(dir)) throw Object.assign(new Error(`cannot name ${dir} to mknod (not UTF-8); needs robocurse's file-system helper`), { code: 'ENOSYS' });
  const target = `${dir}/${tmpName}`;
  const mode = perm.toString(8).padStart(4, '0');
  const args = type === fs.constants.S_IFIFO
    ? ['-m', mode, '--', target]
    : ['-m', mode, '--', target, type === fs.constants.S_IFCHR ? 'c' : 'b', String(major(rdev)), String(minor(rdev))];
  const program = systemProgram(type === fs.constants.S_IFIFO ? 'mkfifo' : 'mknod');
  const child = spawnTracked(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.child.stderr?.on('data', (b: Buffer) => { err += b.toString('utf8'); });
  const exit = await child.exited;
  if (exit.spawnError) throw exit.spawnError;
  if (exit.code !== 0) throw Object.assign(new Error(`${program} failed (${exit.code ?? exit.signal}): ${err.trim()}`), { code: 'EMKNOD' });
}

/** mkfifo or mknod from the system's own directories (never looked up on PATH). */
function systemProgram(name: string): string {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const p = `${dir}/${name}`;
    if (fs.existsSync(p)) return p;
  }
  throw Object.assign(new Error(`${name} not found in /usr/bin or /bin`), { code: 'ENOENT' });
}

/** Linux dev_t encoding (glibc gnu_dev_major/minor). */
function major(dev: number): number {
  return Number(((BigInt(dev) >> 8n) & 0xfffn) | ((BigInt(dev) >> 32n) & ~0xfffn));
}

function minor(dev: number): number {
  return Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & ~0xffn));
}

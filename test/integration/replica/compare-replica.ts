import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeName, displayName, fsPath } from '../../../src/fs/byte-names';

/**
 * `rsync -aHAXn --numeric-ids --modify-window=-1 --itemize-changes --delete src/ dst/`: every
 * difference rsync sees in data, type, owner, group, mode, times to the nanosecond, ACLs, xattrs
 * and hard links, one itemized line each (raw bytes as latin1). Empty when the replica is exact.
 */
export function rsyncOracle(src: string, dst: string): string[] {
  const r = spawnSync('rsync', ['-aHAXn', '--numeric-ids', '--modify-window=-1', '--itemize-changes', '--delete', `${src}/`, `${dst}/`], { encoding: 'buffer' });
  if (r.status !== 0) throw new Error(`rsync oracle failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout.toString('latin1').split('\n').filter((l) => l.trim() !== '');
}

export interface EntryFacts {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
  size: bigint;
  rdev: bigint;
  nlink: bigint;
  ino: bigint;
  blocks: bigint;
  link?: string;
}

/** Every entry under `root` by relative path (names decoded as byte-names.ts does), from lstat. */
export function entries(root: string): Map<string, EntryFacts> {
  const out = new Map<string, EntryFacts>();
  const walk = (rel: string): void => {
    const abs = rel ? path.join(root, rel) : root;
    for (const name of fs.readdirSync(fsPath(abs), { encoding: 'buffer' }).map(decodeName).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(fsPath(path.join(root, r)), { bigint: true });
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'chr' : 'blk';
      out.set(r, {
        type, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), mtimeNs: st.mtimeNs, size: st.size,
        rdev: st.rdev, nlink: st.nlink, ino: st.ino, blocks: st.blocks,
        ...(type === 'link' ? { link: decodeName(fs.readlinkSync(fsPath(path.join(root, r)), { encoding: 'buffer' })) } : {}),
      });
      if (type === 'dir') walk(r);
    }
  };
  walk('');
  return out;
}

export type Fact = 'type' | 'mode' | 'owner' | 'mtime' | 'size' | 'rdev' | 'target';

/**
 * What `stat` sees differ between the two trees, entry by entry: type, permission bits (links
 * excepted), owner and group, mtime to the nanosecond, size of files, device numbers, link targets.
 * `skip(rel, facts)` leaves out what an engine documents it cannot keep.
 */
export function statDifferences(src: Map<string, EntryFacts>, dst: Map<string, EntryFacts>, skip: (rel: string, fact: Fact, s: EntryFacts) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const [rel, s] of src) {
    const d = dst.get(rel);
    const shown = displayName(rel);
    if (!d) { if (!skip(rel, 'type', s)) out.push(`${shown}: missing (${s.type})`); continue; }
    const check = (fact: Fact, same: boolean, what: string): void => { if (!same && !skip(rel, fact, s)) out.push(`${shown}: ${what}`); };
    check('type', s.type === d.type, `type ${s.type} → ${d.type}`);
    if (s.type !== d.type) continue;
    if (s.type !== 'link') check('mode', s.mode === d.mode, `mode ${s.mode.toString(8)} → ${d.mode.toString(8)}`);
    check('owner', s.uid === d.uid && s.gid === d.gid, `owner ${s.uid}:${s.gid} → ${d.uid}:${d.gid}`);
    check('mtime', s.mtimeNs === d.mtimeNs, `mtime ${s.mtimeNs} → ${d.mtimeNs}`);
    if (s.type === 'file') check('size', s.size === d.size, `size ${s.size} → ${d.size}`);
    if (s.type === 'chr' || s.type === 'blk') check('rdev', s.rdev === d.rdev, `device ${s.rdev} → ${d.rdev}`);
    if (s.type === 'link') check('target', s.link === d.link, `target ${s.link} → ${d.link}`);
  }
  for (const rel of dst.keys()) if (!src.has(rel)) out.push(`${displayName(rel)}: extra in the destination`);
  return out;
}

/** Names of one source inode must be one destination inode with the same link count, and no others joined. */
export function hardLinkDifferences(src: Map<string, EntryFacts>, dst: Map<string, EntryFacts>): string[] {
  const groups = new Map<bigint, string[]>();
  for (const [rel, e] of src) if (e.type === 'file' && e.nlink > 1n) groups.set(e.ino, [...(groups.get(e.ino) ?? []), rel]);
  const out: string[] = [];
  for (const names of groups.values()) {
    const inodes = new Set(names.map((n) => dst.get(n)?.ino));
    if (inodes.size !== 1) out.push(`${names.join(', ')}: split into ${inodes.size} files`);
    const d = dst.get(names[0]);
    if (d && d.nlink !== src.get(names[0])!.nlink) out.push(`${names[0]}: ${d.nlink} links, the source has ${src.get(names[0])!.nlink}`);
  }
  for (const [rel, e] of dst) if (e.type === 'file' && e.nlink > 1n && (src.get(rel)?.nlink ?? 1n) < 2n) out.push(`${rel}: linked in the destination only`);
  return out;
}

/**
 * getfattr -R -d -m - -h -e hex (every attribute, links not followed) and getfacl -R -p -P run in
 * `root`, entries sorted (the two trees list directories in their own order).
 */
export function attributeDump(root: string, tool: 'getfattr' | 'getfacl'): string {
  const args = tool === 'getfattr' ? ['-R', '-d', '-m', '-', '-h', '-e', 'hex', '.'] : ['-R', '-p', '-P', '.'];
  const r = spawnSync(tool, args, { cwd: root, encoding: 'buffer' });
  if (r.status !== 0 && r.stdout.length === 0) throw new Error(`${tool} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('latin1').split(/\n\n+/).map((b) => b.trim()).filter((b) => b !== '').sort().join('\n\n');
}

/** mtime/ctime/inode of everything under `root`: equal before and after means nothing there was touched. */
export function touchPrint(root: string, opts: { dirCtimes?: boolean } = {}): string {
  const lines: string[] = [];
  const ctimeOf = (st: fs.BigIntStats): string => (st.isDirectory() && opts.dirCtimes === false ? '-' : String(st.ctimeNs));
  for (const [rel, e] of entries(root)) lines.push(`${rel} ${e.ino} ${e.mtimeNs} ${ctimeOf(fs.lstatSync(fsPath(path.join(root, rel)), { bigint: true }))}`);
  const st = fs.lstatSync(root, { bigint: true });
  lines.push(`. ${st.ino} ${st.mtimeNs} ${ctimeOf(st)}`);
  return lines.join('\n');
}

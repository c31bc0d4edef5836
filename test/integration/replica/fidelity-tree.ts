import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsPath } from '../../../src/fs/byte-names';

/** Size of the large file: 200 MB as the issue asks; ROBOCURSE_FIDELITY_BIG_MB makes it smaller for a quick local run. */
export const BIG_MB = Number(process.env.ROBOCURSE_FIDELITY_BIG_MB ?? 200);
export const SPARSE_MB = 100;

const NS = (iso: string, nanos: number): bigint => BigInt(Date.parse(iso)) * 1_000_000n + BigInt(nanos);
/** Old, pre-1970, future and nanosecond mtimes, spread over the tree. */
export const TIMES = {
  epoch: 0n,
  pre1970: NS('1960-02-29T12:00:00Z', 987_654_321),
  future: NS('2100-01-01T00:00:00Z', 123_456_789),
  nanos: NS('2021-06-15T08:30:00Z', 999_999_999),
};

/** touch -d @sec.nsec: GNU touch sets nanoseconds (utimensat), -h the link itself. */
function touch(p: string, ns: bigint, noFollow = false): void {
  const sec = ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n !== 0n ? 1n : 0n);
  const nsec = ns - sec * 1_000_000_000n;
  execFileSync('touch', [...(noFollow ? ['-h'] : []), '-d', `@${sec}.${String(nsec).padStart(9, '0')}`, p]);
}

/**
 * The tree of issue #22, as root: a large file, 5,000 small files, 30 levels, empty directories,
 * odd names (one not UTF-8), symbolic links (to a file, to a directory, dangling, a loop, itself),
 * hard links (within a directory, across directories that become different chunks, and with the
 * root's own files), a FIFO, a socket, a character device, a sparse file, user xattrs, ACLs (an
 * access ACL and a default ACL), setuid/setgid/sticky/000 modes, files owned by other users (65534
 * and an id no account has), and old, pre-1970, future and nanosecond mtimes.
 */
export function buildFidelityTree(root: string): void {
  fs.mkdirSync(root, { recursive: true });
  const p = (...parts: string[]): string => path.join(root, ...parts);
  // Data
  const big = fs.openSync(p('big.bin'), 'w');
  const block = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (let i = 0; i < BIG_MB / 4; i++) { randomFillSync(block); fs.writeSync(big, block); }
  fs.closeSync(big);
  for (let d = 0; d < 50; d++) {
    const dir = p('many', `d${String(d).padStart(2, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(dir, `f${f}`), `file ${d}/${f}\n`.repeat(1 + ((d * 100 + f) % 13)));
  }
  let deep = p('deep');
  for (let i = 1; i <= 30; i++) deep = path.join(deep, `level${i}`);
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, 'bottom.txt'), 'thirty levels down');
  fs.mkdirSync(p('empty'));
  fs.mkdirSync(p('deep', 'level1', 'empty too'));
  // Odd names
  fs.mkdirSync(p('odd'));
  fs.writeFileSync(fsPath(p('odd', 'caf\udce9.txt')), 'latin-1 name');
  fs.writeFileSync(p('odd', ' leading space'), 's');
  fs.writeFileSync(p('odd', '-dash'), 'd');
  fs.writeFileSync(p('odd', 'new\nline'), 'n');
  fs.writeFileSync(p('odd', '日本語 ☃.txt'), 'u');
  fs.writeFileSync(p('odd', 'back\\slash*?'), 'b');
  // Symbolic links
  fs.mkdirSync(p('links'));
  fs.symlinkSync('../big.bin', p('links', 'to-file'));
  fs.symlinkSync('../many', p('links', 'to-dir'));
  fs.symlinkSync('/nonexistent/robocurse', p('links', 'dangling'));
  fs.symlinkSync('loop-b', p('links', 'loop-a'));
  fs.symlinkSync('loop-a', p('links', 'loop-b'));
  fs.symlinkSync('self', p('links', 'self'));
  // Hard links: within one directory, across chunks (many/d03 and many/d40 are separate chunks), with the root's own files
  fs.mkdirSync(p('hard'));
  fs.writeFileSync(p('hard', 'a'), 'hard-linked data\n');
  fs.linkSync(p('hard', 'a'), p('hard', 'b'));
  fs.linkSync(p('many', 'd03', 'f3'), p('many', 'd40', 'same-as-d03-f3'));
  fs.linkSync(p('many', 'd07', 'f7'), p('root-link-to-d07-f7'));
  // Special files
  fs.mkdirSync(p('special'));
  execFileSync('mkfifo', [p('special', 'fifo')]);
  execFileSync('python3', ['-c', 'import socket,sys;socket.socket(socket.AF_UNIX).bind(sys.argv[1])', p('special', 'socket')]);
  execFileSync('mknod', [p('special', 'null-device'), 'c', '1', '3']);
  // Sparse: 100 MB with three islands of data
  const sp = fs.openSync(p('sparse.img'), 'w');
  for (const at of [0, 37 * 1024 * 1024, 99 * 1024 * 1024]) fs.writeSync(sp, Buffer.from(`island at ${at}\n`), 0, undefined, at);
  fs.ftruncateSync(sp, SPARSE_MB * 1024 * 1024);
  fs.closeSync(sp);
  // Extended attributes and ACLs
  execFileSync('setfattr', ['-n', 'user.origin', '-v', 'fidelity', p('hard', 'a')]);
  execFileSync('setfattr', ['-n', 'user.binary', '-v', '0x00ff10', p('odd', '-dash')]);
  execFileSync('setfattr', ['-n', 'user.dir', '-v', 'on a directory', p('many')]);
  execFileSync('setfacl', ['-m', 'u:65534:rw,g:65534:r', p('many', 'd00', 'f0')]);
  fs.mkdirSync(p('acl-dir'));
  execFileSync('setfacl', ['-m', 'u:65534:rwx', '-d', '-m', 'u:65534:rx', p('acl-dir')]);
  fs.writeFileSync(p('acl-dir', 'inherits'), 'inherits the default ACL');
  // Modes and owners
  fs.mkdirSync(p('modes'));
  for (const [name, mode] of [['setuid', 0o4755], ['setgid', 0o2755], ['none', 0o000], ['odd-bits', 0o7641]] as const) {
    fs.writeFileSync(p('modes', name), name);
    fs.chmodSync(p('modes', name), mode);
  }
  fs.mkdirSync(p('modes', 'sticky'));
  fs.chmodSync(p('modes', 'sticky'), 0o1777);
  fs.mkdirSync(p('modes', 'setgid-dir'));
  fs.chmodSync(p('modes', 'setgid-dir'), 0o2775);
  fs.mkdirSync(p('owners'));
  fs.writeFileSync(p('owners', 'nobody'), 'n');
  fs.chownSync(p('owners', 'nobody'), 65534, 65534);
  fs.writeFileSync(p('owners', 'unassigned'), 'u');
  fs.chownSync(p('owners', 'unassigned'), 48_123, 48_321);
  fs.mkdirSync(p('owners', 'dir-of-nobody'));
  fs.chownSync(p('owners', 'dir-of-nobody'), 65534, 65534);
  fs.lchownSync(p('links', 'dangling'), 65534, 65534);
  // Times last (writing inside a directory moves its mtime), deepest first.
  touch(p('owners', 'nobody'), TIMES.epoch);
  touch(p('modes', 'setuid'), TIMES.pre1970);
  touch(p('big.bin'), TIMES.future);
  touch(p('hard', 'a'), TIMES.nanos);
  touch(p('links', 'to-dir'), TIMES.pre1970, true);
  touch(p('special', 'fifo'), TIMES.nanos);
  touch(deep, TIMES.future);
  for (const d of ['empty', 'special', 'modes', 'owners', 'links', 'odd', 'hard', 'acl-dir', 'deep', 'many']) touch(p(d), TIMES.nanos + BigInt(d.length));
  touch(root, TIMES.nanos);
}

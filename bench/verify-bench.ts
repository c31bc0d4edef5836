/**
 * Verification speed: the kept hash (XXH3-64 from @node-rs/xxhash, as the verify workers read a
 * file) against b3sum and xxhsum on one large file, and `robocurse verify --mode full` against
 * `xxhsum -H3` and `b3sum` over a source tree and its copy (what verify reads: both). On tmpfs,
 * so the hash and the reading are measured, not the disk. Contenders alternate within a round.
 *   node dist/bench/verify-bench.js [--reps 3] [--gib 1] [--dir /dev/shm]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashFile } from '../src/verify/hash-file';
import { median, timeCommand } from './lib/timing';

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

function writeRandom(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 3)) >>> 0, i);
  for (let done = 0; done < bytes; done += block.length) { block[done % 997] ^= 0x5a; fs.writeSync(fd, block, 0, Math.min(block.length, bytes - done)); }
  fs.closeSync(fd);
}

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function main(): void {
  const reps = Number(flag('--reps', '3'));
  const gib = Number(flag('--gib', '1'));
  const work = fs.mkdtempSync(path.join(flag('--dir', '/dev/shm'), 'robocurse-verify-bench-'));
  const out: string[] = [];
  try {
    const big = path.join(work, 'big.bin');
    const size = Math.round(gib * 2 ** 30);
    writeRandom(big, size);
    const buf = Buffer.allocUnsafe(1 << 20);
    const contenders: Array<[string, () => number]> = [
      ['robocurse hashFile (XXH3-64, @node-rs/xxhash, 1 thread)', () => timeIt(() => { if (!hashFile(big, buf).digest) throw new Error('hash failed'); })],
      ['node:crypto sha256 (1 thread)', () => timeIt(() => {
        const h = createHash('sha256'); const fd = fs.openSync(big, 'r');
        for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
        fs.closeSync(fd); h.digest();
      })],
    ];
    if (have('xxhsum')) contenders.push(['xxhsum -H3 (XXH3-64)', () => timeCommand('xxhsum', ['-H3', big]).ms], ['xxhsum -H2 (XXH128)', () => timeCommand('xxhsum', ['-H2', big]).ms]);
    if (have('b3sum')) contenders.push(['b3sum (BLAKE3, all cores)', () => timeCommand('b3sum', [big]).ms], ['b3sum --num-threads 1', () => timeCommand('b3sum', ['--num-threads', '1', big]).ms]);
    const samples = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
    for (let r = 0; r < reps; r++) for (const [n, f] of contenders) samples.get(n)!.push(f());
    out.push(`hashing one ${gib} GiB file on ${path.dirname(work)} (median of ${reps}; CLI times include process start)`, '', '| contender | median | GiB/s |', '|---|---:|---:|');
    for (const [n, xs] of samples) out.push(`| ${n} | ${median(xs).toFixed(0)} ms | ${(gib / (median(xs) / 1000)).toFixed(2)} |`);

    // A tree and its copy, then verify --mode full through the real CLI.
    const src = path.join(work, 'src'); const dst = path.join(work, 'dst');
    const files = 256; const per = Math.round(size / files);
    for (let i = 0; i < files; i++) {
      const d = path.join(src, `d${i % 16}`);
      fs.mkdirSync(d, { recursive: true });
      fs.copyFileSync(big, path.join(d, `f${i}.bin`));
      fs.truncateSync(path.join(d, `f${i}.bin`), per);
    }
    if (spawnSync('cp', ['-a', `${src}/.`, dst]).status !== 0) throw new Error('cp -a failed');
    const cfg = path.join(work, 'robocurse.json');
    fs.writeFileSync(cfg, JSON.stringify({ version: 1, global: { logDir: path.join(work, 'logs'), stateDir: path.join(work, 'state') }, profiles: { p: { source: src, destination: dst } } }));
    const cli = path.resolve(__dirname, '..', '..', 'bin', 'robocurse.js');
    const list = (root: string): string[] => fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    const both = [...list(src), ...list(dst)];
    const tree: Array<[string, () => number]> = [
      ['robocurse verify --mode full (whole CLI)', () => { const r = timeCommand(process.execPath, [cli, 'verify', '--config', cfg, '--profile', 'p']); if (r.status !== 0) throw new Error(r.stdout + r.stderr); return r.ms; }],
      ['robocurse verify --mode meta (whole CLI)', () => timeCommand(process.execPath, [cli, 'verify', '--config', cfg, '--profile', 'p', '--mode', 'meta']).ms],
    ];
    if (have('xxhsum')) tree.push(['xxhsum -H3 over both trees', () => timeCommand('xxhsum', ['-H3', ...both]).ms]);
    if (have('b3sum')) tree.push(['b3sum over both trees', () => timeCommand('b3sum', both).ms]);
    const ts = new Map<string, number[]>(tree.map(([n]) => [n, []]));
    for (let r = 0; r < reps; r++) for (const [n, f] of tree) ts.get(n)!.push(f());
    out.push('', `a tree of ${files} files (${gib} GiB) and its copy: ${2 * gib} GiB read`, '', '| contender | median | GiB/s read |', '|---|---:|---:|');
    for (const [n, xs] of ts) out.push(`| ${n} | ${median(xs).toFixed(0)} ms | ${n.includes('meta') ? '-' : ((2 * gib) / (median(xs) / 1000)).toFixed(2)} |`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();

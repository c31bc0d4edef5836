import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TreeSpec } from '../../src/testing/trees';

// The tree helpers live with the contract suites that plugin authors get (robocurse/plugin/testing).
export { diffTrees, makeTree, pseudoRandomBytes, readTree, removeTemp, tempDir, type TreeEntry, type TreeSpec } from '../../src/testing/trees';

/** Bytes under `root` right now, temp files included (what really reached the disk). */
export function bytesOnDisk(root: string): number {
  let total = 0;
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      try { if (e.isDirectory()) walk(p); else total += fs.lstatSync(p).size; } catch { /* renamed meanwhile */ }
    }
  };
  walk(root);
  return total;
}

/**
 * A temp folder on /dev/shm (tmpfs) for copies across file systems: it must be another file
 * system than `other`'s (thrown otherwise, so such a test cannot pass by copying within one).
 */
export function tempDirAcross(other: string, prefix: string): string {
  const shm = fs.mkdtempSync(path.join('/dev/shm', prefix));
  if (fs.statSync(shm).dev === fs.statSync(other).dev) {
    fs.rmSync(shm, { recursive: true, force: true });
    throw new Error(`${shm} is on the same file system as ${other}: no copy across file systems to test`);
  }
  return shm;
}

/**
 * Gives every entry below `root` its own old time (atime and mtime, `stepSeconds` apart from
 * 2017-07-14 on, with a sub-second `fraction`), each directory after its contents: a copy that
 * keeps times keeps these exactly, one that does not is seen at once.
 */
export function stampOldTimes(root: string, stepSeconds = 86_400, fraction = 0.123456): void {
  let n = 0;
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (fs.lstatSync(p).isDirectory()) walk(p);
      const t = 1_500_000_000 + (n++) * stepSeconds + fraction;
      fs.utimesSync(p, t, t);
    }
  };
  walk(root);
}

/**
 * The nightly tests' tree: `root.txt`, and `tops` directories `<prefix>0..` each holding
 * `top.txt` and `subs` directories `s0..` of `files` small files `f0.dat..`.
 */
export function twoLevelTree(prefix: string, tops: number, subs: number, files: number): TreeSpec {
  const tree: TreeSpec = { 'root.txt': 'root' };
  for (let t = 0; t < tops; t++) {
    const top: TreeSpec = { 'top.txt': `top ${t}` };
    for (let s = 0; s < subs; s++) {
      const sub: TreeSpec = {};
      for (let f = 0; f < files; f++) sub[`f${f}.dat`] = `${prefix}${t} s${s} f${f}\n`;
      top[`s${s}`] = sub;
    }
    tree[`${prefix}${t}`] = top;
  }
  return tree;
}

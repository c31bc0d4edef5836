import * as fs from 'node:fs';
import * as path from 'node:path';

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

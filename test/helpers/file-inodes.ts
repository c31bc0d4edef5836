import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Inode and ctime of every regular file under `root`, by relative path: a file written by any
 * means (temp + rename, or in place as robocopy does) or whose attributes were set has another.
 */
export function fileInodes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r); else if (e.isFile()) { const st = fs.lstatSync(path.join(root, r), { bigint: true }); out.set(r, `${st.ino}@${st.ctimeNs}`); }
    }
  };
  walk('');
  return out;
}

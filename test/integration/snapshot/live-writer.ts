/**
 * Keeps changing a directory tree until killed: appends to existing files, creates new ones
 * named `live-<epoch ms>-<n>`, deletes a few. Run as a child process by the snapshot tests, so the
 * tree really changes while robocurse scans and copies it. Prints "writing" once it has started.
 * argv: <root> [intervalMs]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = process.argv[2];
const intervalMs = Number(process.argv[3] ?? 5);
let n = 0;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p)); else out.push(p);
  }
  return out;
}

const existing = files(root).filter((f) => !path.basename(f).startsWith('live-'));
process.stdout.write('writing\n');
setInterval(() => {
  n++;
  const target = existing[n % existing.length];
  try {
    if (n % 3 === 0) fs.appendFileSync(target, `changed ${n}\n`);
    else if (n % 7 === 0 && existing.length > 5) { fs.rmSync(existing.splice(n % existing.length, 1)[0], { force: true }); }
    else fs.writeFileSync(path.join(path.dirname(target), `live-${Date.now()}-${n}`), `new ${n}\n`);
  } catch {
    // A file removed meanwhile: the next tick picks another.
  }
}, intervalMs);

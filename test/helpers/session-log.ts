import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The JSON log of the newest session in `<dir>/logs`: two runs may start in the same second, so
 * the newest by its time, not by its name.
 */
export function newestLog(dir: string): string {
  const logs = fs.readdirSync(path.join(dir, 'logs')).filter((f) => f.startsWith('robocurse-') && f.endsWith('.log'))
    .map((f) => path.join(dir, 'logs', f)).sort((x, y) => fs.statSync(x).mtimeMs - fs.statSync(y).mtimeMs);
  return fs.readFileSync(logs[logs.length - 1], 'utf8');
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/**
 * Which config file to use: `--config`, else ./robocurse.json, else the bundled example, which
 * is announced on stderr so it is never used silently.
 */
export function chooseConfigPath(explicit: string | undefined, cwd: string, warn: (msg: string) => void): string {
  if (explicit) return path.resolve(cwd, explicit);
  const local = path.join(cwd, 'robocurse.json');
  if (fs.existsSync(local)) return local;
  const example = path.join(packageRoot(), 'config', 'robocurse.example.json');
  warn(`robocurse: no --config given and no ./robocurse.json; using the bundled example ${example}`);
  return example;
}

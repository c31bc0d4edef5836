import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTrustProblem, pathTrustProblem } from '../fs/path-trust';
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

/**
 * Why ./robocurse.json must not be used without --config, or undefined. A config found in the
 * working directory is read by whoever runs robocurse there (root, from a scheduler or a shell
 * that happens to sit in a shared folder); if another user could have written it, it could name
 * plugin code, a state directory, an engine executable. So it is used implicitly only when no
 * one but the invoking user and root can change it or any folder above it.
 */
export function implicitConfigProblem(file: string): string | undefined {
  const problem = pathTrustProblem(file);
  if (!problem) return undefined;
  return `refusing to read ${file} implicitly (no --config given): ${formatTrustProblem(problem)}. `
    + 'Another user could have written it, and a config names plugin code and programs to run. '
    + 'Check it, make it and its folders changeable only by you or root, or pass a trusted config with --config (see docs/security.md).';
}

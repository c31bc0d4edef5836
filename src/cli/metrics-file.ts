import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathTrustProblem, formatTrustProblem } from '../fs/path-trust';
import { UsageError } from './load-cli-config';

/**
 * `--metrics-file PATH`: absolute (relative to the working directory), in an existing directory
 * that no one but the user and root can change (the file is replaced there every interval), and
 * not a directory itself. Returns the absolute path; throws UsageError naming the flag.
 * `resolve` makes it absolute (io.ts resolveArg).
 */
export function checkMetricsFile(file: string, resolve: (p: string) => string): string {
  if (file.trim() === '' || /[\u0000-\u001f]/.test(file)) throw new UsageError(`--metrics-file: not a usable path: ${JSON.stringify(file)}`);
  const abs = resolve(file);
  const dir = path.dirname(abs);
  let st: fs.Stats;
  try { st = fs.statSync(dir); } catch (e) {
    throw new UsageError(`--metrics-file: the directory ${dir} does not exist or cannot be read (${(e as NodeJS.ErrnoException).code})`);
  }
  if (!st.isDirectory()) throw new UsageError(`--metrics-file: ${dir} is not a directory`);
  if (fs.existsSync(abs) && fs.lstatSync(abs).isDirectory()) throw new UsageError(`--metrics-file: ${abs} is a directory`);
  const problem = pathTrustProblem(dir, { strictLeaf: true });
  if (problem) throw new UsageError(`--metrics-file: ${formatTrustProblem(problem)}`);
  return abs;
}

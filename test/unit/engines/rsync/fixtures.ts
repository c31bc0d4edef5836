import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RsyncParseRequest } from '../../../../src/engines/rsync/parse-protocol';
import { packageRoot } from '../../../../src/paths';

/** Directory of captured rsync outputs (see its README.md). */
export const FIXTURES = path.join(packageRoot(), 'test', 'fixtures', 'rsync');

/** A fixture file's text, or '' when that stream was not captured. */
export function fixture(name: string): string {
  const p = path.join(FIXTURES, name);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
}

/** stdout and stderr of one captured run (`<base>.stdout.txt`, `<base>.stderr.txt`). */
export function capturedRun(base: string): RsyncParseRequest {
  return { stdout: fixture(`${base}.stdout.txt`), stderr: fixture(`${base}.stderr.txt`) };
}

/** A fixture file's bytes (names that are not UTF-8 must not be decoded before the parser sees them). */
export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

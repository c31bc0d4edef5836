import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

/**
 * Compares `actual` with the golden file test/golden/<rel>; with UPDATE_GOLDEN=1 writes it
 * instead (then review the diff). A missing golden file fails: it is never created silently.
 */
export function expectGolden(rel: string, actual: string): void {
  const file = path.join(packageRoot(), 'test', 'golden', rel);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  expect(fs.existsSync(file), `golden file ${rel} is missing (run with UPDATE_GOLDEN=1 and review it)`).to.equal(true);
  expect(actual, `differs from golden file ${rel}`).to.equal(fs.readFileSync(file, 'utf8'));
}

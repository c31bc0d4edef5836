import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT, exitCodeForOutcome } from '../../../src/cli/exit-codes';
import { packageRoot } from '../../../src/paths';

/**
 * The exit codes are a promise to every script and scheduler that runs robocurse. These tables
 * are written out here on purpose, not derived from the code: a code that changes, appears or
 * disappears in src/cli/exit-codes.ts or in the README must be changed here by hand as well.
 */
const CODES = { Success: 0, FailedChunks: 1, UsageOrConfig: 2, Stopped: 3, Fatal: 4, Stale: 5, Locked: 6 };
const README_ROWS = [0, 1, 2, 3, 4, 5, 6];

describe('exit codes: one table, documented in the README', () => {
  it('the table in the code is exactly the documented one', () => {
    expect(EXIT).to.deep.equal(CODES);
  });

  it('the README lists exactly these codes, each once', () => {
    const readme = fs.readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
    const start = readme.indexOf('## Exit codes');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).to.deep.equal(README_ROWS);
  });

  it('maps every session outcome', () => {
    expect(exitCodeForOutcome('Success')).to.equal(0);
    expect(exitCodeForOutcome('Warning')).to.equal(0);
    expect(exitCodeForOutcome('Failed')).to.equal(1);
    expect(exitCodeForOutcome('Stopped')).to.equal(3);
    expect(exitCodeForOutcome('Error')).to.equal(4);
  });
});

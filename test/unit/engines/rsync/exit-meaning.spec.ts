import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RSYNC_EXIT_TABLE, rsyncExitMeaning } from '../../../../src/engines/rsync/exit-meaning';
import { packageRoot } from '../../../../src/paths';

/** code → [severity, shouldRetry]: the table as the docs promise it, written out independently. */
const EXPECTED: Record<number, [string, boolean]> = {
  0: ['Success', false], 1: ['Fatal', false], 2: ['Fatal', false], 3: ['Fatal', false], 4: ['Fatal', false],
  5: ['Error', true], 6: ['Fatal', false], 10: ['Error', true], 11: ['Error', true], 12: ['Error', true],
  13: ['Fatal', false], 14: ['Error', true], 15: ['Error', true], 16: ['Error', true], 19: ['Error', true],
  20: ['Error', true], 21: ['Error', true], 22: ['Error', true], 23: ['Error', true], 24: ['Warning', false],
  25: ['Error', false], 30: ['Error', true], 35: ['Error', true],
};

describe('rsyncExitMeaning', () => {
  for (const [code, [severity, shouldRetry]] of Object.entries(EXPECTED)) {
    it(`rates exit code ${code} as ${severity}${shouldRetry ? ', retry' : ''}`, () => {
      const m = rsyncExitMeaning(Number(code));
      expect(m).to.include({ severity, shouldRetry });
      expect(m.message).to.match(new RegExp(`^rsync exit code ${code}: \\S`));
    });
  }

  it('documents exactly the codes it rates', () => {
    expect(RSYNC_EXIT_TABLE.map((r) => r.code)).to.deep.equal(Object.keys(EXPECTED).map(Number));
  });

  it('treats a death by signal as a retryable Error', () => {
    expect(rsyncExitMeaning(null, 'SIGKILL')).to.include({ severity: 'Error', shouldRetry: true });
    expect(rsyncExitMeaning(null, 'SIGKILL').message).to.contain('SIGKILL');
  });

  it('treats undocumented codes as Fatal without retry', () => {
    for (const c of [7, 17, 26, 127, 255, -3]) expect(rsyncExitMeaning(c), `code ${c}`).to.include({ severity: 'Fatal', shouldRetry: false });
  });

  it('keeps docs/rsync.md in step with the table', () => {
    const doc = fs.readFileSync(path.join(packageRoot(), 'docs', 'rsync.md'), 'utf8');
    for (const row of RSYNC_EXIT_TABLE) {
      const line = doc.split('\n').find((l) => new RegExp(`^\\|\\s*${row.code}\\s*\\|`).test(l));
      expect(line, `docs row for code ${row.code}`).to.be.a('string');
      expect(line).to.contain(row.severity);
      expect(line).to.contain(row.shouldRetry ? 'yes' : 'no');
    }
  });
});

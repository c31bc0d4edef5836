import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT, exitCodeForOutcome } from '../../../src/cli/exit-codes';
import { packageRoot } from '../../../src/paths';

describe('exit codes: one table, documented in the README', () => {
  it('the README lists exactly the codes of the table', () => {
    const readme = fs.readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 5));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).to.deep.equal(Object.values(EXIT).sort());
  });

  it('maps every session outcome', () => {
    expect(exitCodeForOutcome('Success')).to.equal(EXIT.Success);
    expect(exitCodeForOutcome('Warning')).to.equal(EXIT.Success);
    expect(exitCodeForOutcome('Failed')).to.equal(EXIT.FailedChunks);
    expect(exitCodeForOutcome('Stopped')).to.equal(EXIT.Stopped);
    expect(exitCodeForOutcome('Error')).to.equal(EXIT.Fatal);
  });
});

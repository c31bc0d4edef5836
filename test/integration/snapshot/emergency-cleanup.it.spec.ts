import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StateStore } from '../../../src/state';
import { removeTemp, tempDir } from '../../helpers/make-tree';

describe('emergency snapshot clean-up in a real process that crashes', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-crash-'); });
  afterEach(() => removeTemp(dir));

  it('deletes the snapshot and marks it deleted before exiting with 4 on an uncaught exception', () => {
    const stateDir = path.join(dir, 'state');
    const markers = path.join(dir, 'markers');
    fs.mkdirSync(markers);
    const r = spawnSync(process.execPath, [path.join(__dirname, 'crash-fixture.js'), stateDir, markers], { encoding: 'utf8' });
    expect(r.stdout).to.contain('snapshot made');
    expect(r.status, r.stderr).to.equal(4);
    expect(fs.readdirSync(markers)).to.deep.equal([]);
    const store = StateStore.open(stateDir);
    try {
      expect(store.listLiveSnapshots()).to.deep.equal([]);
    } finally { store.close(); }
  });
});

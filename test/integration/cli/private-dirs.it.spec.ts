import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { writeRailsConfig } from './rails-kit';

describe('stateDir and logDir must lie outside every profile (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-private-'); makeTree(dir, { src: { 'a.txt': 'a' }, dst: { 'a.txt': 'a', 'old.txt': 'o' } }); });
  afterEach(() => removeTemp(dir));

  const cases = [
    { key: 'global.stateDir', global: { stateDir: 'dst/.robocurse-state' }, side: 'destination' },
    { key: 'global.logDir', global: { logDir: 'dst' }, side: 'destination' },
    { key: 'global.logDir', global: { logDir: 'src/logs' }, side: 'source' },
  ];
  for (const c of cases) {
    for (const json of [[], ['--json']]) {
      it(`${c.key} inside the ${c.side}${json.length ? ' (--json)' : ''}: validate and run exit 2 naming the key and the profile; nothing is written`, async () => {
        const cfg = writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true } }, c.global);
        const before = { src: hashTree(path.join(dir, 'src')), dst: hashTree(path.join(dir, 'dst')) };
        const v = await runCliLikeCron(['validate', '--config', cfg, ...json]);
        expect(v.code).to.equal(2);
        expect(v.stderr).to.contain(`${c.key}:`).and.to.contain(`${c.side} of profile 'docs'`);
        if (json.length) expect(v.lines[0]).to.include({ valid: false });
        const r = await runCliLikeCron(['run', '--config', cfg, '--all', ...json]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.contain(`${c.key}:`).and.to.contain("profile 'docs'");
        expect(hashTree(path.join(dir, 'src'))).to.equal(before.src);
        expect(hashTree(path.join(dir, 'dst'))).to.equal(before.dst);
      });
    }
  }

  it('a stateDir beside the destination (not inside) is fine', async () => {
    const cfg = writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true } }, { stateDir: 'dst-state' });
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'dst', 'old.txt'))).to.equal(false);
    const h = await runCliLikeCron(['history', '--config', cfg]);
    expect(h.stdout).to.contain('docs');
  });
});

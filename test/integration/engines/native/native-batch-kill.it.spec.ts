import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NativeCopier } from '../../../../src/engines/native';
import { makeChunk, makeOptions } from '../../../contract/contract-fixtures';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';

/** Kill and suspend while small files go through the copy threads in batches (no bandwidth limit). */
describe('native engine: kill and suspend during batched small-file copies', function () {
  this.timeout(60_000);
  let dir: string;
  let copier: NativeCopier;
  beforeEach(() => {
    dir = tempDir();
    const spec: TreeSpec = {};
    for (let d = 0; d < 30; d++) {
      const sub: TreeSpec = {};
      for (let f = 0; f < 200; f++) sub[`f${f}.dat`] = 3000 + f;
      spec[`d${d}`] = sub;
    }
    makeTree(path.join(dir, 'src'), spec);
    copier = new NativeCopier();
  });
  afterEach(async () => { await copier.close(); removeTemp(dir); });

  /** Every destination file is a whole copy of its source; no temp file is left. */
  function checkDestination(): number {
    let files = 0;
    const walk = (rel: string): void => {
      for (const e of fs.readdirSync(path.join(dir, 'dst', rel), { withFileTypes: true })) {
        const r = path.join(rel, e.name);
        if (e.isDirectory()) { walk(r); continue; }
        expect(e.name, `temp file left: ${r}`).to.not.match(/\.tmp$/);
        expect(fs.readFileSync(path.join(dir, 'dst', r)).equals(fs.readFileSync(path.join(dir, 'src', r))), r).to.equal(true);
        files++;
      }
    };
    if (fs.existsSync(path.join(dir, 'dst'))) walk('');
    return files;
  }

  it('kill mid-run ends the job before it copied everything, with killed: true, whole files only, no temp files; a re-run completes', async () => {
    const job = copier.start(makeChunk(path.join(dir, 'src'), path.join(dir, 'dst')), makeOptions());
    const t0 = Date.now();
    while (job.progress().filesCopied < 200 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
    await job.kill();
    const r = await job.done;
    expect(r.killed).to.equal(true);
    const copied = checkDestination();
    expect(copied).to.be.greaterThan(0).and.lessThan(6000);
    const again = await copier.start(makeChunk(path.join(dir, 'src'), path.join(dir, 'dst')), makeOptions()).done;
    expect(again.exitMeaning.severity).to.equal('Success');
    expect(checkDestination()).to.equal(6000);
  });

  it('suspend: once the files in flight settle, no file is added while suspended; resume finishes the copy', async () => {
    const job = copier.start(makeChunk(path.join(dir, 'src'), path.join(dir, 'dst')), makeOptions());
    const t0 = Date.now();
    while (job.progress().filesCopied < 200 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
    job.suspend!();
    await new Promise((r) => setTimeout(r, 300));
    const before = checkDestination();
    await new Promise((r) => setTimeout(r, 700));
    expect(checkDestination()).to.equal(before);
    expect(before).to.be.lessThan(6000);
    job.resume!();
    const r = await job.done;
    expect(r.exitMeaning.severity).to.equal('Success');
    expect(checkDestination()).to.equal(6000);
  });
});

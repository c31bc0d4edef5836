import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { StateStore } from '../../../src/state';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

function writeConfig(dir: string, profile: Record<string, unknown>, global: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({
    version: 1, global: { logDir: 'logs', stateDir: 'state', ...global },
    profiles: { docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 }, ...profile } },
  }, null, 2));
  return file;
}

/** Flips one bit of `file` and puts its times back: same size, same mtime, other content. */
function flipBit(file: string, offset: number): void {
  const st = fs.statSync(file);
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset);
  b[0] ^= 0x10;
  fs.writeSync(fd, b, 0, 1, offset);
  fs.closeSync(fd);
  fs.utimesSync(file, st.atimeMs / 1000, st.mtimeMs / 1000);
  const after = fs.statSync(file);
  expect([after.size, Math.floor(after.mtimeMs)]).to.deep.equal([st.size, Math.floor(st.mtimeMs)]);
}

type Summary = { exitCode: number; sessionId: string; profiles: Array<{ result: string; chunksWarning: number; verify?: { mode: string; filesChecked: number; filesHashed: number; mismatches: number; changedInSource: number; listed: Array<{ path: string; kind: string; detail: string }> }; failedChunks: Array<{ errors: Array<{ path: string; code: string }> }> }> };

describe('verify: a copy that does not match its source (real CLI, like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('robocurse-verify-');
    makeTree(dir, { src: { a: { 'big.bin': 300_000, b: { 'small.txt': 'small' } }, 'r.txt': 'root file', skip: { 'x.tmp': 'excluded' } } });
  });
  afterEach(() => removeTemp(dir));

  it('a bit flipped in a destination file (same size and mtime) is caught by sample at 100 % and by full, not by meta', async () => {
    const first = await runCliLikeCron(['run', '--config', writeConfig(dir, { verify: 'full', excludeFiles: ['*.tmp'] }), '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr).to.equal(0);
    const v1 = (first.summary as unknown as Summary).profiles[0].verify!;
    expect(v1).to.include({ mode: 'full', filesChecked: 3, filesHashed: 3, mismatches: 0, changedInSource: 0 });
    flipBit(path.join(dir, 'dst', 'a', 'big.bin'), 123_456);
    const srcBefore = hashTree(path.join(dir, 'src'));
    const dstBefore = hashTree(path.join(dir, 'dst'));

    const meta = await runCliLikeCron(['run', '--config', writeConfig(dir, { verify: 'meta', excludeFiles: ['*.tmp'] }), '--all', '--json'], { cwd: dir });
    expect(meta.code, meta.stderr).to.equal(0);
    expect((meta.summary as unknown as Summary).profiles[0].verify).to.include({ mode: 'meta', filesChecked: 3, filesHashed: 0, mismatches: 0 });

    for (const profile of [{ verify: 'sample', verifySample: 100 }, { verify: 'full' }]) {
      const r = await runCliLikeCron(['run', '--config', writeConfig(dir, { ...profile, excludeFiles: ['*.tmp'] }), '--all', '--json'], { cwd: dir });
      expect(r.code, `${JSON.stringify(profile)}: ${r.stderr}`).to.equal(1);
      const s = r.summary as unknown as Summary;
      const p = s.profiles[0];
      expect(p.result).to.equal('Failed');
      expect(p.verify).to.include({ mismatches: 1, changedInSource: 0 });
      expect(p.verify!.listed).to.have.length(1);
      expect(p.verify!.listed[0]).to.include({ path: 'a/big.bin', kind: 'content' });
      expect(p.failedChunks[0].errors.map((e) => e.code)).to.include('VERIFY_CONTENT');
      // The mismatch is an event of the session, stored with the others.
      const store = StateStore.open(path.join(dir, 'state'));
      try {
        const ev = store.readEventsSince(s.sessionId, 0).filter((e) => e.type === 'VerifyMismatch');
        expect(ev.map((e) => (e.data as { path: string; kind: string }).kind)).to.deep.equal(['content']);
        expect((ev[0].data as { destination: string }).destination).to.equal(path.join(dir, 'dst', 'a', 'big.bin'));
      } finally { store.close(); }
    }
    // Verifying wrote nothing anywhere.
    expect(hashTree(path.join(dir, 'src'))).to.equal(srcBefore);
    expect(hashTree(path.join(dir, 'dst'))).to.equal(dstBefore);
  });

  it('robocurse verify: exit 1 with the file for sample 100 % and full, exit 0 for meta; reads only', async () => {
    const cfg = writeConfig(dir, { excludeFiles: ['*.tmp'] });
    expect((await runCliLikeCron(['run', '--config', cfg, '--all'], { cwd: dir })).code).to.equal(0);
    flipBit(path.join(dir, 'dst', 'a', 'big.bin'), 7);
    const before = [hashTree(path.join(dir, 'src')), hashTree(path.join(dir, 'dst'))];

    const meta = await runCliLikeCron(['verify', '--config', cfg, '--profile', 'docs', '--mode', 'meta'], { cwd: dir });
    expect(meta.code, meta.stderr).to.equal(0);
    expect(meta.stdout).to.match(/verify docs \(meta\): OK; .*3 files checked/);

    const sample = await runCliLikeCron(['verify', '--config', cfg, '--profile', 'docs', '--mode', 'sample', '--sample', '100'], { cwd: dir });
    expect(sample.code, sample.stderr).to.equal(1);
    expect(sample.stdout).to.match(/^MISMATCH \(content\) \[docs\] a\/big\.bin: same size/m);

    const full = await runCliLikeCron(['verify', '--config', cfg, '--profile', 'docs', '--json'], { cwd: dir });
    expect(full.code, full.stderr).to.equal(1);
    expect(full.lines.filter((l) => l.type === 'finding')).to.deep.equal([
      { type: 'finding', profile: 'docs', chunkId: full.lines[0].chunkId, path: 'a/big.bin', kind: 'content', detail: full.lines[0].detail },
    ]);
    expect(full.summary).to.deep.include({ exitCode: 1 });
    expect((full.summary!.profiles as Array<Record<string, unknown>>)[0]).to.include({ mode: 'full', filesChecked: 3, filesHashed: 3, mismatches: 1, changedInSource: 0 });
    expect([hashTree(path.join(dir, 'src')), hashTree(path.join(dir, 'dst'))]).to.deep.equal(before);

    // A file deleted from the copy, and one changed in the source since the copy.
    fs.rmSync(path.join(dir, 'dst', 'a', 'b', 'small.txt'));
    fs.appendFileSync(path.join(dir, 'src', 'r.txt'), ' and more');
    const again = await runCliLikeCron(['verify', '--config', cfg, '--profile', 'docs', '--mode', 'meta', '--json'], { cwd: dir });
    expect(again.code).to.equal(1);
    const kinds = Object.fromEntries(again.lines.filter((l) => l.type === 'finding').map((l) => [l.path, l.kind]));
    expect(kinds).to.deep.equal({ 'a/b/small.txt': 'missing', 'r.txt': 'changed-in-source' });
  });

  it('a file changed in the source during the run is reported as changed in the source, not as corrupt', async () => {
    const plugin = path.relative(dir, path.join(packageRoot(), 'test', 'fixtures', 'racing-writer-copier'));
    const cfg = writeConfig(dir, { engine: 'racing-writer', verify: 'full', excludeFiles: ['*.tmp'] },
      { plugins: [{ use: plugin.startsWith('.') ? plugin : `./${plugin}`, options: { touch: 'a/big.bin', sourceRoot: path.join(dir, 'src') } }] });
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const p = (r.summary as unknown as Summary).profiles[0];
    expect(p.result).to.equal('Warning');
    expect(p.chunksWarning).to.equal(1);
    expect(p.verify).to.include({ mismatches: 0, changedInSource: 1 });
    expect(p.verify!.listed[0]).to.include({ path: 'a/big.bin', kind: 'changed-in-source' });
    expect(p.verify!.listed[0].detail).to.match(/changed in the source at .*after its copy was made/);
  });

  it('bad input: verify without a profile, a --sample out of range, a bad verify key: exit 2 naming it', async () => {
    const cfg = writeConfig(dir, {});
    const none = await runCliLikeCron(['verify', '--config', cfg], { cwd: dir });
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('--profile NAME');
    const pct = await runCliLikeCron(['verify', '--config', cfg, '--profile', 'docs', '--mode', 'sample', '--sample', '0'], { cwd: dir });
    expect(pct.code).to.equal(2);
    expect(pct.stderr).to.contain('--sample');
    const bad = await runCliLikeCron(['validate', '--config', writeConfig(dir, { verify: 'paranoid', verifySample: 250 })], { cwd: dir });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('profiles.docs.verify').and.to.contain('profiles.docs.verifySample');
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
  });
});

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { mountTmpfs, sessionEvents, writeRunConfig } from '../lifecycle/lifecycle-kit';

type Summary = { outcome: string; profiles: { profile: string; result: string; error?: string; refused?: string; chunksFailed: number }[] };
const NOBODY = 65534;

/**
 * Pre-flight per profile, before anything is copied: room on the destination (a 1 MiB tmpfs),
 * a destination that cannot be written (read-only mount), a source that cannot be read.
 */
describe('pre-flight: free space, writable destination, readable source (real CLI, like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  const undo: (() => void)[] = [];
  beforeEach(() => {
    dir = tempDir('robocurse-preflight-');
    fs.chmodSync(dir, 0o755);
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
    makeTree(path.join(dir, 'other-src'), { x: { 'y.txt': 'other profile' } });
  });
  afterEach(() => {
    for (const u of undo.splice(0).reverse()) u();
    removeTemp(dir);
  });

  const small = (): string => { const d = path.join(dir, 'small'); undo.push(mountTmpfs(d, '1m')); return d; };
  const warnings = (code: string) => sessionEvents(path.join(dir, 'out', 'state')).filter((e) => e.type === 'Warning' && (e.data as { code: string }).code === code);
  const starts = () => sessionEvents(path.join(dir, 'out', 'state')).filter((e) => e.type === 'ChunkStart' && (e.data as { profile: string }).profile === 'data');

  it('too little room: a PREFLIGHT_FREE_SPACE warning names the sizes, and the copy goes on', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.bin': 700_000 }, b: { 'g.bin': 700_000 } });
    const dst = small();
    // One job at a time: two growing at once could both run out of room.
    const cfg = writeRunConfig(dir, { data: { source: 'src', destination: dst, engine: 'native', chunking: { maxChunkFiles: 1 }, retry: { maxAttempts: 1 } } }, { maxConcurrentJobs: 1 });
    const r = await runCliLikeCron(['run', '-c', cfg, '--all', '--json'], { cwd: dir });
    const w = warnings('PREFLIGHT_FREE_SPACE');
    expect(w, r.stderr).to.have.length(1);
    expect((w[0].data as { message: string }).message).to.match(/has [\d.]+ MB free, but the 2 chunk\(s\) to copy need 1\.4 MB not already there .*copying anyway/);
    expect(starts()).to.have.length(2);
    // One chunk fits, the other hits the full disk: exit 1, the copied one complete.
    expect(r.code, r.stderr).to.equal(1);
    expect((r.summary as unknown as Summary).profiles[0].chunksFailed).to.equal(1);
    const copied = ['a/f.bin', 'b/g.bin'].filter((f) => fs.existsSync(path.join(dst, f)));
    expect(copied).to.have.length(1);
    expect(fs.readFileSync(path.join(dst, copied[0])).equals(fs.readFileSync(path.join(dir, 'src', copied[0])))).to.equal(true);
  });

  it('preflight.requireFreeSpace: the profile is refused before anything is copied (exit 1); the next profile runs', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.bin': 700_000 }, b: { 'g.bin': 700_000 } });
    const dst = small();
    const victim = hashTree(path.join(dir, 'victim'));
    const cfg = writeRunConfig(dir, {
      data: { source: 'src', destination: dst, engine: 'native', chunking: { maxChunkFiles: 1 }, preflight: { requireFreeSpace: true } },
      other: { source: 'other-src', destination: 'other-dst', engine: 'native' },
    });
    const r = await runCliLikeCron(['run', '-c', cfg, '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(1);
    const s = r.summary as unknown as Summary;
    expect(s.profiles[0].result).to.equal('Failed');
    expect(s.profiles[0].refused).to.match(/need 1\.4 MB not already there .*profile refused, nothing copied \(preflight\.requireFreeSpace\)/);
    expect(starts()).to.have.length(0);
    expect(fs.readdirSync(dst)).to.deep.equal([]);
    expect(s.profiles[1].result).to.equal('Success');
    expect(rsyncDifferences(path.join(dir, 'other-src'), path.join(dir, 'other-dst'))).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);
    const plain = await runCliLikeCron(['run', '-c', cfg, '--profile', 'data'], { cwd: dir });
    expect(plain.code).to.equal(1);
    expect(plain.stdout + plain.stderr).to.contain('profile refused, nothing copied (preflight.requireFreeSpace)');
  });

  it('an up-to-date destination needs no room: a re-run with less free space than the tree is not refused', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.bin': 400_000 }, b: { 'g.bin': 300_000 } });
    const dst = small();
    const cfg = writeRunConfig(dir, { data: { source: 'src', destination: dst, engine: 'native', chunking: { maxChunkFiles: 1 }, preflight: { requireFreeSpace: true } } });
    const first = await runCliLikeCron(['run', '-c', cfg, '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr).to.equal(0);
    expect(fs.statfsSync(dst).bavail * fs.statfsSync(dst).bsize).to.be.below(700_000); // so the destination is scanned
    const again = await runCliLikeCron(['run', '-c', cfg, '--all', '--json', '--no-resume'], { cwd: dir });
    expect(again.code, again.stderr).to.equal(0);
    expect(warnings('PREFLIGHT_FREE_SPACE')).to.have.length(0);
    expect(rsyncDifferences(path.join(dir, 'src'), dst)).to.deep.equal([]);
  });

  it('a destination that cannot be written fails the profile before it starts (exit 4), naming it', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' } });
    const ro = path.join(dir, 'ro');
    undo.push(mountTmpfs(ro, '1m', 'ro'));
    const cfg = writeRunConfig(dir, { data: { source: 'src', destination: ro, engine: 'native' }, other: { source: 'other-src', destination: 'other-dst', engine: 'native' } });
    const r = await runCliLikeCron(['run', '-c', cfg, '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(4);
    const s = r.summary as unknown as Summary;
    expect(s.profiles[0].error).to.equal(`destination ${ro} cannot be written (EROFS): nothing was copied`);
    expect(warnings('PREFLIGHT_PATHS')).to.have.length(1);
    expect(starts()).to.have.length(0);
    expect(s.profiles[1].result).to.equal('Success');
    expect(r.stderr).to.not.match(/^\s+at /m);
  });

  it('a source the user cannot read fails the profile before anything else (exit 4), naming it', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' } });
    fs.chmodSync(path.join(dir, 'src'), 0o700); // root's; the run is nobody's
    fs.mkdirSync(path.join(dir, 'mine'));
    fs.chownSync(path.join(dir, 'mine'), NOBODY, NOBODY);
    const cfg = writeRunConfig(dir, { data: { source: 'src', destination: 'mine/dst', engine: 'native' } }, { logDir: 'mine/logs', stateDir: 'mine/state' });
    const r = await runCliLikeCron(['run', '-c', cfg, '--all', '--json'], { cwd: dir, user: 'nobody' });
    expect(r.code, r.stderr).to.equal(4);
    expect((r.summary as unknown as Summary).profiles[0].error).to.equal(`source ${path.join(dir, 'src')} cannot be read (EACCES): nothing was copied`);
    expect(fs.existsSync(path.join(dir, 'mine', 'dst'))).to.equal(false);
  });

  it('a bad preflight value is a config error (exit 2) naming the key', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' } });
    const cfg = writeRunConfig(dir, { data: { source: 'src', destination: 'dst', preflight: { requireFreeSpace: 'yes' } } }, { preflight: { requireFreespace: true } });
    const r = await runCliLikeCron(['run', '-c', cfg, '--all'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('profiles.data.preflight.requireFreeSpace').and.to.contain('global.preflight.requireFreespace');
    expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
  });
});

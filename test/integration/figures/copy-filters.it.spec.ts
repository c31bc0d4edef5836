import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { hashTree, runCliLikeCron } from '../../helpers/cli-child';
import { runCli, startCli } from '../../helpers/run-cli';
import { FAKE_ROBOCOPY, testEnv, waitFor, writeConfig } from './figures-kit';

const DAY = 86_400_000;
const ENGINES = ['native', 'rsync', 'robocopy'] as const;

/** Files of several sizes and ages (mtimes set relative to now, far from any boundary). */
function agedTree(src: string): void {
  makeTree(src, {
    'new-small.txt': 500, 'new-big.bin': 5000, 'old-small.txt': 500, 'old-big.bin': 5000,
    mid: { 'x.doc': 1500, 'y.pdf': 3000, deeper: { 'z.pdf': 2500 } },
  });
  const age = (rel: string, days: number): void => { const t = (Date.now() - days * DAY) / 1000; fs.utimesSync(path.join(src, rel), t, t); };
  age('new-small.txt', 1); age('new-big.bin', 1); age('old-small.txt', 100); age('old-big.bin', 100);
  age('mid/x.doc', 10); age('mid/y.pdf', 40); age('mid/deeper/z.pdf', 5);
}

/** find(1) as the oracle: the relative paths of the files its predicates select, sorted. */
function find(root: string, predicates: string[]): string[] {
  const r = spawnSync('find', ['.', '-type', 'f', ...predicates], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`find failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, '')).sort();
}

function files(root: string): string[] {
  return fs.existsSync(root) ? find(root, []) : [];
}

/** The same copy for each engine; robocopy is the test fake, found through ROBOCURSE_ROBOCOPY. */
function engineArgs(engine: typeof ENGINES[number]): string[] {
  return ['--engine', engine];
}

const CASES: Array<{ name: string; flags: string[]; find: string[] }> = [
  { name: 'changed in the last 30 days and at least 1000 bytes', flags: ['--max-age', '30', '--min-size', '1000'], find: ['-mtime', '-30', '-size', '+999c'] },
  { name: 'at most 4000 bytes', flags: ['--max-size', '4000'], find: ['-size', '-4001c'] },
  { name: '*.pdf not changed in the last 30 days', flags: ['--include', '*.pdf', '--min-age', '30'], find: ['-name', '*.pdf', '-mtime', '+30'] },
  { name: 'changed since a date, *.doc and *.pdf', flags: ['--max-age', new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10), '--include', '*.doc', '--include', '*.pdf'], find: ['-newermt', new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10), '(', '-name', '*.doc', '-o', '-name', '*.pdf', ')'] },
];

/**
 * `robocurse copy SRC DST` end to end with every engine, the selection filters checked against
 * find(1) as the oracle, a mirror that keeps what the filters leave out, a killed copy that
 * resumes when repeated, and --save-profile.
 */
describe('figures: robocurse copy and selection filters (CLI)', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-copy-'); agedTree(path.join(dir, 'src')); });
  afterEach(() => removeTemp(dir));
  const env = (): NodeJS.ProcessEnv => testEnv(dir, { ROBOCURSE_ROBOCOPY: FAKE_ROBOCOPY });

  for (const engine of ENGINES) {
    it(`${engine}: copies the tree, then each filter selects exactly what find selects`, async () => {
      const whole = await runCliLikeCron(['copy', 'src', 'all', ...engineArgs(engine), '--json'], { cwd: dir, env: env() });
      expect(whole.code, whole.stderr).to.equal(0);
      expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'all'), { mode: false, mtime: engine !== 'robocopy' })).to.deep.equal([]);
      expect((whole.summary!.profiles as Array<{ filesCopied: number }>)[0].filesCopied).to.equal(7);
      for (const [i, c] of CASES.entries()) {
        const dst = `sel${i}`;
        const r = await runCliLikeCron(['copy', 'src', dst, ...engineArgs(engine), ...c.flags, '--json'], { cwd: dir, env: env() });
        expect(r.code, `${c.name}: ${r.stderr}`).to.equal(0);
        const expected = find(path.join(dir, 'src'), c.find);
        expect(expected.length, `${c.name}: the oracle selects something`).to.be.greaterThan(0);
        expect(files(path.join(dir, dst)), c.name).to.deep.equal(expected);
        const p = (r.summary!.profiles as Array<{ filesCopied: number; bytesTotal: number }>)[0];
        expect(p.filesCopied, c.name).to.equal(expected.length);
        // The plan's totals are the selection's: the scan applied the same filters.
        const bytes = expected.reduce((s, f) => s + fs.statSync(path.join(dir, 'src', f)).size, 0);
        expect(p.bytesTotal, c.name).to.equal(bytes);
      }
    });
  }

  it('plan totals of a profile with filters equal the oracle\'s', async () => {
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', maxAge: 30, minSize: '1000', includeFiles: ['*.bin', '*.doc', '*.pdf'] } });
    // plan --json is one indented document (not JSON lines): read it whole.
    const r = await runCli(['plan', '--config', file, '--all', '--json'], { cwd: dir, env: { ...env(), TERM: 'dumb' } });
    expect(r.code, r.stderr).to.equal(0);
    const expected = find(path.join(dir, 'src'), ['-mtime', '-30', '-size', '+999c', '(', '-name', '*.bin', '-o', '-name', '*.doc', '-o', '-name', '*.pdf', ')']);
    const totals = (JSON.parse(r.stdout) as { profiles: Array<{ totals: { files: number; bytes: number } }> }).profiles[0].totals;
    expect(totals.files).to.equal(expected.length);
    expect(totals.bytes).to.equal(expected.reduce((s, f) => s + fs.statSync(path.join(dir, 'src', f)).size, 0));
  });

  for (const engine of ['native', 'rsync'] as const) {
    it(`${engine}: a mirror with filters never deletes what the filters leave out`, async () => {
      makeTree(path.join(dir, 'dst'), {
        'keep-old.log': 'older than the max-age window: left out, so kept',
        'delete-new.log': 'x'.repeat(2000),
        'new-small.txt': 'the source has it, but below min-size: untouched',
        mid: { 'tiny-extra.pdf': 'x', 'big-extra.pdf': 'y'.repeat(3000) },
      });
      const t = (Date.now() - 200 * DAY) / 1000;
      fs.utimesSync(path.join(dir, 'dst', 'keep-old.log'), t, t);
      const keptBefore = fs.readFileSync(path.join(dir, 'dst', 'new-small.txt'));
      const r = await runCliLikeCron(['copy', 'src', 'dst', '--mirror', ...engineArgs(engine), '--max-age', '30', '--min-size', '1000', '--json'], { cwd: dir, env: env() });
      expect(r.code, r.stderr).to.equal(0);
      const left = files(path.join(dir, 'dst'));
      expect(left).to.include('keep-old.log').and.to.include('new-small.txt').and.to.include('mid/tiny-extra.pdf');
      expect(left).to.not.include('delete-new.log');
      expect(left).to.not.include('mid/big-extra.pdf');
      expect(fs.readFileSync(path.join(dir, 'dst', 'new-small.txt')).equals(keptBefore)).to.equal(true);
      for (const f of find(path.join(dir, 'src'), ['-mtime', '-30', '-size', '+999c'])) expect(left).to.include(f);
    });
  }

  it('robocopy refuses a mirror with size or age filters (exit 2, naming the flag), and nothing is written', async () => {
    makeTree(path.join(dir, 'dst'), { 'extra.txt': 'x' });
    const before = hashTree(path.join(dir, 'dst'));
    const r = await runCliLikeCron(['copy', 'src', 'dst', '--mirror', '--engine', 'robocopy', '--max-age', '30'], { cwd: dir, env: env() });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--max-age: cannot be combined with mirror on the robocopy engine/);
    expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
  });

  it('bad filter values exit 2 naming the flag', async () => {
    for (const [flags, re] of [
      [['--max-age', 'yesterday'], /--max-age: expected a whole number of days/],
      [['--min-size', 'lots'], /--min-size: expected a size/],
      [['--min-size', '5000', '--max-size', '1000'], /--min-size: minSize \(5000 bytes\) is larger than maxSize/],
    ] as const) {
      const r = await runCliLikeCron(['copy', 'src', 'dst', ...flags], { cwd: dir, env: env() });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(re);
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    }
  });

  it('a copy killed midway resumes when it is repeated; a third time copies nothing', async () => {
    makeTree(path.join(dir, 'big'), { a: { 'f.bin': 400_000 }, b: { 'g.bin': 400_000 }, c: { 'h.bin': 400_000 } });
    const args = ['copy', 'big', 'replica', '--chunk-files', '1', '--max-jobs', '1', '--bwlimit', '2', '--json'];
    const first = startCli(args, { cwd: dir, env: env() });
    await waitFor('one chunk done', async () => {
      const s = await runCliLikeCron(['status', '--json'], { cwd: dir, env: env() });
      const live = s.code === 0 ? (JSON.parse(s.stdout) as { session?: { live?: { chunksComplete: number } } }).session?.live : undefined;
      return (live?.chunksComplete ?? 0) >= 1;
    });
    first.child.kill('SIGKILL');
    await first.result;
    const again = await runCliLikeCron(args.filter((a) => a !== '--bwlimit' && a !== '2'), { cwd: dir, env: env() });
    expect(again.code, again.stderr).to.equal(0);
    const p = (again.summary!.profiles as Array<{ chunksSkipped: number; chunksTotal: number }>)[0];
    expect(p.chunksSkipped).to.be.within(1, p.chunksTotal - 1);
    expect(diffTrees(path.join(dir, 'big'), path.join(dir, 'replica'), { mode: false })).to.deep.equal([]);
    const third = await runCliLikeCron(['copy', 'big', 'replica', '--chunk-files', '1', '--json'], { cwd: dir, env: env() });
    expect(third.code).to.equal(0);
    expect((third.summary!.profiles as Array<{ filesCopied: number }>)[0].filesCopied).to.equal(0);
    // Its state and logs are private, in the user's state home.
    const home = path.join(dir, 'xdg', 'robocurse', 'copies');
    const [key] = fs.readdirSync(home);
    for (const sub of ['', 'state', 'logs']) expect(fs.statSync(path.join(home, key, sub)).mode & 0o777, sub).to.equal(0o700);
    expect(fs.statSync(path.join(home, key, 'state', 'robocurse.db')).mode & 0o777).to.equal(0o600);
  });

  it('--save-profile writes the profile into a config (created, or added next to other keys) and refuses a name clash', async () => {
    const cfg = path.join(dir, 'conf', 'robocurse.json');
    const r = await runCliLikeCron(['copy', 'src', 'dst', '--mirror', '--max-age', '30', '--save-profile', 'docs', '--config', cfg], { cwd: dir, env: env() });
    expect(r.code, r.stderr).to.equal(0);
    const saved = JSON.parse(fs.readFileSync(cfg, 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
    expect(saved.profiles.docs).to.include({ source: path.join(dir, 'src'), destination: path.join(dir, 'dst'), mirror: true, maxAge: 30 });
    expect(fs.statSync(cfg).mode & 0o777).to.equal(0o600);
    expect((await runCliLikeCron(['run', '--config', cfg, '--profile', 'docs'], { cwd: dir, env: env() })).code).to.equal(0);

    const other = path.join(dir, 'other.json');
    const text = '{\n  "version": 1,\n  "$schema": "./robocurse.schema.json",\n  "global": { "maxConcurrentJobs": 2, "stateDir": "st", "logDir": "lg" },\n  "profiles": {\n    "photos": { "source": "src", "destination": "photos-dst" }\n  }\n}\n';
    fs.writeFileSync(other, text);
    const add = await runCliLikeCron(['copy', 'src', 'more', '--save-profile', 'more', '--config', other], { cwd: dir, env: env() });
    expect(add.code, add.stderr).to.equal(0);
    const after = fs.readFileSync(other, 'utf8');
    expect(after).to.contain('"$schema": "./robocurse.schema.json"').and.to.contain('"maxConcurrentJobs": 2').and.to.contain('"photos"').and.to.contain('"more"');
    const clash = await runCliLikeCron(['copy', 'src', 'elsewhere', '--save-profile', 'photos', '--config', other], { cwd: dir, env: env() });
    expect(clash.code).to.equal(2);
    expect(clash.stderr).to.contain("already has a profile 'photos'");
    expect(fs.readFileSync(other, 'utf8')).to.equal(after);
    expect(fs.existsSync(path.join(dir, 'elsewhere'))).to.equal(false);
  });
});

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromPackage, hashTree, runCliLikeCron, runCliOnPty, type CronResult } from '../../helpers/cli-child';
import { runCli } from '../../helpers/run-cli';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { entriesBelow, expectEnded, writeRailsConfig } from './rails-kit';

const REPLICA: TreeSpec = { 'report.docx': 'r', projects: { a: { 'plan.txt': 'p' }, b: { 'x.bin': 3000 } }, 'notes.txt': 'n' };
const isRoot = process.getuid?.() === 0;
const MODES = [{ name: 'off a terminal', json: [] as string[] }, { name: 'with --json', json: ['--json'] }];

/** The refusal as the user sees it: the summary text, or the JSON summary's `refused`. */
function refusalOf(r: CronResult, profile: string): string {
  if (r.summary) {
    const p = (r.summary.profiles as Array<Record<string, unknown>>).find((x) => x.profile === profile)!;
    expect(p.result).to.equal('Failed');
    return String(p.refused);
  }
  return r.stdout;
}

describe('mirror safety rails through the CLI (cron-like child processes)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-rails-'); });
  afterEach(() => removeTemp(dir));
  const run = (args: string[]): Promise<CronResult> => runCliLikeCron(['run', '--config', path.join(dir, 'robocurse.json'), ...args]);

  for (const engine of ['native', 'rsync']) {
    for (const mode of MODES) {
      it(`${engine}, ${mode.name}: an empty source with a full destination is refused (exit 1), nothing deleted, the next profile still runs`, async () => {
        makeTree(dir, { src: {}, dst: REPLICA, other: { 'o.txt': 'o' } });
        writeRailsConfig(dir, {
          docs: { source: 'src', destination: 'dst', mirror: true, engine },
          other: { source: 'other', destination: 'other-copy', engine },
        });
        const before = hashTree(path.join(dir, 'dst'));
        const r = await run(['--all', ...mode.json]);
        const events = expectEnded(r, path.join(dir, 'state'), 1);
        expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
        const why = refusalOf(r, 'docs');
        expect(why).to.contain("profile 'docs'").and.to.contain(path.join(dir, 'src')).and.to.contain('is empty').and.to.contain('--allow-mass-delete');
        expect(diffTrees(path.join(dir, 'other'), path.join(dir, 'other-copy'))).to.deep.equal([]);
        const docsEnd = events.find((e) => e.type === 'ProfileComplete' && (e.data as { profile: string }).profile === 'docs');
        expect(docsEnd?.data).to.include({ result: 'Failed' });
        const history = await runCli(['history', '--config', path.join(dir, 'robocurse.json'), '--json']);
        const runs = (JSON.parse(history.stdout) as { runs: Array<{ profiles: Array<{ profile: string; error: string | null }> }> }).runs;
        expect(runs[0].profiles.find((p) => p.profile === 'docs')!.error).to.contain('is empty, but the destination');
      });
    }
  }

  it('on a terminal too: the refusal is shown, exit 1, nothing deleted', async () => {
    makeTree(dir, { src: {}, dst: REPLICA });
    writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true } });
    const before = hashTree(path.join(dir, 'dst'));
    const r = await runCliOnPty(['run', '--config', path.join(dir, 'robocurse.json'), '--all'], { timeoutMs: 60_000 });
    expect(r.code, r.output).to.equal(1);
    expect(r.output).to.contain("mirror of profile 'docs' refused").and.to.contain('is empty');
    expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
  });

  it('an empty source and an empty (or only excluded) destination is no reason to refuse', async () => {
    makeTree(dir, { src: {}, dst: { 'Thumbs.db': 'x' } });
    writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, excludeFiles: ['Thumbs.db'] } });
    const r = await run(['--all', '--json']);
    expectEnded(r, path.join(dir, 'state'), 0);
  });

  it('--allow-mass-delete lets the same mirror through, with a Warning event', async () => {
    makeTree(dir, { src: {}, dst: REPLICA });
    writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true } });
    const r = await run(['--all', '--json', '--allow-mass-delete']);
    const events = expectEnded(r, path.join(dir, 'state'), 0);
    expect(fs.readdirSync(path.join(dir, 'dst'))).to.deep.equal([]);
    const codes = events.filter((e) => e.type === 'Warning').map((e) => (e.data as { code: string }).code);
    expect(codes).to.include('MASS_DELETE_ALLOWED').and.to.include('MIRROR_RAIL_OVERRIDDEN');
  });

  describe('a source whose mount is gone (tmpfs mounted for the first run, unmounted before the second)', () => {
    let mounted = false;
    beforeEach(function () {
      // Mounting needs root; CI and this machine run the suite as root, so this never skips there.
      if (!isRoot) this.skip();
      fs.mkdirSync(path.join(dir, 'src'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', path.join(dir, 'src')]);
      mounted = true;
      makeTree(path.join(dir, 'src'), REPLICA);
    });
    afterEach(() => { if (mounted) execFileSync('umount', ['-l', path.join(dir, 'src')]); mounted = false; });
    const unmount = (): void => { execFileSync('umount', [path.join(dir, 'src')]); mounted = false; };

    for (const [engine, mode] of [['native', MODES[0]], ['rsync', MODES[1]]] as const) {
      it(`${engine}, ${mode.name}: refused (exit 1) whether the mount point is empty or holds a stray file; nothing deleted`, async () => {
        writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, engine } });
        const first = await run(['--all', ...mode.json]);
        expectEnded(first, path.join(dir, 'state'), 0);
        expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
        unmount();
        const before = hashTree(path.join(dir, 'dst'));
        const empty = await run(['--all', ...mode.json]);
        expectEnded(empty, path.join(dir, 'state'), 1);
        expect(refusalOf(empty, 'docs')).to.contain('another file system').and.to.contain('tmpfs');
        expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
        // The mount point of a share that is gone often holds a stray file: not empty, still not the share.
        fs.writeFileSync(path.join(dir, 'src', 'stray.txt'), 'left on the root file system');
        const stray = await run(['--all', ...mode.json]);
        expectEnded(stray, path.join(dir, 'state'), 1);
        expect(refusalOf(stray, 'docs')).to.contain('another file system');
        expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
        // Remounted (a new tmpfs gets a new device number): the same mount point and type is the same share.
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', path.join(dir, 'src')]);
        mounted = true;
        makeTree(path.join(dir, 'src'), REPLICA);
        const back = await run(['--all', ...mode.json]);
        expectEnded(back, path.join(dir, 'state'), 0);
      });
    }

    it('--allow-mass-delete accepts the new file system once; later runs compare with it', async () => {
      writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true } });
      expectEnded(await run(['--all']), path.join(dir, 'state'), 0);
      unmount();
      fs.writeFileSync(path.join(dir, 'src', 'only.txt'), 'the new source');
      expectEnded(await run(['--all']), path.join(dir, 'state'), 1);
      expectEnded(await run(['--all', '--allow-mass-delete']), path.join(dir, 'state'), 0);
      expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      expectEnded(await run(['--all']), path.join(dir, 'state'), 0);
    });
  });

  /**
   * A replica made by a real run, then a source that lost most of it: per subtree 1 file left
   * of 8 entries (so each chunk would delete 7).
   */
  async function shrunkSource(engineArgs: string[] = []): Promise<void> {
    const full: TreeSpec = {};
    for (const d of ['a', 'b']) full[d] = { 'keep.txt': d, 'gone1.txt': '1', 'gone2.txt': '2', old: { 'x.txt': 'x', 'y.txt': 'y', deep: { 'z.txt': 'z' } } };
    makeTree(path.join(dir, 'src'), full);
    writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, chunking: { maxChunkFiles: 1 } } });
    expectEnded(await run(['--all', ...engineArgs]), path.join(dir, 'state'), 0);
    for (const d of ['a', 'b']) {
      for (const n of ['gone1.txt', 'gone2.txt', 'old']) fs.rmSync(path.join(dir, 'src', d, n), { recursive: true });
    }
  }

  for (const engine of ['native', 'rsync']) {
    for (const [label, maxDeletes, limit] of [['a count', 3, 3], ['a percentage', '30%', 2]] as const) {
      it(`${engine}: maxDeletes as ${label} stops each chunk at its limit (exit 1, not retried); --allow-mass-delete lets it through`, async () => {
        await shrunkSource();
        // Two chunks (a, b) of 8 entries each: "30%" allows 2 deletions per chunk, 3 allows 3.
        writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, engine, maxDeletes, chunking: { maxChunkFiles: 1 }, retry: { backoffSeconds: 0 } } });
        const before = { a: entriesBelow(path.join(dir, 'dst', 'a')), b: entriesBelow(path.join(dir, 'dst', 'b')) };
        const r = await run(['--all', '--json']);
        expectEnded(r, path.join(dir, 'state'), 1);
        for (const d of ['a', 'b'] as const) {
          expect(before[d] - entriesBelow(path.join(dir, 'dst', d)), `deleted in ${d}`).to.be.at.most(limit);
          expect(fs.readFileSync(path.join(dir, 'dst', d, 'keep.txt'), 'utf8')).to.equal(d);
        }
        const failed = (r.summary!.profiles as Array<{ failedChunks: Array<{ message: string; retryCount: number }> }>)[0].failedChunks;
        expect(failed).to.have.length(2);
        for (const f of failed) {
          expect(f.message).to.contain('maxDeletes').and.to.contain('--allow-mass-delete');
          expect(f.retryCount, 'not retried').to.equal(1);
        }
        const through = await run(['--all', '--json', '--allow-mass-delete']);
        expectEnded(through, path.join(dir, 'state'), 0);
        expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      });
    }
  }

  it('robocopy (fake): maxDeletes is checked before robocopy starts; over it nothing is deleted (exit 1)', async () => {
    await shrunkSource();
    const fake = fromPackage('test', 'fixtures', 'fake-robocopy', 'robocopy');
    writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, engine: 'robocopy', maxDeletes: 3, engineOptions: { robocopy: { executable: fake } } } });
    const before = hashTree(path.join(dir, 'dst'));
    const r = await run(['--all']);
    expectEnded(r, path.join(dir, 'state'), 1);
    expect(r.stdout).to.contain('maxDeletes').and.to.contain('not started');
    expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
    expectEnded(await run(['--all', '--allow-mass-delete']), path.join(dir, 'state'), 0);
    expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });

  it('maxDeletes also holds in the final pass: a whole subtree gone from a split directory stays (exit 1)', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'k.txt': 'k' }, b: { 'k.txt': 'k' } });
    makeTree(path.join(dir, 'dst'), { a: { 'k.txt': 'k' }, b: { 'k.txt': 'k' }, vanished: { '1.txt': '1', '2.txt': '2', '3.txt': '3' } });
    writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, maxDeletes: 2, chunking: { maxChunkFiles: 1 } } });
    const r = await run(['--all', '--json']);
    expectEnded(r, path.join(dir, 'state'), 1);
    expect(refusalOf(r, 'docs')).to.contain('maxDeletes').and.to.contain('final pass');
    expect(entriesBelow(path.join(dir, 'dst', 'vanished'))).to.equal(3);
  });

  for (const engine of ['native', 'rsync']) {
    for (const mode of MODES) {
      it(`${engine}, ${mode.name}: --dry-run lists every deletion and deletes nothing; the real run logs and counts them`, async () => {
        // A replica made by the engine itself, then the source loses a file and a directory.
        makeTree(path.join(dir, 'src'), { 'keep.txt': 'k', 'old.txt': 'o', sub: { 'keep2.txt': 'k', stale: { 's.txt': 's' } } });
        writeRailsConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, engine } });
        expectEnded(await run(['--all']), path.join(dir, 'state'), 0);
        fs.rmSync(path.join(dir, 'src', 'old.txt'));
        fs.rmSync(path.join(dir, 'src', 'sub', 'stale'), { recursive: true });
        const before = hashTree(path.join(dir, 'dst'));
        const dry = await run(['--all', '--dry-run', ...mode.json]);
        expectEnded(dry, path.join(dir, 'state'), 0);
        expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
        const listed = mode.json.length
          ? dry.lines.filter((l) => l.type === 'deletion').map((l) => String(l.relPath))
          : dry.stdout.split('\n').filter((l) => l.startsWith('would delete ')).map((l) => path.relative(path.join(dir, 'dst'), l.slice('would delete '.length).replace(/\/? \(.*$|\/$/, '')));
        expect(listed).to.include('old.txt').and.to.include('sub/stale');
        const real = await run(['--all', '--json']);
        expectEnded(real, path.join(dir, 'state'), 0);
        expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
        const p = (real.summary!.profiles as Array<{ extrasRemoved: number }>)[0];
        expect(p.extrasRemoved).to.be.at.least(2);
        const log = fs.readFileSync(path.join(dir, 'logs', `robocurse-${String(real.summary!.sessionId)}.log`), 'utf8');
        expect(log).to.match(/"msg":"deleted old\.txt"/).and.to.match(/"msg":"deleted sub\/stale\//);
        const history = await runCliLikeCron(['history', '--config', path.join(dir, 'robocurse.json')]);
        expect(history.stdout).to.match(/extra\(s\) removed/);
      });
    }
  }
});

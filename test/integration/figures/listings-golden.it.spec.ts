import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { hashTree, runCliLikeCron, runCliOnPty } from '../../helpers/cli-child';
import { expectGolden } from '../../helpers/golden';
import { ENGINE_KEYS, testEnv, writeConfig } from './figures-kit';

const ENGINES = ['native', 'rsync', 'robocopy'] as const;

/** The same tree for every engine: new files, an update, extras (a file, a directory) under a mirror. */
function prepare(dir: string): void {
  makeTree(path.join(dir, 'src'), {
    'top.txt': 'top',
    docs: { 'a.txt': 'a'.repeat(10), 'b.txt': 'b'.repeat(20), sub: { 'c d.txt': 'c'.repeat(30) } },
    photos: { 'p1.jpg': 100, 'p2.jpg': 200 },
  });
  makeTree(path.join(dir, 'dst'), {
    docs: { 'a.txt': 'old', 'old.txt': 'stale' },
    photos: { gone: { 'x.jpg': 'x' } },
    'stale-top.txt': 'stale',
  });
}

const normal = (dir: string, s: string): string => s.split(dir).join('<dir>');

/** files.log with times masked and each profile's records sorted (engines report concurrently). */
function normalFilesLog(dir: string, text: string): string {
  const out: string[] = [];
  let block: string[] = [];
  const flush = (): void => { out.push(...block.sort()); block = []; };
  for (const line of normal(dir, text).split('\n')) {
    if (line.startsWith('#')) { flush(); out.push(line.replace(/session \S+;/, 'session <session>;')); continue; }
    if (line) block.push(line.replace(/^\S+\t/, '<time>\t'));
  }
  flush();
  return `${out.join('\n')}\n`;
}

/**
 * Golden listings per engine on one tree: `run --dry-run` prints every would-copy, would-update
 * and would-delete with full paths on stdout, sorted per chunk (also at the default log level and
 * with --json as objects), and the real run writes the same actions to files.log. The copies and
 * updates must be the same for every engine; deletions are listed as each engine counts them
 * (rsync lists a deleted directory's contents one by one).
 */
describe('figures: dry-run listings and files.log, golden per engine (CLI)', function () {
  this.timeout(180_000);
  let root: string;
  before(() => { root = tempDir('robocurse-golden-'); });
  after(() => removeTemp(root));
  const copies = new Map<string, string[]>();

  for (const engine of ENGINES) {
    it(`${engine}: dry-run listing (text, JSON) and files.log`, async () => {
      const dir = path.join(root, engine);
      prepare(dir);
      const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', mirror: true, chunking: { maxChunkFiles: 3 }, ...ENGINE_KEYS[engine] } }, { maxConcurrentJobs: 1 });
      const before = hashTree(path.join(dir, 'dst'));
      const dry = await runCliLikeCron(['run', '--config', file, '--all', '--dry-run'], { cwd: dir, env: testEnv(dir) });
      expect(dry.code, dry.stderr).to.equal(0);
      expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
      const listing = dry.stdout.split('\n').filter((l) => l.startsWith('would '));
      expectGolden(`listings/dry-run-${engine}.txt`, `${normal(dir, listing.join('\n'))}\n`);
      copies.set(engine, listing.filter((l) => !l.startsWith('would delete')).map((l) => normal(dir, l)));
      // Each extra is counted once, though the root's files-only chunk and the final pass both see it.
      expect(new Set(listing).size).to.equal(listing.length);

      // On a terminal the log level drops to warn for the progress bars: the listing stays.
      const tty = await runCliOnPty(['run', '--config', file, '--all', '--dry-run'], { cwd: dir, env: testEnv(dir), timeoutMs: 120_000 });
      expect(tty.code, tty.output).to.equal(0);
      const onTty = tty.output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n').split(/\r?\n/).map((l) => l.trim());
      for (const l of listing) expect(onTty, l).to.include(l);
      expect(hashTree(path.join(dir, 'dst'))).to.equal(before);

      const json = await runCliLikeCron(['run', '--config', file, '--all', '--dry-run', '--json'], { cwd: dir, env: testEnv(dir) });
      expect(json.code, json.stderr).to.equal(0);
      const objects = json.lines.filter((l) => l.type === 'file' || l.type === 'deletion');
      expect(objects.length).to.equal(listing.length);
      expect(objects.filter((o) => o.type === 'file').map((o) => `${o.action}:${String(o.relPath)}`).sort())
        .to.deep.equal(['new:docs/b.txt', 'new:docs/sub/c d.txt', 'new:photos/p1.jpg', 'new:photos/p2.jpg', 'new:top.txt', 'update:docs/a.txt']);
      for (const o of objects) expect(o).to.include({ profile: 'docs', dryRun: true });
      // The dry run's files.log is labelled as such.
      const dryLog = fs.readFileSync(path.join(dir, 'logs', String(json.summary!.sessionId), 'files.log'), 'utf8');
      expect(dryLog).to.contain('# DRY RUN: nothing was written');

      const real = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env: testEnv(dir) });
      expect(real.code, real.stderr).to.equal(0);
      expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'), { mode: false, mtime: engine !== 'robocopy' })).to.deep.equal([]);
      const log = path.join(dir, 'logs', String(real.summary!.sessionId), 'files.log');
      expect(fs.statSync(log).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.dirname(log)).mode & 0o777).to.equal(0o700);
      expectGolden(`listings/files-log-${engine}.txt`, normalFilesLog(dir, fs.readFileSync(log, 'utf8')));

      // log show reads it back from any directory; --failed leaves nothing here.
      const shown = await runCliLikeCron(['log', 'show'], { cwd: root, env: testEnv(dir) });
      expect(shown.code, shown.stderr).to.equal(0);
      expect(shown.stdout).to.contain('\tupdate\t10\tdocs/a.txt\t');
      const failed = await runCliLikeCron(['log', 'show', '--failed', '--json'], { cwd: root, env: testEnv(dir) });
      expect(failed.code).to.equal(0);
      expect(failed.lines).to.deep.equal([]);
    });
  }

  it('every engine lists the same copies and updates for the same tree', () => {
    expect(copies.get('rsync')).to.deep.equal(copies.get('native'));
    expect(copies.get('robocopy')).to.deep.equal(copies.get('native'));
  });
});

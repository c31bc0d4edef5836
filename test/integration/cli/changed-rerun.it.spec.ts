import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { fileInodes } from '../../helpers/file-inodes';
import { expectDoneAsRsyncSays, rsyncPlan } from '../../helpers/rsync-oracle';
import { runNightlySucceeds, writeNightlyConfig } from '../../helpers/nightly-config';

/**
 * The nightly case (#17): last night's replica is in place and a little of the source changed.
 * A re-run must copy exactly the files that changed or are new and delete exactly the entries
 * that are gone, and nothing else: `rsync -ain --delete` (a dry run, the same size-and-mtime
 * check) says which, before robocurse runs. What robocurse wrote is seen in the destination
 * itself: a file written or touched has a new inode or ctime; a file left alone keeps both.
 */

const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

const ENGINES: Record<string, Record<string, unknown>> = {
  native: { engine: 'native' },
  // The helper's listStat finds unchanged files from the listings; without it Node's calls do (list-stat.ts).
  'native, without the helper': { engine: 'native' },
  rsync: { engine: 'rsync' },
  robocopy: { engine: 'robocopy', engineOptions: { robocopy: { executable: FAKE_ROBOCOPY, switches: ['/COPY:DAT'] } } },
};

/** 12 directories of 8 files, two levels deep, and files at the root: several chunks. */
function sourceTree(): TreeSpec {
  const tree: TreeSpec = { 'root-a.txt': 'root a', 'root-b.txt': 'root b', 'keep.tmp': 'excluded' };
  for (let d = 0; d < 4; d++) {
    const top: TreeSpec = {};
    for (let s = 0; s < 3; s++) {
      const sub: TreeSpec = {};
      for (let f = 0; f < 8; f++) sub[`f${f}.dat`] = `d${d} s${s} f${f}\n`;
      top[`s${s}`] = sub;
    }
    top['top.txt'] = `top ${d}`;
    tree[`d${d}`] = top;
  }
  return tree;
}

/** The environment of an engine's runs. */
const ENGINE_ENV: Record<string, NodeJS.ProcessEnv> = { 'native, without the helper': { ROBOCURSE_FSX: 'off' } };

/** The nightly mirror of these tests: `settings` add to or override the profile. */
function writeConfig(dir: string, settings: Record<string, unknown>): string {
  return writeNightlyConfig(dir, { excludeFiles: ['*.tmp'], chunking: { maxChunkFiles: 10 }, retry: { maxAttempts: 1 }, ...settings });
}



/** Tonight's changes: rewritten (other size; same size with a newer mtime), new (also in a new directory), deleted (a file, a whole directory). */
function changeSource(src: string): void {
  fs.writeFileSync(path.join(src, 'd0', 's0', 'f1.dat'), 'rewritten, longer than before\n');
  fs.writeFileSync(path.join(src, 'd2', 's1', 'f4.dat'), 'D2 S1 F4\n'); // same size as before
  const later = new Date(Date.now() + 120_000);
  fs.utimesSync(path.join(src, 'd2', 's1', 'f4.dat'), later, later);
  fs.writeFileSync(path.join(src, 'root-b.txt'), 'root b, changed');
  fs.writeFileSync(path.join(src, 'd1', 's2', 'new.dat'), 'new file');
  makeTree(path.join(src, 'd3', 'fresh'), { 'x.dat': 'x', deeper: { 'y.dat': 'y' } });
  fs.rmSync(path.join(src, 'd1', 's0', 'f7.dat'));
  fs.rmSync(path.join(src, 'd2', 's2'), { recursive: true });
  fs.rmSync(path.join(src, 'root-a.txt'));
}

describe('a slightly changed re-run copies exactly what changed and deletes exactly what is gone (rsync -ain --delete as the oracle; CLI like cron)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-changed-'); });
  afterEach(() => removeTemp(dir));

  for (const [engine, settings] of Object.entries(ENGINES)) {
    it(`${engine} engine`, async () => {
      const src = path.join(dir, 'src');
      const dst = path.join(dir, 'dst');
      makeTree(src, sourceTree());
      makeTree(dst, { 'excluded-extra.tmp': 'an excluded name in the destination: kept' });
      makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
      const beside = hashTree(path.join(dir, 'beside'));
      const file = writeConfig(dir, settings);

      const env = ENGINE_ENV[engine];
      const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env });
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      expect(rsyncDifferences(src, dst, ['--exclude', '*.tmp']), 'the first run left differences').to.deep.equal([]);

      changeSource(src);
      const oracle = rsyncPlan(src, dst, ['*.tmp']);
      expect(oracle.transfer).to.deep.equal(['d0/s0/f1.dat', 'd1/s2/new.dat', 'd2/s1/f4.dat', 'd3/fresh/deeper/y.dat', 'd3/fresh/x.dat', 'root-b.txt']);
      expect(oracle.deleted).to.include.members(['d1/s0/f7.dat', 'd2/s2/', 'root-a.txt']);
      const before = fileInodes(dst);

      const profile = await runNightlySucceeds(file, dir, env);
      expect(profile.filesCopied, 'files copied, as the summary says').to.equal(oracle.transfer.length);
      // Every source file (keep.tmp is excluded) not copied is booked unchanged: exact totals.
      if (engine.startsWith('native')) expect(profile.filesSkipped, 'files unchanged, as the summary says').to.equal(fileInodes(src).size - 1 - oracle.transfer.length);
      expect(profile.extrasRemoved as number, 'entries removed, as the summary says').to.be.greaterThan(0);

      expectDoneAsRsyncSays(dst, before, oracle);

      expect(rsyncDifferences(src, dst, ['--exclude', '*.tmp']), 'rsync -rlcn --delete finds nothing left').to.deep.equal([]);
      expect(fs.readFileSync(path.join(dst, 'excluded-extra.tmp'), 'utf8')).to.equal('an excluded name in the destination: kept');
      expect(hashTree(path.join(dir, 'beside')), 'nothing beside the destination changed').to.equal(beside);
    });
  }

  for (const engine of ['native', 'native, without the helper']) {
    it(`${engine}: an unchanged re-run writes no file, and puts back a destination file's mode and owner changed alone (same size and mtime)`, async () => {
      const src = path.join(dir, 'src');
      const dst = path.join(dir, 'dst');
      makeTree(src, sourceTree());
      fs.linkSync(path.join(src, 'd0', 's0', 'f0.dat'), path.join(src, 'd0', 's0', 'hard-link.dat'));
      const file = writeConfig(dir, { ...ENGINES[engine], preserve: { owners: true, modes: true, hardLinks: true } });
      const env = ENGINE_ENV[engine];
      const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env });
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      // Someone changed a destination file's mode, another one's owner: sizes and times as they were.
      const moded = path.join(dst, 'd1', 's2', 'f3.dat');
      const owned = path.join(dst, 'd3', 's0', 'f5.dat');
      fs.chmodSync(moded, 0o600);
      fs.chownSync(owned, 65534, 65534);
      const before = fileInodes(dst);

      const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env });
      expect(again.code, again.stderr + again.stdout).to.equal(0);
      const profile = (again.summary!.profiles as Array<Record<string, unknown>>)[0];
      expect(profile.filesCopied, 'nothing copied').to.equal(0);
      expect(profile.filesSkipped, 'every file booked unchanged').to.equal(fileInodes(src).size - 1);
      const st = (p: string): fs.Stats => fs.lstatSync(p);
      expect((st(moded).mode & 0o7777).toString(8), 'the mode is the source\'s again').to.equal((st(path.join(src, 'd1', 's2', 'f3.dat')).mode & 0o7777).toString(8));
      expect([st(owned).uid, st(owned).gid], 'the owner is the source\'s again').to.deep.equal([st(path.join(src, 'd3', 's0', 'f5.dat')).uid, st(path.join(src, 'd3', 's0', 'f5.dat')).gid]);
      const after = fileInodes(dst);
      const changed = [...after].filter(([rel, ino]) => before.get(rel) !== ino).map(([rel]) => rel).sort();
      expect(changed, 'only the two fixed files were touched (their ctime), none rewritten').to.deep.equal(['d1/s2/f3.dat', 'd3/s0/f5.dat']);
      for (const rel of changed) expect(after.get(rel)!.split('@')[0], `${rel} is the same inode`).to.equal(before.get(rel)!.split('@')[0]);
      expect(st(path.join(dst, 'd0', 's0', 'hard-link.dat')).ino, 'the hard link is kept').to.equal(st(path.join(dst, 'd0', 's0', 'f0.dat')).ino);
      expect(rsyncDifferences(src, dst, ['--exclude', '*.tmp'])).to.deep.equal([]);
    });
  }

  for (const engine of ['native', 'native, without the helper']) {
    it(`${engine}: a source file named like robocurse's own temp files is in the destination after every re-run`, async () => {
      // Each listing removes stale temp files from the destination (a SIGKILLed run's): the copy of
      // such a source file goes with them, and the re-run must copy it again, not find it up to date.
      const src = path.join(dir, 'src');
      const dst = path.join(dir, 'dst');
      const odd = 'backup.robocurse-0123456789ab.tmp';
      makeTree(src, { [odd]: 'looks like a temp file', sub: { [odd]: 'in a subdirectory too', 'plain.txt': 'plain' } });
      const file = writeConfig(dir, { ...ENGINES[engine], excludeFiles: [] });
      const env = ENGINE_ENV[engine];
      for (const run of ['first', 'second', 'third']) {
        const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env });
        expect(r.code, `${run} run: ${r.stderr}${r.stdout}`).to.equal(0);
        expect(fs.readFileSync(path.join(dst, odd), 'utf8'), `${run} run`).to.equal('looks like a temp file');
        expect(fs.readFileSync(path.join(dst, 'sub', odd), 'utf8'), `${run} run`).to.equal('in a subdirectory too');
        expect(rsyncDifferences(src, dst), `${run} run`).to.deep.equal([]);
      }
    });
  }

  it('native engine: a re-run sets nothing on unchanged directories, and puts back the mode and times of one changed in the destination or written in', async () => {
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(src, sourceTree());
    fs.chmodSync(path.join(src, 'd1', 's1'), 0o750);
    const file = writeConfig(dir, ENGINES.native);
    const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr + first.stdout).to.equal(0);

    // Someone changed one destination directory's mode and times (its files are as they were).
    const meddled = path.join(dst, 'd2', 's0');
    fs.chmodSync(meddled, 0o700);
    fs.utimesSync(meddled, new Date('2001-02-03'), new Date('2001-02-03'));
    // And a file rewritten and one added: writing in those directories moves their mtimes, which the re-run puts back.
    fs.writeFileSync(path.join(src, 'd0', 's0', 'f2.dat'), 'rewritten, longer than before\n');
    fs.writeFileSync(path.join(src, 'd3', 's1', 'added.dat'), 'added');
    const ctime = (p: string): bigint => fs.lstatSync(p, { bigint: true }).ctimeNs;
    const untouched = ['d0', 'd0/s1', 'd1/s1', 'd3/s2'].map((r) => [r, ctime(path.join(dst, r))] as const);

    const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    expect((again.summary!.profiles as Array<Record<string, unknown>>)[0].filesCopied).to.equal(2);
    for (const rel of ['d0/s0', 'd3/s1']) {
      expect(fs.lstatSync(path.join(dst, rel), { bigint: true }).mtimeNs, `${rel}: written in, its mtime is the source's again`).to.equal(fs.lstatSync(path.join(src, rel), { bigint: true }).mtimeNs);
    }
    const want = fs.lstatSync(path.join(src, 'd2', 's0'), { bigint: true });
    const got = fs.lstatSync(meddled, { bigint: true });
    expect(Number(got.mode & 0o7777n).toString(8), 'the mode is the source\'s again').to.equal(Number(want.mode & 0o7777n).toString(8));
    expect(got.mtimeNs, 'the mtime is the source\'s again').to.equal(want.mtimeNs);
    for (const [rel, before] of untouched) expect(ctime(path.join(dst, rel)), `${rel}: nothing set on an unchanged directory`).to.equal(before);
    expect((fs.lstatSync(path.join(dst, 'd1', 's1')).mode & 0o7777).toString(8)).to.equal('750');
    expect(rsyncDifferences(src, dst, ['--exclude', '*.tmp'])).to.deep.equal([]);
  });
  /** Three branches four levels deep, files at every level: one chunk, whose subtrees the copy threads walk (clean-walk.ts). */
  function deepTree(): TreeSpec {
    const level = (path: string, depth: number): TreeSpec => {
      const t: TreeSpec = { 'f0.dat': `${path} f0\n`, 'f1.dat': `${path} f1\n` };
      if (depth < 4) for (const b of ['a', 'b', 'c']) t[`l${depth + 1}${b}`] = level(`${path}/l${depth + 1}${b}`, depth + 1);
      return t;
    };
    return level('', 0);
  }

  /** Mode and mtime of every directory under `root`, by relative path (to the µs: without the helper Node sets times to the µs). */
  function directories(root: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (rel: string): void => {
      const st = fs.lstatSync(path.join(root, rel), { bigint: true });
      out.set(rel || '.', `${(st.mode & 0o7777n).toString(8)} ${st.mtimeNs / 1000n}`);
      for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) if (e.isDirectory()) walk(rel ? `${rel}/${e.name}` : e.name);
    };
    walk('');
    return out;
  }

  for (const engine of ['native', 'native, without the helper']) {
    it(`${engine}: a deep tree in one chunk: changes four levels down copied and deleted exactly, meddled directories put back, the rest untouched`, async () => {
      const src = path.join(dir, 'src');
      const dst = path.join(dir, 'dst');
      makeTree(src, deepTree());
      makeTree(path.join(dir, 'beside'), { 'victim.txt': 'outside the destination' });
      const beside = hashTree(path.join(dir, 'beside'));
      const file = writeConfig(dir, { ...ENGINES[engine], chunking: { maxChunkFiles: 100_000 } });
      const env = ENGINE_ENV[engine];
      const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env });
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      expect((first.summary!.profiles as Array<Record<string, unknown>>)[0].chunksTotal ?? 1, 'one chunk').to.equal(1);

      fs.writeFileSync(path.join(src, 'l1a/l2a/l3a/l4a/f1.dat'), 'rewritten four levels down\n');
      fs.writeFileSync(path.join(src, 'l1a/l2b/l3a/new.dat'), 'new three levels down');
      fs.rmSync(path.join(src, 'l1b/l2a/l3b/f0.dat'));
      fs.rmSync(path.join(src, 'l1b/l2b'), { recursive: true });
      makeTree(path.join(src, 'l1a/l2a/fresh'), { 'x.dat': 'x', deeper: { 'y.dat': 'y' } });
      fs.writeFileSync(path.join(dst, 'l1b/l2a/l3a/extra.dat'), 'only in the destination');
      fs.writeFileSync(path.join(dst, 'l1c/l2c/l3c/l4c/kept.tmp'), 'an excluded name in the destination: kept');
      fs.chmodSync(path.join(dst, 'l1a/l2b/l3b'), 0o700);
      fs.utimesSync(path.join(dst, 'l1c/l2a/l3b/l4a'), new Date('2001-02-03'), new Date('2001-02-03'));
      const oracle = rsyncPlan(src, dst, ['*.tmp']);
      expect(oracle.transfer).to.deep.equal(['l1a/l2a/fresh/deeper/y.dat', 'l1a/l2a/fresh/x.dat', 'l1a/l2a/l3a/l4a/f1.dat', 'l1a/l2b/l3a/new.dat']);
      const before = fileInodes(dst);

      const profile = await runNightlySucceeds(file, dir, env);
      expect(profile.filesCopied, 'files copied, as the summary says').to.equal(oracle.transfer.length);
      expect(profile.filesSkipped, 'every other source file booked unchanged').to.equal(fileInodes(src).size - oracle.transfer.length);
      expectDoneAsRsyncSays(dst, before, oracle);
      expect(oracle.deleted, 'a deleted directory').to.include('l1b/l2b/');
      expect(fs.readFileSync(path.join(dst, 'l1c/l2c/l3c/l4c/kept.tmp'), 'utf8')).to.equal('an excluded name in the destination: kept');
      const want = directories(src);
      const got = directories(dst);
      for (const [rel, meta] of want) expect(got.get(rel), `${rel}: mode and mtime are the source's`).to.equal(meta);
      expect(rsyncDifferences(src, dst, ['--exclude', '*.tmp'])).to.deep.equal([]);
      expect(hashTree(path.join(dir, 'beside')), 'nothing beside the destination changed').to.equal(beside);
    });
  }
  it('native: maxDeletes holds while the copy threads delete (a deep tree in one chunk): exactly the limit goes, every change is copied, the deletions are logged; --allow-mass-delete takes the rest', async () => {
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    makeTree(src, deepTree());
    const file = writeConfig(dir, { ...ENGINES.native, chunking: { maxChunkFiles: 100_000 }, maxDeletes: 3 });
    const first = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    // Tonight: 6 files gone from 6 directories (extra files the copy threads remove), 3 rewritten elsewhere.
    const gone = ['l1a/l2a/f0.dat', 'l1a/l2c/l3b/f1.dat', 'l1b/l2b/l3c/l4a/f0.dat', 'l1c/f1.dat', 'l1c/l2a/l3a/f0.dat', 'l1c/l2c/l3c/l4c/f1.dat'];
    for (const rel of gone) fs.rmSync(path.join(src, rel));
    const rewritten = ['l1a/l2b/l3a/l4b/f1.dat', 'l1b/l2c/f0.dat', 'l1c/l2b/l3c/f1.dat'];
    for (const rel of rewritten) fs.writeFileSync(path.join(src, rel), `rewritten ${rel}, longer than before\n`);
    expect(rsyncPlan(src, dst, ['*.tmp']).deleted.sort()).to.deep.equal([...gone].sort());

    const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).to.equal(1);
    const profile = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
    expect(profile.extrasRemoved, 'exactly the limit deleted').to.equal(3);
    expect(profile.filesCopied, 'every change copied: only deletions stop').to.equal(3);
    const left = gone.filter((rel) => fs.existsSync(path.join(dst, rel)));
    expect(left, 'the rest left in place').to.have.length(3);
    const failed = profile.failedChunks as Array<{ message: string }>;
    expect(failed.map((f) => f.message).join(' ')).to.contain('maxDeletes').and.to.contain('more than 3');
    const log = fs.readFileSync(path.join(dir, 'logs', `robocurse-${String(r.summary!.sessionId)}.log`), 'utf8');
    const logged = gone.filter((rel) => log.includes(`"msg":"deleted ${rel}"`));
    expect(logged.sort(), 'each deletion made on a copy thread is in the log').to.deep.equal(gone.filter((rel) => !left.includes(rel)).sort());

    const through = await runCliLikeCron(['run', '--config', file, '--all', '--json', '--allow-mass-delete'], { cwd: dir });
    expect(through.code, through.stderr + through.stdout).to.equal(0);
    expect((through.summary!.profiles as Array<Record<string, unknown>>)[0].extrasRemoved).to.equal(3);
    expect(spawnSync('rsync', ['-ain', '--delete', '--exclude', '*.tmp', `${src}/`, `${dst}/`], { encoding: 'utf8' }).stdout, 'rsync -ain --delete finds nothing, directory times included').to.equal('');
  });
});

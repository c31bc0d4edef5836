import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CopyOptions, CopyProgress } from '../../../../src/api';
import { buildRobocopyArgs, parseRobocopyLogFile, RobocopyArgumentError, RobocopyCopier, type RobocopyCopierOptions } from '../../../../src/engines/robocopy';
import { packageRoot } from '../../../../src/paths';
import { makeChunk, makeOptions, sleep } from '../../../contract/contract-fixtures';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';

const FAKE = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/** Nesting, sizes across the 64 KiB block, and names a shell would mangle (there is none). */
const TREE: TreeSpec = {
  'readme.txt': 'hello\n',
  'zero.bin': '',
  'block-edge.bin': 65_536,
  'big.bin': 300_000,
  'name with spaces & $(touch pwned) `x` ;|.txt': 'not a command',
  'ünïcødé 日本語.txt': 'unicode',
  docs: { 'a.md': '# a', 'locked.db': 4096, deep: { deeper: { 'c.bin': 1000 } } },
  'empty dir': {},
};

describe('RobocopyCopier end to end through the fake robocopy', function () {
  this.timeout(60_000);
  let root: string; let src: string; let dst: string; let logDir: string;
  const copiers: RobocopyCopier[] = [];
  const copier = (over: RobocopyCopierOptions = {}, env: Record<string, string> = {}): RobocopyCopier => {
    const c = new RobocopyCopier({ executable: FAKE, logDir, retry: { engineRetries: 0, engineWaitSeconds: 0 }, env: { ...process.env, ...env }, ...over });
    copiers.push(c);
    return c;
  };
  const opts = (over: Partial<CopyOptions> = {}): CopyOptions => makeOptions(over);

  beforeEach(() => {
    root = tempDir('robocurse-robocopy-e2e-');
    src = path.join(root, 'source tree');
    dst = path.join(root, 'destination tree');
    logDir = path.join(root, 'logs');
    makeTree(src, TREE);
  });
  afterEach(async () => {
    await Promise.all(copiers.splice(0).map((c) => c.close()));
    removeTemp(root);
  });

  it('copies a generated tree byte for byte, with stats from the UTF-16 log and live progress', async () => {
    const job = copier().start(makeChunk(src, dst), opts());
    const seen: CopyProgress[] = [];
    job.onProgress((p) => seen.push(p));
    const r = await job.done;
    expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    expect(r.exitCode).to.equal(1);
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(fs.existsSync(path.join(root, 'pwned'))).to.equal(false);
    const totalBytes = 6 + 65_536 + 300_000 + 13 + 7 + 3 + 4096 + 1000;
    expect(r.stats).to.deep.include({ filesCopied: 9, bytesCopied: totalBytes, filesFailed: 0, extrasRemoved: 0 });
    expect(r.stats.dirsCreated).to.equal(5); // root, docs, deep, deeper, empty dir
    expect(r.errors).to.deep.equal([]);
    expect(fs.readFileSync(r.logPath!).subarray(0, 2)).to.deep.equal(Buffer.from([0xff, 0xfe]));
    expect(seen.length).to.be.greaterThan(0);
    expect(job.progress()).to.include({ bytesCopied: totalBytes, filesCopied: 9 });
  });

  it('passes exactly the builder\'s argv, as an array (no shell, spaces kept in one element)', async () => {
    const argvFile = path.join(root, 'argv.json');
    const logPath = path.join(logDir, 'fixed name.log');
    const o = opts({ logPath, excludeFiles: ['*.db'], excludeDirs: ['deep'], engineOptions: { robocopy: { switches: ['/COPY:DAT'] }, retry: { engineRetries: 2, engineWaitSeconds: 1 } } });
    const r = await copier({}, { FAKE_ROBOCOPY_ARGV_FILE: argvFile }).start(makeChunk(src, `${dst}/`), o).done;
    expect(r.exitMeaning.severity).to.equal('Success');
    const expected = buildRobocopyArgs({
      profile: 'contract', source: src, destination: `${dst}/`, kind: 'tree', mirror: false, dryRun: false,
      excludeFiles: ['*.db'], excludeDirs: ['deep'], engineRetries: 2, engineWaitSeconds: 1, logPath, userSwitches: ['/COPY:DAT'],
    });
    expect(JSON.parse(fs.readFileSync(argvFile, 'utf8'))).to.deep.equal(expected);
    expect(expected[1]).to.equal(dst);
    expect(expected).to.include.members(['/R:2', '/W:1', '/COPY:DAT', '/XF', '*.db', '/XD', 'deep']);
    expect(fs.existsSync(path.join(dst, 'docs', 'locked.db'))).to.equal(false);
    expect(fs.existsSync(path.join(dst, 'docs', 'deep'))).to.equal(false);
  });

  it('an injected access-denied failure: exit 9, retryable Error, the file named with code 5', async () => {
    const r = await copier({}, { FAKE_ROBOCOPY_FAIL_FILES: 'locked.db' }).start(makeChunk(src, dst), opts({ engineOptions: { robocopy: { engineRetries: 2 } } })).done;
    expect(r.exitCode).to.equal(9);
    expect(r.exitMeaning).to.include({ severity: 'Error', shouldRetry: true });
    expect(r.exitMeaning.message).to.match(/could not be copied/);
    expect(r.stats).to.deep.include({ filesCopied: 8, filesFailed: 1, bytesFailed: 4096 });
    expect(r.errors).to.deep.equal([{ path: path.join(src, 'docs', 'locked.db'), code: '5', message: 'Copying File: Access is denied.' }]);
    expect(diffTrees(src, dst)).to.deep.equal([`missing in ${dst}: docs/locked.db`]);
    const log = await parseRobocopyLogFile(r.logPath!);
    expect(log.errors[0].occurrences).to.equal(3);
  });

  it('maps forced exit codes through the bitmap (16 Fatal, 4 configurable mismatch)', async () => {
    const fatal = await copier({}, { FAKE_ROBOCOPY_EXIT: '16' }).start(makeChunk(src, dst), opts()).done;
    expect(fatal.exitMeaning).to.include({ severity: 'Fatal', shouldRetry: false });
    const mismatch = await copier({ mismatchSeverity: 'Error' }, { FAKE_ROBOCOPY_EXIT: '4' }).start(makeChunk(src, dst), opts()).done;
    expect(mismatch.exitMeaning.severity).to.equal('Error');
  });

  it('mirror removes extras and reports them; dry run reports without writing', async () => {
    makeTree(dst, { 'stale.txt': 'old', 'stale dir': { 'x.txt': 'x' } });
    const dry = await copier().start(makeChunk(src, dst), opts({ mirror: true, dryRun: true })).done;
    expect(dry.exitMeaning.severity).to.equal('Success');
    expect(dry.stats.extrasRemoved).to.equal(0);
    expect(fs.readdirSync(dst).sort()).to.deep.equal(['stale dir', 'stale.txt']);
    const r = await copier().start(makeChunk(src, dst), opts({ mirror: true })).done;
    expect(r.exitCode).to.equal(3);
    expect(r.stats.extrasRemoved).to.equal(2);
    expect(diffTrees(src, dst)).to.deep.equal([]);
  });

  it('refuses a managed switch from the profile before starting anything', () => {
    expect(() => copier().start(makeChunk(src, dst), opts({ engineOptions: { robocopy: { switches: ['/MT:32'] } } })))
      .to.throw(RobocopyArgumentError, /profiles\.contract\.engineOptions\.robocopy\.switches\[0\].*\/MT/);
  });

  it('a missing executable resolves a Fatal result; ROBOCURSE_ROBOCOPY names the executable', async () => {
    const missing = await new RobocopyCopier({ executable: path.join(root, 'no-robocopy'), logDir }).start(makeChunk(src, dst), opts()).done;
    expect(missing.exitMeaning.severity).to.equal('Fatal');
    expect(missing.exitMeaning.message).to.match(/ENOENT/);
    const c = new RobocopyCopier({ logDir, env: { ...process.env, ROBOCURSE_ROBOCOPY: FAKE } });
    copiers.push(c);
    expect((await c.start(makeChunk(src, dst), opts()).done).exitCode).to.equal(1);
  });

  it('kill mid-file leaves no partial file under a real name', async () => {
    const job = copier({}, { FAKE_ROBOCOPY_SLEEP_MS: '50' }).start(makeChunk(src, dst), opts({ bandwidthBytesPerSec: 200_000 }));
    const big = path.join(dst, 'big.bin');
    // big.bin sorts first; at 200 kB/s its five 64 KiB blocks take ~1.6 s.
    for (let i = 0; i < 200 && !(job.progress().bytesCopied > 0 && fs.existsSync(big)); i++) await sleep(10);
    expect(job.progress().currentFile).to.equal(path.join(src, 'big.bin'));
    expect(fs.statSync(big).size, 'partly written when killed').to.be.below(300_000);
    await job.kill();
    const r = await job.done;
    expect(r.killed).to.equal(true);
    expect(r.exitMeaning).to.include({ severity: 'Error', shouldRetry: true });
    expect(fs.existsSync(big), 'partial big.bin removed').to.equal(false);
  });

  it('never follows a source junction or link out of the tree (/XJD /XJF), which the fake robocopy honours', async () => {
    const outside = path.join(root, 'outside');
    makeTree(outside, { 'secret.txt': 'TOP SECRET', inner: { 'deep-secret.txt': 'TOP SECRET 2' } });
    fs.symlinkSync(outside, path.join(src, 'link-to-dir'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(src, 'link-to-file.txt'));
    const r = await copier().start(makeChunk(src, dst), opts({ mirror: true })).done;
    expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    expect(fs.existsSync(path.join(dst, 'link-to-dir'))).to.equal(false);
    expect(fs.existsSync(path.join(dst, 'link-to-file.txt'))).to.equal(false);
    expect(fs.existsSync(path.join(dst, 'readme.txt'))).to.equal(true);
    // The same fake without the switches follows both links, as robocopy would: the test above can fail.
    const plain = path.join(root, 'plain copy');
    const run = spawnSync(FAKE, [src, plain, '/E', '/R:0', '/W:0'], { encoding: 'utf8' });
    expect(run.status).to.be.lessThan(8);
    expect(fs.readFileSync(path.join(plain, 'link-to-file.txt'), 'utf8')).to.equal('TOP SECRET');
    expect(fs.readFileSync(path.join(plain, 'link-to-dir', 'inner', 'deep-secret.txt'), 'utf8')).to.equal('TOP SECRET 2');
  });
});

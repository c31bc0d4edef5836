import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chunk, ChunkKind, CopyJob, CopyOptions, Logger } from '../../../../src/api';
import { RsyncCopier } from '../../../../src/engines/rsync';
import { confineProgram } from '../../../../src/engines/rsync/confine';
import { RsyncArgumentError } from '../../../../src/engines/rsync/errors';
import { makeExcludeMatcher } from '../../../../src/scan/exclude-matcher';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../../helpers/make-tree';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function chunk(src: string, dst: string, kind: ChunkKind = 'tree', relPath = ''): Chunk {
  return { id: `it:${kind}:${relPath}`, profile: 'it', kind, relPath, sourcePath: src, destinationPath: dst, depth: 0, estimatedFiles: 0, estimatedBytes: 0 };
}

function options(over: Partial<CopyOptions> = {}): CopyOptions {
  return { mirror: false, dryRun: false, excludeFiles: [], excludeDirs: [], caseInsensitive: false, engineOptions: {}, logger: silent, ...over };
}

/** Every file under root (dot files and rsync's temp files included), relative path → size. */
function files(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string, rel: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else out.set(r, fs.lstatSync(path.join(dir, e.name)).size);
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return out;
}

const bytesUnder = (root: string): number => [...files(root).values()].reduce((a, b) => a + b, 0);

/** A tree with the awkward parts of real file servers. */
const TREE: TreeSpec = {
  'plain.txt': 'plain\n',
  'empty.dat': '',
  'with space.txt': 'spaces',
  '-leading-dash.txt': 'dash',
  'Ünïcødé 日本語.bin': 5000,
  'a[1] back\\slash $(x).txt': 'specials',
  big: { 'two-mb.bin': 2 << 20 },
  nested: { deeper: { deepest: { 'leaf.txt': 'leaf' } }, 'n.bin': 12_345 },
  'empty-dir': {},
  'link-to-plain': { symlink: 'plain.txt' },
};

describe('RsyncCopier with the real rsync (integration)', function () {
  this.timeout(60_000);
  let root: string;
  let src: string;
  let dst: string;
  let copier: RsyncCopier;
  const jobs: CopyJob[] = [];
  const start = (c: Chunk, o: CopyOptions): CopyJob => { const j = copier.start(c, o); jobs.push(j); return j; };

  beforeEach(() => {
    root = tempDir('robocurse-rsync-it-');
    src = path.join(root, 'src');
    dst = path.join(root, 'dst');
    copier = new RsyncCopier();
    jobs.length = 0;
  });

  afterEach(async () => {
    await Promise.all(jobs.map((j) => j.kill()));
    await copier.close();
    removeTemp(root);
  });

  it('copies a generated tree byte for byte, with times, modes and links', async () => {
    makeTree(src, TREE);
    fs.chmodSync(path.join(src, 'plain.txt'), 0o640);
    const r = await start(chunk(src, dst), options()).done;
    expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    expect(r.exitCode).to.equal(0);
    expect(diffTrees(src, dst)).to.deep.equal([]);
    expect(r.stats.filesCopied).to.equal(9);
    expect(r.stats.bytesCopied).to.equal(6 + 6 + 4 + 5000 + 8 + (2 << 20) + 4 + 12_345);
    expect(r.stats.filesSkipped).to.equal(0);
  });

  it('a files-only chunk copies the directory\'s own files and creates no subdirectory', async () => {
    makeTree(src, TREE);
    const r = await start(chunk(src, dst, 'files-only'), options()).done;
    expect(r.exitMeaning.severity).to.equal('Success');
    expect(fs.readdirSync(dst).sort()).to.deep.equal(
      ['-leading-dash.txt', 'a[1] back\\slash $(x).txt', 'empty.dat', 'link-to-plain', 'plain.txt', 'with space.txt', 'Ünïcødé 日本語.bin'].sort());
  });

  it('mirror of a subtree chunk removes extras only inside its scope and keeps excluded entries', async () => {
    makeTree(src, { sub: { 'keep.txt': 'k', inner: { 'i.txt': 'i' } }, 'top.txt': 't' });
    makeTree(dst, {
      'outside-extra.txt': 'stays: not in this chunk',
      sub: { 'extra.txt': 'goes', 'old.log': 'excluded: stays', inner: { 'extra2.txt': 'goes' }, gone: { 'g.txt': 'goes' }, cache: { 'c.txt': 'excluded: stays' } },
    });
    const r = await start(chunk(path.join(src, 'sub'), path.join(dst, 'sub'), 'tree', 'sub'),
      options({ mirror: true, excludeFiles: ['*.log'], excludeDirs: ['cache'] })).done;
    expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    expect([...files(dst).keys()].sort()).to.deep.equal(
      ['outside-extra.txt', 'sub/cache/c.txt', 'sub/inner/i.txt', 'sub/keep.txt', 'sub/old.log']);
    // extra.txt, inner/extra2.txt, gone/g.txt and gone/; nothing excluded, nothing outside the chunk.
    expect(r.stats.extrasRemoved).to.equal(4);
  });

  it('mirror with deleteExcluded also removes excluded destination entries', async () => {
    makeTree(src, { 'a.txt': 'a' });
    makeTree(dst, { 'old.log': 'x', cache: { 'c.txt': 'c' } });
    const r = await start(chunk(src, dst), options({
      mirror: true, excludeFiles: ['*.log'], excludeDirs: ['cache'], engineOptions: { rsync: { deleteExcluded: true } },
    })).done;
    expect(r.exitMeaning.severity).to.equal('Success');
    expect([...files(dst).keys()]).to.deep.equal(['a.txt']);
    expect(fs.existsSync(path.join(dst, 'cache'))).to.equal(false);
  });

  it('mirror on a files-only chunk with deleteExcluded still never deletes a subdirectory', async () => {
    makeTree(src, { 'a.txt': 'a', sub: { 'b.txt': 'b' } });
    makeTree(dst, { 'extra.txt': 'x', sub: { 'b.txt': 'b', 'mine.txt': 'm' }, other: { 'o.txt': 'o' } });
    const r = await start(chunk(src, dst, 'files-only'), options({ mirror: true, engineOptions: { rsync: { deleteExcluded: true } } })).done;
    expect(r.exitMeaning.severity).to.equal('Success');
    expect([...files(dst).keys()].sort()).to.deep.equal(['a.txt', 'other/o.txt', 'sub/b.txt', 'sub/mine.txt']);
  });

  it('mirror from a missing source deletes nothing in the destination', async () => {
    makeTree(dst, { 'precious.txt': 'p', d: { 'q.txt': 'q' } });
    const r = await start(chunk(path.join(root, 'vanished-source'), dst), options({ mirror: true })).done;
    expect(['Error', 'Fatal']).to.include(r.exitMeaning.severity);
    expect(r.errors.map((e) => e.code)).to.include('ENOENT');
    expect([...files(dst).keys()].sort()).to.deep.equal(['d/q.txt', 'precious.txt']);
  });

  it('excludes select exactly what the scanner\'s exclude matcher selects, awkward names included', async () => {
    const spec: TreeSpec = {
      'a.tmp': '1', 'B.TMP': '2', 'a[1].txt': '3', 'back\\slash': '4', '+ plus': '5', ' lead': '6', 'keep.txt': '7',
      'dir.tmp': { 'inside.txt': '8' }, cache: { 'c.txt': '9' }, Cache: { 'C.txt': '10' },
      sub: { deep: { 'd.txt': '11' }, 'cache': { 'x.txt': '12' }, 's.txt': '13', Deep: { 'D.txt': '14' } },
    };
    for (const caseInsensitive of [false, true]) {
      const s = path.join(root, `src-${caseInsensitive}`);
      const d = path.join(root, `dst-${caseInsensitive}`);
      makeTree(s, spec);
      const rules = { excludeFiles: ['*.tmp', 'a[1].txt', 'back\\slash', '+ plus', ' lead'], excludeDirs: ['cache', 'sub/deep'], caseInsensitive };
      const r = await start(chunk(s, d), options(rules)).done;
      expect(r.exitMeaning.severity).to.equal('Success');
      const matcher = makeExcludeMatcher(rules, { sourceRoot: s });
      const expected: string[] = [];
      const walk = (dir: string, rel: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const r2 = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) { if (!matcher.excludesDir(e.name, r2)) walk(path.join(dir, e.name), r2); }
          else if (!matcher.excludesFile(e.name)) expected.push(r2);
        }
      };
      walk(s, '');
      // Not vacuous: the rules do exclude, and case folding changes the outcome.
      expect(expected).to.not.include('a.tmp');
      expect(expected.includes('B.TMP'), 'B.TMP copied').to.equal(!caseInsensitive);
      expect(expected.includes('Cache/C.txt'), 'Cache/ copied').to.equal(!caseInsensitive);
      expect([...files(d).keys()].sort(), `caseInsensitive=${caseInsensitive}`).to.deep.equal(expected.sort());
    }
  });

  it('suspend() really pauses: no byte moves in the destination; resume() completes the copy', async () => {
    makeTree(src, { 'big.bin': 3 << 20 });
    const job = start(chunk(src, dst), options({ bandwidthBytesPerSec: 1 << 20 }));
    // Wait for rsync to be writing (its temp file grows in the destination).
    for (let i = 0; i < 100 && bytesUnder(dst) === 0; i++) await sleep(50);
    expect(bytesUnder(dst), 'copy started').to.be.greaterThan(0);
    job.suspend!();
    await sleep(200); // writes already handed to the kernel settle
    const before = bytesUnder(dst);
    await sleep(1000);
    const after = bytesUnder(dst);
    expect(after, 'destination bytes while suspended').to.equal(before);
    expect(before, 'suspended mid-copy').to.be.lessThan(3 << 20);
    const progressWhileSuspended = job.progress().bytesCopied;
    await sleep(300);
    expect(job.progress().bytesCopied).to.equal(progressWhileSuspended);
    job.resume!();
    const r = await job.done;
    expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    expect(r.killed).to.equal(false);
    expect(diffTrees(src, dst)).to.deep.equal([]);
  });

  it('kill() of a suspended job ends it (killed, an Error worth a retry) and leaves no temp file', async () => {
    makeTree(src, { 'big.bin': 4 << 20 });
    const job = start(chunk(src, dst), options({ bandwidthBytesPerSec: 512 << 10 }));
    for (let i = 0; i < 100 && bytesUnder(dst) === 0; i++) await sleep(50);
    job.suspend!();
    await job.kill();
    const r = await job.done;
    expect(r.killed).to.equal(true);
    expect(r.exitMeaning).to.include({ severity: 'Error', shouldRetry: true });
    expect(r.exitMeaning.message).to.contain('stopped by robocurse');
    expect([...files(dst).keys()]).to.deep.equal([]);
  });

  it('resumePartial keeps an interrupted file in .robocurse-partial and the next run resumes from it', async () => {
    makeTree(src, { 'big.bin': 3 << 20 });
    const engineOptions = { rsync: { resumePartial: true } };
    const first = start(chunk(src, dst), options({ bandwidthBytesPerSec: 1 << 20, engineOptions }));
    for (let i = 0; i < 100 && bytesUnder(dst) < 300_000; i++) await sleep(50);
    await first.kill();
    expect((await first.done).killed).to.equal(true);
    const kept = files(dst).get('.robocurse-partial/big.bin');
    expect(kept, 'partial file kept').to.be.a('number').and.greaterThan(0);
    const logPath = path.join(root, 'resume.log');
    const r = await start(chunk(src, dst), options({ engineOptions, logPath })).done;
    expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
    expect(diffTrees(src, dst), 'complete, and the partial dir is gone').to.deep.equal([]);
    const matched = Number(/^Matched data: (\d+) bytes$/m.exec(fs.readFileSync(logPath, 'utf8'))?.[1]);
    expect(matched, 'bytes reused from the partial file').to.be.greaterThan(0);
  });

  it('a missing rsync binary resolves done with a Fatal, no-retry result saying rsync is not installed', async () => {
    makeTree(src, { 'a.txt': 'a' });
    const r = await start(chunk(src, dst), options({ engineOptions: { rsync: { executable: 'rsync-not-installed-here' } } })).done;
    expect(r.exitCode).to.equal(-1);
    expect(r.exitMeaning).to.include({ severity: 'Fatal', shouldRetry: false });
    expect(r.exitMeaning.message).to.contain('rsync is not installed');
  });

  it('start() throws RsyncArgumentError for a path with a control character, before any process starts', () => {
    expect(() => copier.start(chunk(path.join(root, 'bad\nname'), dst), options())).to.throw(RsyncArgumentError, 'control character');
    expect(fs.existsSync(dst)).to.equal(false);
  });

  it('writes the job log: the command line, per-file lines, errors and the statistics', async () => {
    makeTree(src, { 'a.txt': 'a', sub: { 'b.txt': 'b' } });
    const logPath = path.join(root, 'logs', 'job.log');
    const r = await start(chunk(src, dst), options({ logPath })).done;
    expect(r.logPath).to.equal(logPath);
    const log = fs.readFileSync(logPath, 'utf8');
    // The command as run: through robocurse-confine where this kernel has Landlock (confine.ts).
    const command = JSON.parse(/^# \S+ (\[.*\])$/m.exec(log)![1]) as string[];
    const program = confineProgram();
    const rsyncAt = program ? command.indexOf('--') + 1 : 0;
    if (program) expect(command[0]).to.equal(program);
    expect(path.basename(command[rsyncAt])).to.equal('rsync');
    expect(command[rsyncAt + 1]).to.equal('-rt');
    expect(log).to.contain('>f+++++++++ 1 sub/b.txt'); // --out-format '%i %l %n': code, size, name
    expect(log).to.contain('Number of regular files transferred: 2');
    expect(log, 'progress redraws are not logged').to.not.match(/\d+%/);
  });

  it('engineOptions.rsync.confine false runs rsync itself, not through robocurse-confine', async () => {
    makeTree(src, { 'a.txt': 'a' });
    const logPath = path.join(root, 'logs', 'job.log');
    const r = await start(chunk(src, dst), options({ logPath, engineOptions: { rsync: { confine: false } } })).done;
    expect(r.exitMeaning.severity).to.equal('Success');
    const command = JSON.parse(/^# \S+ (\[.*\])$/m.exec(fs.readFileSync(logPath, 'utf8'))![1]) as string[];
    expect(command.slice(0, 2)).to.deep.equal(['rsync', '-rt']);
    expect(fs.readFileSync(path.join(dst, 'a.txt'), 'utf8')).to.equal('a');
  });

  it('a failure to confine rsync (robocurse-confine exits 125) is Fatal, names the reason and how to run rsync unconfined', async function () {
    if (!confineProgram()) this.skip(); // needs Landlock and the helper's build, as CI has
    const loop = path.join(root, 'loop'); // a source root confine cannot open (ELOOP)
    fs.symlinkSync(loop, loop);
    const r = await start(chunk(loop, dst), options()).done;
    expect(r.exitCode).to.equal(125);
    expect(r.exitMeaning.severity).to.equal('Fatal');
    expect(r.exitMeaning.shouldRetry).to.equal(false);
    expect(r.exitMeaning.message).to.contain(`robocurse-confine: cannot open ${loop}`).and.to.contain('engineOptions.rsync.confine');
    expect(fs.existsSync(dst) ? fs.readdirSync(dst) : [], 'nothing copied').to.deep.equal([]);
  });

  it('dry run with mirror reports what it would do and changes nothing', async () => {
    makeTree(src, { 'a.txt': 'aaaa', sub: { 'b.txt': 'b' } });
    makeTree(dst, { 'extra.txt': 'x' });
    const r = await start(chunk(src, dst), options({ dryRun: true, mirror: true })).done;
    expect(r.exitMeaning.severity).to.equal('Success');
    expect(r.stats).to.include({ filesCopied: 2, bytesCopied: 5, extrasRemoved: 1 });
    expect([...files(dst).keys()]).to.deep.equal(['extra.txt']);
  });
});

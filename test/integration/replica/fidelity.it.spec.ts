import Database from 'better-sqlite3';
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { hashTree, runCliLikeCron, waitForNoProcesses } from '../../helpers/cli-child';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { attributeDump, entries, hardLinkDifferences, rsyncOracle, statDifferences, touchPrint, type EntryFacts, type Fact } from './compare-replica';
import { buildFidelityTree } from './fidelity-tree';

const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

interface EngineCase {
  profile: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Oracle lines the engine documents it cannot avoid (docs/engines.md); anything else fails. */
  allowedOracle: (line: string) => boolean;
  /** stat facts the engine documents it cannot keep. */
  skipStat: (rel: string, fact: Fact, s: EntryFacts) => boolean;
  /** It keeps xattrs, ACLs and holes (checked with getfattr, getfacl and the allocated blocks). */
  keepsAttributes: boolean;
  /**
   * Its jobs make and remove a scratch directory inside each chunk's directory (rsync: temp files
   * a killed run leaves there are the next run's to clean, docs/engines.md), which changes that
   * directory's ctime on every run; its mtime is put back to the nanosecond.
   */
  scratchInChunkDirs?: boolean;
  /** When mtimes are not kept to the nanosecond: how close they must be. */
  sameMtime?: (src: bigint, dst: bigint) => boolean;
}

const nothing = (): boolean => false;
/** Division rounding down, also below zero (times before 1970). */
const floorDiv = (a: bigint, b: bigint): bigint => (a < 0n && a % b !== 0n ? a / b - 1n : a / b);

/** rsync's itemized code: YXcstpoguax — Y what happens, X the type, then the attributes that differ. */
const item = (line: string): { y: string; x: string; attrs: string } => ({ y: line[0], x: line[1], attrs: line.slice(2, 11) });

const ENGINES: Record<string, EngineCase> = {
  native: { profile: { engine: 'native' }, allowedOracle: nothing, skipStat: nothing, keepsAttributes: true },
  rsync: { profile: { engine: 'rsync' }, allowedOracle: nothing, skipStat: nothing, keepsAttributes: true, scratchInChunkDirs: true },
  // Without robocurse's file-system helper: times to the microsecond, no xattrs or ACLs (documented).
  'native without the helper': {
    profile: { engine: 'native' },
    env: { ROBOCURSE_FSX: 'off' },
    // Times only to the microsecond (rsync then also sees files to send, `>f..t`, and hard links
    // to update, `hf`), no xattrs or ACLs, sockets not made (mknod has no socket type).
    allowedOracle: (l) => l === 'cS+++++++++ special/socket' || (!'*c'.includes(item(l).y) && /^[.tax]+$/.test(item(l).attrs)),
    skipStat: (rel, fact) => fact === 'mtime' || (rel === 'special/socket' && fact === 'type'),
    keepsAttributes: false,
    sameMtime: (s, d) => floorDiv(s, 1000n) === floorDiv(d, 1000n),
  },
  // Through the fake robocopy on Linux: data, file modes, millisecond times and, through the link
  // pass, hard links. Links, FIFOs, sockets, devices, holes, owners, POSIX ACLs and xattrs are what
  // robocopy cannot keep (docs/engines.md); the fake does not set directory modes or times either.
  robocopy: {
    profile: { engine: 'robocopy', engineOptions: { robocopy: { executable: FAKE_ROBOCOPY } } },
    allowedOracle: (l) => {
      const i = item(l);
      if ('LDS'.includes(i.x)) return true; // links, devices, specials: not kept
      return !'*c'.includes(i.y) && !/[cs+]/.test(i.attrs);
    },
    skipStat: (_rel, fact, s) => fact === 'owner' || fact === 'mtime' || (fact === 'mode' && s.type === 'dir')
      || (fact === 'type' && !['file', 'dir'].includes(s.type)),
    keepsAttributes: false,
    // The fake sets whole milliseconds (+0.5) through a double: within a millisecond.
    sameMtime: (s, d) => (d > s ? d - s : s - d) < 1_000_000n,
  },
};

function writeConfig(dir: string, dst: string, c: EngineCase, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `robocurse-${path.basename(dst)}.json`);
  fs.writeFileSync(file, JSON.stringify({
    version: 1,
    global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, `state-${path.basename(dst)}`), maxConcurrentJobs: 3, ...extra },
    // 1,000 files per chunk: `many` is split into its 50 directories, so the names of
    // many/d03/f3 and many/d40/same-as-d03-f3 (and the root's link to many/d07/f7) land in
    // different chunks.
    profiles: { replica: { source: path.join(dir, 'src'), destination: dst, mirror: true, chunking: { maxChunkFiles: 1000 }, retry: { maxAttempts: 1 }, ...c.profile } },
  }, null, 2));
  return file;
}

/** Chunks the state database records as finished (0 while it does not exist yet). */
function finishedChunks(db: string): number {
  if (!fs.existsSync(db)) return 0;
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    // With its destination record (written just after the status): a chunk killed between the two
    // has no record, and a resume rightly runs it again (resume-check.ts).
    return (conn.prepare("SELECT count(*) AS n FROM chunks WHERE status LIKE 'Complete%' AND dest_probe IS NOT NULL").get() as { n: number }).n;
  } catch {
    return 0; // the schema is being made
  } finally {
    conn.close();
  }
}

/** Everything the issue asks to compare, for one engine's replica. */
function checkReplica(src: string, dst: string, c: EngineCase): void {
  const oracle = rsyncOracle(src, dst);
  expect(oracle.filter((l) => !c.allowedOracle(l)), 'rsync -aHAXn --numeric-ids --modify-window=-1 --itemize-changes --delete').to.deep.equal([]);
  const s = entries(src);
  const d = entries(dst);
  expect(statDifferences(s, d, c.skipStat), 'stat: type, mode, owner, mtime (ns), size, device, link target').to.deep.equal([]);
  expect(hardLinkDifferences(s, d), 'link counts and inode sharing').to.deep.equal([]);
  if (c.sameMtime) {
    const off = [...s].filter(([rel, e]) => e.type === 'file' && !c.sameMtime!(e.mtimeNs, d.get(rel)!.mtimeNs)).map(([rel]) => rel);
    expect(off, 'files whose mtime is further off than the engine documents').to.deep.equal([]);
  }
  if (!c.keepsAttributes) return;
  const sparse = d.get('sparse.img')!;
  expect(Number(sparse.blocks), 'allocated 512-byte blocks of the 100 MB sparse file').to.be.at.most(Number(s.get('sparse.img')!.blocks) + 64);
  expect(attributeDump(dst, 'getfattr'), 'getfattr -R -d -m -').to.equal(attributeDump(src, 'getfattr'));
  expect(attributeDump(dst, 'getfacl'), 'getfacl -R -p').to.equal(attributeDump(src, 'getfacl'));
}

/** A re-run over an unchanged tree copies nothing and touches nothing in the destination. */
async function checkUnchangedRerun(cfg: string, dir: string, dst: string, c: EngineCase): Promise<void> {
  const hash = hashTree(dst);
  const touched = touchPrint(dst, { dirCtimes: !c.scratchInChunkDirs });
  const again = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir, env: c.env });
  expect(again.code, again.stderr).to.equal(0);
  const p = (again.summary!.profiles as Array<Record<string, unknown>>)[0];
  expect(p.filesCopied, 're-run: files copied').to.equal(0);
  expect(p.extrasRemoved, 're-run: extras removed').to.equal(0);
  expect(hashTree(dst), 're-run: hashTree of the destination').to.equal(hash);
  expect(touchPrint(dst, { dirCtimes: !c.scratchInChunkDirs }), 're-run: no inode, mtime or ctime changed').to.equal(touched);
}

describe('a true replica: every engine through the CLI run like cron, as root (issue #22)', function () {
  // A 200 MB file, a 100 MB sparse file and 5,000 files, copied four times per engine.
  this.timeout(900_000);
  let dir: string;
  let src: string;

  before(function () {
    // Owners, devices and other users' files need root; CI and this project's machines run as root.
    if (process.getuid?.() !== 0) this.skip();
    dir = tempDir('robocurse-fidelity-');
    src = path.join(dir, 'src');
    buildFidelityTree(src);
  });
  after(() => { if (dir) removeTemp(dir); });

  for (const [name, c] of Object.entries(ENGINES)) {
    const slug = name.replace(/\W+/g, '-');

    it(`${name}: the replica matches the source, and an unchanged re-run copies and touches nothing`, async () => {
      const dst = path.join(dir, `dst-${slug}`);
      const cfg = writeConfig(dir, dst, c);
      const first = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir, env: c.env });
      expect(first.code, first.stderr).to.equal(0);
      expect(first.summary!.outcome).to.be.oneOf(['Success', 'Warning']);
      checkReplica(src, dst, c);
      await checkUnchangedRerun(cfg, dir, dst, c);
    });

    it(`${name}: after a SIGKILL mid-run, the resumed run completes the same replica; a re-run then touches nothing`, async () => {
      const dst = path.join(dir, `resumed-${slug}`);
      // 200 Mbit/s: the large file takes seconds, so the kill lands mid-copy, after small chunks finished.
      const slow = writeConfig(dir, dst, c, { bandwidthLimitMbps: 200 });
      const run = startCli(['run', '--config', slow, '--all', '--log-level', 'info'], { cwd: dir, env: { ...c.env, TERM: 'dumb' } });
      // Killed once the state database holds a finished chunk with its destination record (results are committed in groups).
      const db = path.join(dir, `state-${path.basename(dst)}`, 'robocurse.db');
      const t0 = Date.now();
      while (finishedChunks(db) === 0 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
      run.child.kill('SIGKILL');
      const killed = await run.result;
      expect(killed.signal, `the first run ended before the kill: ${killed.stderr.slice(-2000)}`).to.equal('SIGKILL');
      expect(await waitForNoProcesses(dst, 15_000), 'engines of the killed run').to.deep.equal([]);

      const cfg = writeConfig(dir, dst, c);
      const resumed = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir, env: c.env });
      expect(resumed.code, resumed.stderr).to.equal(0);
      const p = (resumed.summary!.profiles as Array<Record<string, number>>)[0];
      expect(p.chunksSkipped, `chunks the killed run finished are not copied again: ${resumed.stdout.split('\n').filter((l) => /again|resum|Warning|done/i.test(l)).join('\n').slice(-3000)} ${resumed.stderr.slice(-1500)}`).to.be.greaterThan(0);
      checkReplica(src, dst, c);
      await checkUnchangedRerun(cfg, dir, dst, c);
    });
  }
});

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { processesMentioning, rsyncDifferences, runCliLikeCron, waitForNoProcesses } from '../../helpers/cli-child';
import { diffTrees, makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { expectRunEnded, jsonSummary } from '../../helpers/run-evidence';

const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/** Scratch directories and rsync temp files (`.name.XXXXXX`) anywhere under `root`. */
function leftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.name.startsWith('.robocurse-tmp-') || /^\..+\.[A-Za-z0-9]{6}$/.test(e.name)) out.push(p);
      if (e.isDirectory()) walk(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** Six directories of three 600 kB files: seconds of copying at the configured bandwidth. */
function tree(): TreeSpec {
  const spec: TreeSpec = {};
  for (let d = 0; d < 6; d++) spec[`dir-${d}`] = { 'a.bin': 600_000 + d, 'b.bin': 600_001 + d, 'c.bin': 600_002 + d };
  return spec;
}

/** The copier processes of this test (rsync or the fake robocopy), robocurse itself excluded. */
function copiers(dir: string): string[] {
  return processesMentioning(dir).filter((p) => !p.cmdline.some((a) => a.endsWith('robocurse.js'))).map((p) => `${p.pid} ${p.cmdline.join(' ')}`);
}

interface EngineCase { engine: string; profile: Record<string, unknown>; env: NodeJS.ProcessEnv }

const engines: EngineCase[] = [
  { engine: 'rsync', profile: { engine: 'rsync', mirror: true }, env: {} },
  // The fake robocopy sleeps before each file, so a kill lands while it copies.
  { engine: 'robocopy (fake)', profile: { engine: 'robocopy', mirror: true, engineOptions: { robocopy: { executable: FAKE_ROBOCOPY, switches: ['/COPY:DAT'] } } }, env: { FAKE_ROBOCOPY_SLEEP_MS: '300' } },
];

/**
 * Copy processes die with robocurse, and what a kill leaves behind is cleaned by the next run.
 * Two ways: the parent-death signal (setpriv --pdeathsig on Linux) kills the engine the moment
 * robocurse is SIGKILLed; and, where no such signal was set (setpriv hidden from PATH below), the
 * next run reaps the survivors it finds in the ledger of the state directory before it copies.
 */
describe('SIGKILL of robocurse while engines copy: no orphan copier, the resume ends identical', function () {
  this.timeout(300_000);
  let dir: string;
  let run: ReturnType<typeof startCli> | undefined;
  beforeEach(() => { dir = tempDir('robocurse-crash-kids-'); });
  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) { run.child.kill('SIGKILL'); await run.result; }
    run = undefined;
    for (const p of processesMentioning(dir)) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    removeTemp(dir);
  });

  /** Starts a run and SIGKILLs robocurse once a copier of it is running. */
  async function killMidCopy(cfg: string, env: NodeJS.ProcessEnv): Promise<void> {
    run = startCli(['run', '-c', cfg, '--all'], { env });
    const t0 = Date.now();
    // One snapshot decides: a copier whose files a killed run had already copied may end between
    // two reads of /proc (CI failed "no copier started within 776 ms" after seeing one).
    let seen: string[] = [];
    while ((seen = copiers(dir)).length === 0 && run.child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    if (seen.length === 0 && run.child.exitCode !== null) {
      // The run ended before a copier was seen (one CI run failed here with no more said): give
      // its exit and its whole output, not the part read so far.
      const ended = await run.result;
      expect.fail(`no copier seen: the run ended first (exit ${ended.code}, signal ${ended.signal}) after ${Date.now() - t0} ms; stdout: ${ended.stdout.slice(-2000)}; stderr: ${ended.stderr.slice(-4000)}`);
    }
    expect(seen, `no copier started within ${Date.now() - t0} ms: ${run.stderrSoFar()}`).to.not.deep.equal([]);
    await new Promise((r) => setTimeout(r, 400)); // let it write a little
    run.child.kill('SIGKILL');
    const r = await run.result;
    run = undefined;
    expect(r.signal, r.stderr).to.equal('SIGKILL');
  }

  for (const e of engines) {
    it(`${e.engine}: the parent-death signal ends the copier with robocurse; three kills, then an identical tree, no temp files`, async () => {
      makeTree(path.join(dir, 'src'), tree());
      makeTree(path.join(dir, 'dst'), { 'extra.txt': 'a mirror removes me' });
      const cfg = writeConfig(dir, e.profile);
      for (let i = 0; i < 3; i++) {
        await killMidCopy(cfg, e.env);
        // Not "eventually, after the next run": gone now, with robocurse.
        expect(await waitForNoProcesses(dir, 15_000), `kill ${i}: copiers outlived robocurse`).to.deep.equal([]);
      }
      const final = await runCliLikeCron(['run', '-c', cfg, '--all', '--json'], { env: e.env });
      expectRunEnded(final, path.join(dir, 'state'), 0, true);
      expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      expect(diffTrees(path.join(dir, 'src'), path.join(dir, 'dst'), { mode: false })).to.deep.equal([]);
      expect(leftovers(path.join(dir, 'dst'))).to.deep.equal([]);
      expect(fs.readdirSync(path.join(dir, 'state', 'children'))).to.deep.equal([]);
    });

    it(`${e.engine}: without a parent-death signal the copier survives the kill, and the next run reaps it before copying`, async () => {
      makeTree(path.join(dir, 'src'), tree());
      const cfg = writeConfig(dir, e.profile);
      // A PATH with the tools but without setpriv: robocurse cannot set the signal.
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      for (const tool of ['rsync', 'node', 'env']) fs.symlinkSync(path.join('/usr/bin', tool), path.join(bin, tool));
      const env = { ...e.env, PATH: bin };
      await killMidCopy(cfg, env);
      const survivors = processesMentioning(dir).filter((p) => !p.cmdline.some((a) => a.endsWith('robocurse.js')));
      expect(survivors.map((p) => p.cmdline.join(' ')), 'the copier should have survived (no parent-death signal)').to.not.deep.equal([]);
      // Frozen, so it cannot finish on its own before the next run starts, however slow the machine:
      // only the reaper can end it (SIGKILL ends a stopped process too).
      for (const p of survivors) { try { process.kill(p.pid, 'SIGSTOP'); } catch { /* just ended */ } }
      const next = startCli(['run', '-c', cfg, '--all', '--json', '--log-level', 'warn'], { env });
      run = next;
      const r = await next.result;
      run = undefined;
      const summary = jsonSummary(r.stdout);
      expectRunEnded({ ...r, summary }, path.join(dir, 'state'), 0, true);
      expect(r.stderr).to.contain('killed a copy process left running by a killed robocurse');
      expect(await waitForNoProcesses(dir, 15_000)).to.deep.equal([]);
      expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      expect(leftovers(path.join(dir, 'dst'))).to.deep.equal([]);
      expect(fs.readdirSync(path.join(dir, 'state', 'children'))).to.deep.equal([]);
    });
  }

  it('rsync: a scratch directory left by a run killed with its whole process group is removed by the next run', async () => {
    makeTree(path.join(dir, 'src'), tree());
    const cfg = writeConfig(dir, { engine: 'rsync', mirror: true });
    run = startCli(['run', '-c', cfg, '--all'], {});
    const t0 = Date.now();
    while (leftovers(path.join(dir, 'dst')).length === 0 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    // What a power cut or the OOM killer does: everything dies at once, nobody cleans up.
    for (const p of processesMentioning(dir)) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    await run.result;
    run = undefined;
    expect(leftovers(path.join(dir, 'dst')).some((p) => path.basename(p).startsWith('.robocurse-tmp-'))).to.equal(true);
    const r = await runCliLikeCron(['run', '-c', cfg, '--all']);
    expectRunEnded(r, path.join(dir, 'state'), 0, false);
    expect(r.stderr).to.match(/removed the scratch directory .*\.robocurse-tmp-[0-9a-f]{16} left by a killed robocurse/);
    expect(leftovers(path.join(dir, 'dst'))).to.deep.equal([]);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
  });
});

function writeConfig(dir: string, profile: Record<string, unknown>): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({
    version: 1,
    // 16 Mbit/s for ~11 MB: several seconds of copying, so every kill lands mid-copy.
    global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 2, bandwidthLimitMbps: 16 },
    profiles: { p: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 3 }, ...profile } },
  }));
  return file;
}

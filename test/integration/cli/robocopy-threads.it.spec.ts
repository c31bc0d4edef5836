import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';
import { sessionEvents } from '../snapshot/cli-run';

const FAKE = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/** The switches each robocopy job ran with, from the `Options :` line of its /UNILOG (UTF-16LE). */
function jobSwitches(logDir: string, sessionId: string): string[][] {
  const dir = path.join(logDir, sessionId, 'chunks');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => {
    const text = fs.readFileSync(path.join(dir, f)).toString('utf16le');
    const line = /Options : \*\.\* (.*)/.exec(text);
    if (!line) throw new Error(`no Options line in ${f}`);
    return line[1].trim().split(/\s+/);
  });
}

describe('robocopy /MT threads, /IORATE and /IPG under a budget (real CLI and the fake robocopy, like cron)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('robocurse-mt-');
    const spec: TreeSpec = {};
    for (let i = 0; i < 6; i++) spec[`d${i}`] = { 'a.bin': 40_000 + i * 1000, 'b.txt': `file ${i}`, sub: { 'c.bin': 3000 } };
    makeTree(path.join(dir, 'src'), spec);
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
  });
  afterEach(() => removeTemp(dir));

  function config(robocopy: Record<string, unknown>, global: Record<string, unknown> = {}): string {
    const cfg = path.join(dir, 'robocurse.json');
    fs.writeFileSync(cfg, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 4, ...global },
      profiles: { docs: { source: 'src', destination: 'dst', engine: 'robocopy', chunking: { mode: 'flat', maxDepth: 1 }, engineOptions: { robocopy: { executable: FAKE, ...robocopy } } } },
    }));
    return cfg;
  }

  async function run(cfg: string, env: NodeJS.ProcessEnv = {}) {
    const victim = hashTree(path.join(dir, 'victim'));
    const r = await runCliLikeCron(['run', '--config', cfg, '--all', '--json'], { cwd: dir, env: { FAKE_ROBOCOPY_IORATE: '', ...env } });
    expect(r.code, r.stderr).to.equal(0);
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);
    const sessionId = String(r.summary!.sessionId);
    const warnings = sessionEvents(path.join(dir, 'state'), sessionId).filter((e) => e.type === 'Warning');
    return { r, switches: jobSwitches(path.join(dir, 'logs'), sessionId), warnings };
  }

  it('without a budget every job copies with /MT:8 (the default)', async () => {
    const { r, switches, warnings } = await run(config({}));
    expect(switches.length).to.equal(6); // one job per directory (the root has no files of its own)
    for (const s of switches) {
      expect(s).to.include('/MT:8');
      expect(s.some((a) => a.startsWith('/IPG') || a.startsWith('/IORATE'))).to.equal(false);
    }
    expect(warnings).to.deep.equal([]);
    expect((r.summary!.profiles as { filesCopied: number }[])[0].filesCopied).to.equal(18);
  });

  it('threads: 16 gives /MT:16', async () => {
    const { switches } = await run(config({ threads: 16 }));
    for (const s of switches) expect(s).to.include('/MT:16');
  });

  it('under a budget a robocopy with /IORATE keeps /MT: each thread gets its part of the job\'s share', async () => {
    // 8 Mbit/s = 1,000,000 B/s; four jobs started together get 250,000 each; 4 threads → 62,500.
    const { switches, warnings } = await run(config({ threads: 4 }, { bandwidthLimitMbps: 8 }), { FAKE_ROBOCOPY_IORATE: '1' });
    for (const s of switches) {
      expect(s.filter((a) => a.startsWith('/MT:'))).to.deep.equal(['/MT:4']);
      expect(s.some((a) => a.startsWith('/IPG'))).to.equal(false);
      const rate = Number(s.find((a) => a.startsWith('/IORATE:'))!.slice('/IORATE:'.length));
      expect(rate * 4).to.be.at.most(1_000_000 / 4 + 1);
    }
    expect(warnings).to.deep.equal([]);
  });

  it('under a budget an older robocopy (no /IORATE) copies with /IPG on one thread, and says so once', async () => {
    const { switches, warnings } = await run(config({}, { bandwidthLimitMbps: 80 }));
    for (const s of switches) {
      expect(s.some((a) => a.startsWith('/MT'))).to.equal(false);
      expect(s.filter((a) => a.startsWith('/IPG:'))).to.have.length(1);
    }
    expect(warnings.map((w) => w.data.code)).to.deep.equal(['ROBOCOPY_MT_DROPPED']);
    expect(String(warnings[0].data.message)).to.contain('/MT:8').and.to.contain('/IPG');
  });

  it('bad threads, or /MT among the switches, is a config error (exit 2) naming the key; nothing runs', async () => {
    for (const [robocopy, culprit] of [
      [{ threads: 0 }, 'profiles.docs.engineOptions.robocopy.threads'],
      [{ threads: 129 }, 'profiles.docs.engineOptions.robocopy.threads'],
      [{ switches: ['/MT:16'] }, 'set engineOptions.robocopy.threads instead'],
      [{ switches: ['/IORATE:1M'] }, 'set the bandwidth with bandwidthLimitMbps instead'],
    ] as const) {
      const r = await runCliLikeCron(['run', '--config', config(robocopy), '--all'], { cwd: dir });
      expect(r.code, JSON.stringify(robocopy)).to.equal(2);
      expect(r.stderr).to.contain(culprit);
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    }
  });
});

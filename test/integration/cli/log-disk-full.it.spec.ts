import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rsyncDifferences } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { startCli } from '../../helpers/run-cli';
import { mountTmpfs, writeRunConfig } from '../lifecycle/lifecycle-kit';

/**
 * The log directory's disk fills up during a run (a 64 KiB tmpfs as global.logDir, real CLI,
 * like cron). The run must copy everything, say once that its log is cut short, print its
 * summary and end: it used to hang at its end for ever, summary printed, because sonic-boom's
 * final synchronous flush retries a failed write without end (src/logging/create-logger.ts).
 */
describe('a log directory that fills up during a run (real CLI, like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  let unmount: (() => void) | undefined;
  before(function () {
    if (process.getuid?.() !== 0) this.skip(); // mounting a tmpfs needs root (CI runs as root)
  });
  beforeEach(() => { dir = tempDir('robocurse-logfull-'); });
  afterEach(() => {
    unmount?.();
    unmount = undefined;
    removeTemp(dir);
  });

  for (const engine of ['native', 'rsync']) {
    it(`${engine} engine: everything copied, one warning, the summary, exit 0, and the process ends`, async () => {
      // 150 chunks (one file each) log a few hundred lines: far more than 64 KiB.
      const tree: Record<string, Record<string, string>> = {};
      for (let i = 0; i < 150; i++) tree[`d${i}`] = { [`f${i}.txt`]: `file ${i}\n` };
      makeTree(path.join(dir, 'src'), tree);
      const logs = path.join(dir, 'logs');
      unmount = mountTmpfs(logs, '64k', 'mode=0700');
      const cfg = writeRunConfig(dir, { data: { source: 'src', destination: 'dst', engine, chunking: { maxChunkFiles: 1 } } }, { logDir: logs });
      const run = startCli(['run', '-c', cfg, '--all', '--json', '--log-level', 'warn'], { cwd: dir, env: { TERM: 'dumb' } });
      let hung = false;
      const timer = setTimeout(() => { hung = true; run.child.kill('SIGKILL'); }, 90_000);
      const r = await run.result;
      clearTimeout(timer);
      expect(hung, `the run did not end within 90 s; stderr:\n${r.stderr}`).to.equal(false);
      expect(r.code, r.stderr).to.equal(0);
      const summary = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; outcome?: string; profiles?: { chunksOk: number }[] }).find((l) => l.type === 'summary');
      expect(summary?.outcome, r.stdout).to.equal('Success');
      expect(summary?.profiles?.[0].chunksOk).to.equal(150);
      expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      const warned = r.stderr.split('\n').filter((l) => l.includes('cannot write the log file'));
      expect(warned, r.stderr).to.have.length(1);
      expect(warned[0]).to.match(/^robocurse: cannot write the log file .*robocurse-.*\.log any more \(ENOSPC\); the run goes on/);
      expect(r.stderr).to.not.match(/^\s+at /m);
      // The rsync engine's chunk logs fail too (150 of them): said once, not once per chunk.
      const rsyncLogs = r.stderr.split('\n').filter((l) => l.includes('cannot write the rsync log'));
      expect(rsyncLogs, r.stderr).to.have.length(engine === 'rsync' ? 1 : 0);
      // Nothing but the session's own files in the log directory.
      for (const name of fs.readdirSync(logs)) expect(name).to.match(/^(robocurse-)?\d{8}-\d{6}-[0-9a-f]+(\.log)?$/);
    });
  }
});

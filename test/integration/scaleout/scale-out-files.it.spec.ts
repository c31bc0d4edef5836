import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree } from '../../helpers/make-tree';
import { ScaleOutPool } from '../../helpers/scale-out-pool';
import { chunkAttempts } from '../../helpers/run-evidence';
import { ENGINE_KEYS } from '../figures/figures-kit';
import { sessionEvents } from '../snapshot/cli-run';
import { useScaleOutHarness } from './scale-out-harness';

/**
 * The per-file reports of chunks that run on workers come back to the coordinator with each
 * attempt's result, so a scale-out run keeps what a local run has: files.log, the failed-files
 * list, FileFailed events, retries of just the failed files, and the deletion listing.
 */
describe('scale-out: per-file reports flow back from the workers (real CLI, like cron)', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('a file locked on the worker: one full attempt, then attempts of just that file; files.log, failed files, FileFailed and deletions on the coordinator', async () => {
    const p = h.use(new ScaleOutPool(h.redis, {
      docs: { 'locked.db': 'always open', 'a.txt': 'a', 'b.txt': 'bb', deep: { 'c.txt': 'ccc' } },
      media: { 'm.bin': 5000 },
    }, { bandwidthMbps: 0 }));
    makeTree(p.dst, { docs: { 'extra.txt': 'not in the source' } });
    fs.writeFileSync(p.config, JSON.stringify({
      version: 1, global: { maxConcurrentJobs: 2, logDir: 'logs', stateDir: 'state' },
      profiles: { p: {
        source: 'src', destination: 'dst', mirror: true, chunking: { mode: 'flat', maxDepth: 1 },
        retry: { maxAttempts: 3, backoffSeconds: 0, engineRetries: 1, engineWaitSeconds: 0 }, ...ENGINE_KEYS.robocopy,
      } },
    }));
    const worker = p.startWorker('w1', 2, { env: { FAKE_ROBOCOPY_LOCKED_FILES: 'locked.db' } });
    const r = await runCliLikeCron(['run', '-c', p.config, '--all', '--queue', h.redis.url, '--json']);
    expect(r.code, r.stderr + worker.stderr()).to.equal(1);
    const summary = r.summary as unknown as { sessionId: string; profiles: { filesCopied: number; failedFiles?: { path: string }[]; failedFilesTotal?: number }[] };
    const prof = summary.profiles[0];
    expect(prof.failedFilesTotal, JSON.stringify(prof)).to.equal(1);
    expect(prof.failedFiles!.map((f) => f.path)).to.deep.equal(['docs/locked.db']);
    // Everything else arrived; the extra went with the full attempt (the file-only ones never mirror).
    expect(rsyncDifferences(p.src, p.dst)).to.deep.equal(['>f+++++++++ docs/locked.db']);
    const a = chunkAttempts(p.stateDir, summary.sessionId);
    expect(a.filter((x) => x.relPath === 'docs').map((x) => [x.attempt, x.onlyFiles, x.failed])).to.deep.equal([[1, null, 1], [2, 1, 1], [3, 1, 1]]);
    const events = sessionEvents(p.stateDir, summary.sessionId);
    expect(events.filter((e) => e.type === 'FileFailed').map((e) => [e.data.path, e.data.attempts])).to.deep.equal([['docs/locked.db', 3]]);
    // files.log of the coordinator names the files the worker copied, the failure and the deletion.
    const filesLog = fs.readFileSync(path.join(p.root, 'logs', summary.sessionId, 'files.log'), 'utf8');
    const rows = filesLog.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')).map((c) => `${c[1]} ${c[3]}`);
    expect([...rows].sort(), filesLog).to.deep.equal([
      'delete docs/extra.txt', 'fail docs/locked.db', 'fail docs/locked.db', 'fail docs/locked.db',
      'new docs/a.txt', 'new docs/b.txt', 'new docs/deep/c.txt', 'new media/m.bin',
    ]);
    expect(await p.copiersGone(15_000)).to.deep.equal([]);
  });
});

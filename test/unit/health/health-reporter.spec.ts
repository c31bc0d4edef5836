import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sinon from 'sinon';
import { HealthReporter } from '../../../src/health/health-reporter';
import type { OrchestrationStatus } from '../../../src/orchestrator/types';
import { recordingLogger } from '../../helpers/recording-logger';
// The module object itself (not the import-star copy) so the reporter sees the stub.
import nodeFs = require('node:fs');

describe('HealthReporter: pruning the health folder at start', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-health-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const reporter = (logger = recordingLogger()) => new HealthReporter({
    healthFile: path.join(dir, 'health', 'mine.json'), intervalMs: 60_000, sessionId: 's1', profiles: ['p'],
    status: () => ({ phase: 'Scanning' }) as OrchestrationStatus, logger,
  });

  it('removes files untouched for a week, keeps fresh ones, and takes a name another session renamed away meanwhile as gone, not as a failure', async () => {
    const health = path.join(dir, 'health');
    fs.mkdirSync(health);
    const stale = path.join(health, 'old.json');
    const fresh = path.join(health, 'new.json');
    fs.writeFileSync(stale, '{}');
    fs.writeFileSync(fresh, '{}');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(stale, eightDaysAgo, eightDaysAgo);
    // The race CI met: another session's temp file listed, then renamed before the lstat.
    const readdir = fs.readdirSync;
    // Node's rimraf (behind fs.rmSync) takes fs's functions when first loaded: load it before the
    // stub, or it keeps the stub for the rest of this process.
    fs.rmSync(path.join(dir, 'absent'), { force: true });
    const stub = sinon.stub(nodeFs, 'readdirSync').callsFake(((p: fs.PathLike, o?: unknown) =>
      (String(p) === health ? ['.x.json.1.tmp', ...(readdir(p) as string[]).sort().reverse()] : readdir(p, o as undefined))) as typeof fs.readdirSync);
    const logger = recordingLogger();
    const r = reporter(logger);
    try {
      r.start();
      await r.finish('Complete', 0);
    } finally { stub.restore(); }
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).to.deep.equal([]);
    expect(fs.existsSync(stale)).to.equal(false);
    expect(fs.existsSync(fresh)).to.equal(true);
    expect(JSON.parse(fs.readFileSync(path.join(health, 'mine.json'), 'utf8'))).to.include({ state: 'ended', exitCode: 0 });
  });
});

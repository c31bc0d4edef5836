import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processesMentioning, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { freePort } from '../../helpers/redis-server';

/** Bad input to the scale-out commands: a clear line naming the culprit, the documented exit code, nothing written. */
describe('scale-out CLI: bad input and an unreachable queue', function () {
  this.timeout(60_000);
  let root: string;
  let config: string;

  beforeEach(() => {
    root = tempDir('robocurse-scale-cli-');
    makeTree(path.join(root, 'src'), { 'a.txt': 'a' });
    config = path.join(root, 'rc.json');
    fs.writeFileSync(config, JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state' }, profiles: { p: { source: 'src', destination: 'dst' } } }));
  });
  afterEach(() => removeTemp(root));

  it('worker: a queue that is not a redis:// URL is exit 2 naming --queue', async () => {
    const r = await runCliLikeCron(['worker', '--queue', 'http://q:1', '--slots', '1']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^robocurse: --queue: expected a redis:\/\/ or rediss:\/\/ URL/m);
    expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('worker: --slots 0, a missing --slots, a bad --path-map and an unknown --engine are exit 2', async () => {
    for (const [args, msg] of [
      [['--slots', '0'], /--slots/], [[], /slots/], [['--slots', '1', '--path-map', 'rel=/x'], /--path-map rel=\/x: SRC 'rel' is not an absolute path/],
      [['--slots', '1', '--engine', 'teleport'], /--engine: unknown engine 'teleport'/],
    ] as const) {
      const r = await runCliLikeCron(['worker', '--queue', 'redis://127.0.0.1:1', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(msg);
    }
  });

  it('worker and workers: a queue nobody listens on is exit 4 naming the address, and no worker lingers', async () => {
    const port = await freePort();
    const w = await runCliLikeCron(['worker', '--queue', `redis://127.0.0.1:${port}`, '--slots', '1', '--state-dir', path.join(root, 'w')]);
    expect(w.code).to.equal(4);
    expect(w.stderr).to.include(`cannot reach the queue at redis://127.0.0.1:${port}`);
    const l = await runCliLikeCron(['workers', '--queue', `redis://127.0.0.1:${port}`]);
    expect(l.code).to.equal(4);
    expect(l.stderr).to.include(`cannot reach the queue at redis://127.0.0.1:${port}`);
    expect(processesMentioning(root)).to.deep.equal([]);
  });

  it('run --queue: a bad URL is exit 2, --dry-run with a queue is exit 2, an unreachable queue is exit 4; nothing copied', async () => {
    const bad = await runCliLikeCron(['run', '-c', config, '--all', '--queue', 'redis://q:1/x', '--json']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--queue\)?: the database must be a number/);
    const dry = await runCliLikeCron(['run', '-c', config, '--all', '--queue', 'redis://127.0.0.1:1', '--dry-run']);
    expect(dry.code).to.equal(2);
    expect(dry.stderr).to.include('--dry-run runs on this host only');
    const port = await freePort();
    const down = await runCliLikeCron(['run', '-c', config, '--all', '--queue', `redis://127.0.0.1:${port}`, '--json']);
    expect(down.code).to.equal(4);
    expect(down.stderr).to.include(`cannot reach the queue at redis://127.0.0.1:${port}`);
    expect(fs.existsSync(path.join(root, 'dst'))).to.equal(false);
  });

  it('the bundled scale-out example config is valid', async () => {
    const r = await runCliLikeCron(['validate', '--config', 'config/scale-out.example.json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('config OK');
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withParentDeathSignal } from '../../../src/process/parent-death';
import { spawnTracked } from '../../../src/process/tracked-child';

describe('withParentDeathSignal (Linux)', () => {
  it('runs a command found on PATH through setpriv --pdeathsig KILL, by its absolute path', () => {
    const r = withParentDeathSignal('rsync', ['-a', '--', 'x/', 'y/'], '/nonexistent:/usr/bin:/bin');
    expect(path.basename(r.command)).to.equal('setpriv');
    expect(r.args).to.deep.equal(['--pdeathsig', 'KILL', '--', '/usr/bin/rsync', '-a', '--', 'x/', 'y/']);
  });

  it('leaves a command it cannot find unwrapped, so its spawn still fails with ENOENT', async () => {
    const r = withParentDeathSignal('no-such-engine-here', ['a'], '/usr/bin:/bin');
    expect(r).to.deep.equal({ command: 'no-such-engine-here', args: ['a'] });
    const child = spawnTracked('no-such-engine-here', ['a'], { env: { PATH: '/usr/bin:/bin' } });
    expect(((await child.exited).spawnError as NodeJS.ErrnoException).code).to.equal('ENOENT');
  });

  it('resolves a relative command against the spawn\'s cwd', () => {
    const r = withParentDeathSignal('./env', [], undefined, '/usr/bin');
    expect(r.args.slice(0, 4)).to.deep.equal(['--pdeathsig', 'KILL', '--', '/usr/bin/env']);
  });

  it('a child of a process killed with SIGKILL dies with it', async function () {
    this.timeout(30_000);
    // An intermediate Node process spawns `sleep` through spawnTracked, prints its pid, and waits.
    const tracked = path.resolve(__dirname, '../../../src/process/tracked-child.js');
    const script = `const c = require(${JSON.stringify(tracked)}).spawnTracked('sleep', ['300']); console.log(c.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    expect(() => process.kill(pid, 0)).to.not.throw();
    parent.kill('SIGKILL');
    const until = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      try { alive = !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { alive = false; }
    }
    if (alive) process.kill(pid, 'SIGKILL');
    expect(alive, 'sleep outlived its SIGKILLed parent').to.equal(false);
  });
});

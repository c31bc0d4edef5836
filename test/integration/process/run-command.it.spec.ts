import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChildLedger } from '../../../src/api/child-ledger';
import { runCommand, runCommandSync } from '../../../src/process/run-command';
import { processesMentioning, waitForNoProcesses } from '../../helpers/cli-child';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/** The one process runner of robocurse, its engines' tools and its plugins (robocurse/plugin). */
describe('runCommand (the shared process runner)', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('passes every argument to the program as it is: no shell ever sees it', async () => {
    const hostile = `$(touch ${path.join(dir, 'pwned')}); rm -rf ${dir} ; \`id\` *`;
    const r = await runCommand(['printf', '%s', hostile]);
    expect(r.code).to.equal(0);
    expect(r.stdout.toString('utf8')).to.equal(hostile);
    expect(fs.existsSync(path.join(dir, 'pwned'))).to.equal(false);
    expect(fs.existsSync(dir)).to.equal(true);
  });

  it('refuses an argument with a control character before anything starts', async () => {
    const marker = path.join(dir, 'started');
    await runCommand(['touch', marker, 'a\nb']).then(() => expect.fail('should have rejected'), (e: Error) => expect(e.message).to.match(/control character/));
    expect(fs.existsSync(marker)).to.equal(false);
  });

  it('feeds stdin, keeps stdout and stderr apart as bytes, and reports the exit code', async () => {
    const r = await runCommand(['sh', '-c', 'cat; printf "\\377oops" >&2; exit 3'], { stdin: Buffer.from([0x61, 0xff, 0x62]) });
    expect(r.code).to.equal(3);
    expect([...r.stdout]).to.deep.equal([0x61, 0xff, 0x62]);
    expect([...r.stderr]).to.deep.equal([0xff, ...Buffer.from('oops')]);
    expect(r.timedOut).to.equal(false);
  });

  it('a program that is not installed is an outcome (spawnError ENOENT), not a rejection', async () => {
    const r = await runCommand(['no-such-tool-here', '--version'], { env: { PATH: '/usr/bin:/bin' } });
    expect((r.spawnError as NodeJS.ErrnoException).code).to.equal('ENOENT');
    expect(r.code).to.equal(null);
  });

  /** A `sleep` whose path names this test's temp dir, so its processes can be found by that marker. */
  function markedSleep(): string {
    const link = path.join(dir, 'marked-sleep');
    fs.symlinkSync(fs.realpathSync('/bin/sleep'), link);
    return link;
  }

  async function waitForProcesses(marker: string, n: number): Promise<number> {
    const until = Date.now() + 20_000;
    while (processesMentioning(marker).length < n && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    return processesMentioning(marker).length;
  }

  it('at the time limit kills the whole process tree, grandchildren included', async function () {
    this.timeout(60_000);
    const sleep = markedSleep();
    // A shell with two background children: killing only the shell would orphan them.
    const done = runCommand(['sh', '-c', '"$0" 300 & "$0" 301 & wait', sleep], { timeoutMs: 5000, killGraceMs: 500 });
    expect(await waitForProcesses(dir, 3)).to.equal(3);
    const r = await done;
    expect(r.timedOut).to.equal(true);
    expect(r.code).to.equal(null);
    expect(await waitForNoProcesses(dir, 10_000)).to.deep.equal([]);
  });

  it('notes the child in the ledger while it runs and forgets it once it has exited', async () => {
    const events: string[] = [];
    const ledger: ChildLedger = {
      recordChild: (pid, command) => { events.push(`record ${command} ${pid > 0}`); return () => events.push('forget'); },
      recordScratchDir: () => () => undefined,
    };
    const r = await runCommand(['true'], { ledger });
    expect(r.code).to.equal(0);
    // forget runs on the exit promise's continuation: give it a turn.
    await new Promise((res) => setImmediate(res));
    expect(events).to.deep.equal(['record true true', 'forget']);
  });

  it('its child dies with robocurse when robocurse is SIGKILLed (parent-death signal)', async function () {
    this.timeout(30_000);
    const sleep = markedSleep();
    const runner = path.resolve(__dirname, '../../../src/process/run-command.js');
    // The sleep's path travels in the environment: only the sleep itself mentions the marker.
    const script = `require(${JSON.stringify(runner)}).runCommand([process.env.RC_SLEEP, '300']); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RC_SLEEP: sleep } });
    // If the sleep never shows, the failure says whether the parent ended, how, and what it printed.
    let stderr = '';
    let ended = 'still running';
    parent.stderr!.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
    parent.on('exit', (code, signal) => { ended = `ended with code ${code} signal ${signal}`; });
    const started = Date.now();
    try {
      const seen = await waitForProcesses(dir, 1);
      expect(seen, `after ${Date.now() - started} ms the parent (pid ${parent.pid}) is ${ended}; its stderr: ${JSON.stringify(stderr)}; the marked sleep ${fs.existsSync(sleep) ? 'exists' : 'is gone'}`).to.equal(1);
      expect(processesMentioning(dir)[0].ppid).to.equal(parent.pid);
    } finally {
      parent.kill('SIGKILL');
    }
    expect(await waitForNoProcesses(dir, 10_000)).to.deep.equal([]);
  });

  it('runCommandSync (version probes): the argument as it is, no shell; a probe past its time is killed and says so', () => {
    const hostile = `$(touch ${path.join(dir, 'pwned')}) ; *`;
    const r = runCommandSync(['printf', '%s', hostile]);
    expect(r.code).to.equal(0);
    expect(r.stdout.toString('utf8')).to.equal(hostile);
    expect(fs.existsSync(path.join(dir, 'pwned'))).to.equal(false);
    const slow = runCommandSync(['sleep', '30'], { timeoutMs: 200 });
    expect((slow.error as NodeJS.ErrnoException).code).to.equal('ETIMEDOUT');
    expect(slow.code).to.equal(null);
    expect(() => runCommandSync(['printf', 'a\rb'])).to.throw(/control character/);
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsx } from '../../../src/fs/fsx';
import { PipesChild, pipesSpawner } from '../../../src/process/pipes-child';
import { spawnTracked, type TrackedChild } from '../../../src/process/tracked-child';

const collect = (s: NodeJS.ReadableStream | null): Promise<Buffer> => new Promise((resolve) => {
  const parts: Buffer[] = [];
  s!.on('data', (b: Buffer) => parts.push(b));
  s!.on('end', () => resolve(Buffer.concat(parts)));
});

const procStatus = (pid: number): string => fs.readFileSync(`/proc/${pid}/status`, 'utf8');
const field = (status: string, name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Copiers started through the helper's posix_spawn (native/spawn-pipes.c, src/process/pipes-child.ts)
 * instead of Node's fork: real processes, checked for what node:child_process gave them (argv,
 * environment, pipes, exit status, signals, process group, stdin, signal dispositions).
 */
describe('spawnTracked through posix_spawn (Linux, the helper built)', function () {
  this.timeout(30_000);
  before(function () {
    // Skipped where the helper is not built or not Linux (CI builds it at install): the fallback
    // there is node:child_process, which the rest of the suite runs.
    if (process.platform !== 'linux' || !fsx?.spawnPipes || !fsx.spawnWait) this.skip();
  });

  const spawnSh = (script: string, env: NodeJS.ProcessEnv = process.env): TrackedChild => spawnTracked('/bin/sh', ['-c', script], { env });

  it('is the path taken for an engine-style spawn (environment only), and not for one asking for stdio or a cwd', () => {
    expect(pipesSpawner({ env: {} })).to.be.a('function');
    expect(pipesSpawner({})).to.be.a('function');
    expect(pipesSpawner({ stdio: ['pipe', 'pipe', 'pipe'] })).to.equal(undefined);
    expect(pipesSpawner({ cwd: '/tmp' })).to.equal(undefined);
    const c = spawnSh('exit 0');
    expect(c.child).to.be.instanceOf(PipesChild);
    return c.exited;
  });

  it('passes argv and the environment as given, and both output streams byte for byte past the pipe size', async () => {
    // 1 MiB on stdout and 300 KiB on stderr: more than a pipe holds, read while the child writes.
    const c = spawnTracked('/bin/sh', ['-c', 'printf "%s|" "$@"; echo "[$LC_ALL] [$ONLY_HERE]"; head -c 1048576 /dev/zero | tr "\\0" a; head -c 307200 /dev/zero | tr "\\0" b >&2', 'sh', 'one two', '', 'th"r\'ee', '$HOME'],
      { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', ONLY_HERE: 'x=y' } });
    const [out, err, exit] = await Promise.all([collect(c.child.stdout), collect(c.child.stderr), c.exited]);
    const text = out.toString('latin1');
    expect(text.slice(0, text.indexOf('\n'))).to.equal('one two||th"r\'ee|$HOME|[C] [x=y]');
    expect(out.length - text.indexOf('\n') - 1).to.equal(1048576);
    expect(/^a+$/.test(text.slice(text.indexOf('\n') + 1))).to.equal(true);
    expect(err.equals(Buffer.alloc(307200, 'b'))).to.equal(true);
    expect(exit).to.deep.equal({ code: 0, signal: null });
  });

  it('reports the exit status, and "exit" before "close"', async () => {
    const c = spawnSh('echo late; exit 23');
    const order: string[] = [];
    c.child.once('exit', (code) => order.push(`exit ${code}`));
    c.child.once('close', (code) => order.push(`close ${code}`));
    const out = collect(c.child.stdout);
    expect(await c.exited).to.deep.equal({ code: 23, signal: null });
    expect((await out).toString()).to.equal('late\n');
    expect(order).to.deep.equal(['exit 23', 'close 23']);
    expect(c.child.kill('SIGTERM'), 'no signal to a process that has exited').to.equal(false);
  });

  it('gives the child stdin from /dev/null, no signal blocked, none of 1-31 ignored (Node ignores SIGPIPE), and a session and process group of its own', async () => {
    const c = spawnSh('cat; grep -E "^(SigIgn|SigBlk):" /proc/self/status; ps -o sid=,pgid= -p $$; exec sleep 30');
    let text = '';
    c.child.stdout!.on('data', (b: Buffer) => { text += b.toString(); });
    // Until ps has answered (a loaded machine may take a while), then the child sleeps.
    for (const until = Date.now() + 20_000; text.split('\n').length < 4 && Date.now() < until;) await sleep(50);
    const pid = c.pid!;
    expect(Number(field(procStatus(pid), 'NSpgid').split(/\s+/)[0]), 'the process group is its own').to.equal(pid);
    await c.killTree();
    const [blocked, ignored] = [/^SigBlk:\s*([0-9a-f]+)$/m, /^SigIgn:\s*([0-9a-f]+)$/m].map((re) => BigInt(`0x${re.exec(text)?.[1] ?? 'ff'}`));
    expect(blocked).to.equal(0n);
    // Signals 1-31 (SIGPIPE among them) at their default; glibc's posix_spawn leaves its own two
    // internal signals (32 and 33, below SIGRTMIN as glibc counts) ignored, which every program
    // linked with glibc takes back at its start: nothing a copier uses.
    expect(ignored & 0x7fffffffn).to.equal(0n);
    expect(text.trim().split('\n').pop()!.trim().split(/\s+/).map(Number), 'session and process group its own, as Node\'s detached').to.deep.equal([pid, pid]);
  });

  it('killTree ends the child and its descendants (the process group), reported by signal; suspend and resume stop and continue it', async () => {
    const c = spawnSh('sleep 300 & echo $!; wait');
    const first = await new Promise<string>((resolve) => c.child.stdout!.once('data', (b: Buffer) => resolve(b.toString())));
    const grandchild = Number(first.trim());
    c.suspend();
    await sleep(200);
    expect(field(procStatus(c.pid!), 'State')).to.match(/^T/);
    expect(field(procStatus(grandchild), 'State')).to.match(/^T/);
    c.resume();
    await sleep(200);
    expect(field(procStatus(c.pid!), 'State')).to.match(/^S/);
    const exit = await c.killTree(2000);
    expect(exit).to.deep.equal({ code: null, signal: 'SIGTERM' });
    await sleep(200);
    let gone = false;
    try { gone = /^Z/.test(field(procStatus(grandchild), 'State')); } catch { gone = true; }
    expect(gone, 'the grandchild died with the group').to.equal(true);
  });

  it('a program that cannot be run fails as before (ENOENT, EACCES through node:child_process)', async () => {
    expect(((await spawnTracked('/nonexistent/engine', ['x'], { env: {} }).exited).spawnError as NodeJS.ErrnoException).code).to.equal('ENOENT');
    const notExecutable = path.join(fs.mkdtempSync('/tmp/robocurse-pipes-'), 'engine');
    fs.writeFileSync(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    expect(((await spawnTracked(notExecutable, [], { env: {} }).exited).spawnError as NodeJS.ErrnoException).code).to.equal('EACCES');
  });

  it('gives the child no descriptor that node:child_process would not give it', async () => {
    const fds = (text: string): number[] => text.trim().split('\n').map(Number).sort((a, b) => a - b);
    const c = spawnSh('ls /proc/self/fd');
    const out = collect(c.child.stdout);
    await c.exited;
    const viaNode = spawn('/bin/sh', ['-c', 'ls /proc/self/fd'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const nodeOut = collect(viaNode.stdout);
    // The standard three and ls's own directory, and what this test process inherited itself.
    expect(fds((await out).toString())).to.include.members([0, 1, 2, 3]).and.to.deep.equal(fds((await nodeOut).toString()));
  });

  it('spawnWait (the setpriv probe): the exit status, minus the signal, SIGKILL past the time limit, ENOENT thrown', () => {
    const wait = fsx!.spawnWait!;
    expect(wait('/bin/sh', ['sh', '-c', 'exit 7'], 5000)).to.equal(7);
    expect(wait('/bin/sh', ['sh', '-c', 'kill -TERM $$'], 5000)).to.equal(-15);
    const t0 = Date.now();
    expect(wait('/bin/sleep', ['sleep', '30'], 300)).to.equal(-9);
    expect(Date.now() - t0).to.be.below(5000);
    expect(() => wait('/nonexistent/probe', ['probe'], 1000)).to.throw().with.property('code', 'ENOENT');
    // What the parent-death wrapper is probed with.
    expect(wait('/usr/bin/setpriv', ['setpriv', '--pdeathsig', 'KILL', '--', 'true'], 10_000)).to.equal(0);
  });

  it('a child of a process killed with SIGKILL dies with it (setpriv\'s parent-death signal, through posix_spawn)', async () => {
    const tracked = path.resolve(__dirname, '../../../src/process/tracked-child.js');
    const script = `const c = require(${JSON.stringify(tracked)}).spawnTracked('sleep', ['300'], { env: process.env }); console.log(c.pid, c.child.constructor.name); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [pidText, kind] = await new Promise<string[]>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(b.toString().trim().split(' '))));
    expect(kind).to.equal('PipesChild');
    const pid = Number(pidText);
    parent.kill('SIGKILL');
    const until = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < until) {
      await sleep(50);
      try { alive = !/^Z/.test(field(procStatus(pid), 'State')); } catch { alive = false; }
    }
    if (alive) process.kill(pid, 'SIGKILL');
    expect(alive, 'sleep outlived its SIGKILLed parent').to.equal(false);
  });
});

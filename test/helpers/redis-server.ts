import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tempDir } from './make-tree';

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One PING over a fresh socket; true when the server answers PONG. */
function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    const end = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(1000, () => end(false));
    s.once('error', () => end(false));
    s.on('data', (d) => { buf += d.toString(); if (buf.includes('+PONG') || buf.startsWith('-')) end(buf.includes('+PONG')); });
    s.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n');
  });
}

/**
 * A real redis-server for one test file: 127.0.0.1 on a free port, its own temp dir, AOF on (so a
 * restart on the same port keeps the jobs, as in production), no RDB snapshots, noeviction (an
 * evicted lock key would let a chunk run twice). Not daemonized: it is our child and stop() kills it.
 */
export class TestRedis {
  private child?: ChildProcess;
  readonly dir: string;
  port = 0;

  /** `bind`: addresses besides 127.0.0.1 (veth ends of test network namespaces); `password`: requirepass. */
  constructor(private readonly opts: { bind?: string[]; password?: string } = {}) {
    this.dir = tempDir('robocurse-redis-');
  }

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', ...(this.opts.bind ?? []), ...(this.opts.password ? ['--requirepass', this.opts.password] : []), '--dir', this.dir, '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--protected-mode', 'yes'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}: ${stderr}`);
      if (await ping(this.port, this.opts.password)) return this;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer PING on port ${this.port}: ${stderr}`);
  }

  /** SIGKILL (a crash, not a shutdown that could save) and wait for the exit. */
  async kill(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: connections stay open but nothing answers (a hung server, or packets dropped on the way). */
  freeze(): void { this.child?.kill('SIGSTOP'); }

  /** SIGCONT after freeze(). */
  thaw(): void { this.child?.kill('SIGCONT'); }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The AOF directory (for tests that look at what Redis persisted). */
  get aofDir(): string { return path.join(this.dir, 'appendonlydir'); }
}

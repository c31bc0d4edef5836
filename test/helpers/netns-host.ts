import { execFileSync } from 'node:child_process';

/**
 * A "host" for scale-out tests: a network namespace joined to the test's own namespace by a veth
 * pair (10.213.N.1 here, 10.213.N.2 inside), so a worker started in it reaches Redis only over
 * that link, and `partition()` cuts the link the way a failed switch port would (the worker's
 * Node process keeps running, unlike SIGSTOP). Needs root (CI runs as root); removed by remove().
 */
export class NetnsHost {
  readonly ns: string;
  readonly hostIf: string;
  readonly nsIf: string;
  readonly hostAddr: string;
  readonly nsAddr: string;

  constructor(readonly n: number) {
    const tag = `${process.pid % 10000}`;
    this.ns = `rc${tag}w${n}`;
    this.hostIf = `rc${tag}h${n}`;
    this.nsIf = `rc${tag}n${n}`;
    this.hostAddr = `10.213.${n}.1`;
    this.nsAddr = `10.213.${n}.2`;
  }

  create(): this {
    const ip = (...args: string[]): void => { execFileSync('ip', args, { stdio: 'pipe' }); };
    ip('netns', 'add', this.ns);
    ip('link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.nsIf);
    ip('link', 'set', this.nsIf, 'netns', this.ns);
    ip('addr', 'add', `${this.hostAddr}/30`, 'dev', this.hostIf);
    ip('link', 'set', this.hostIf, 'up');
    ip('netns', 'exec', this.ns, 'ip', 'addr', 'add', `${this.nsAddr}/30`, 'dev', this.nsIf);
    ip('netns', 'exec', this.ns, 'ip', 'link', 'set', this.nsIf, 'up');
    ip('netns', 'exec', this.ns, 'ip', 'link', 'set', 'lo', 'up');
    return this;
  }

  /** The argv prefix that runs a command inside this host's namespace. */
  exec(): string[] { return ['ip', 'netns', 'exec', this.ns]; }

  partition(): void { execFileSync('ip', ['link', 'set', this.hostIf, 'down'], { stdio: 'pipe' }); }

  heal(): void { execFileSync('ip', ['link', 'set', this.hostIf, 'up'], { stdio: 'pipe' }); }

  remove(): void {
    try { execFileSync('ip', ['link', 'del', this.hostIf], { stdio: 'pipe' }); } catch { /* gone with the namespace */ }
    try { execFileSync('ip', ['netns', 'del', this.ns], { stdio: 'pipe' }); } catch { /* never created */ }
  }
}

import * as path from 'node:path';
import { spawnTracked, type ChildExit, type TrackedChild } from '../../../src/process/tracked-child';

/** A compiled fixture script of test/fixtures/state, run with this Node, its stdout read by line. */
export class FixtureProcess {
  readonly tracked: TrackedChild;
  /** Complete stdout lines so far. */
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private stderr = '';

  constructor(script: string, args: string[], stdin = false) {
    const file = path.resolve(__dirname, '../../fixtures/state', `${script}.js`);
    this.tracked = spawnTracked(process.execPath, [file, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.tracked.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.tracked.child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    void this.tracked.exited.then(() => { for (const w of this.waiters.splice(0)) w(); });
  }

  get pid(): number { return this.tracked.pid!; }

  /** The first stdout line matching `test`; rejects when the process exits without one. */
  async line(test: (l: string) => boolean = () => true): Promise<string> {
    let exited = false;
    void this.tracked.exited.then(() => { exited = true; });
    for (;;) {
      const found = this.lines.find(test);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => { this.waiters.push(resolve); void this.tracked.exited.then(() => resolve()); });
      await new Promise((r) => setImmediate(r));
      if (exited && !this.lines.some(test)) throw new Error(`fixture ${this.pid} exited without the expected line; stderr: ${this.stderr}`);
    }
  }

  /** The first stdout line parsed as JSON. */
  async json<T>(): Promise<T> { return JSON.parse(await this.line((l) => l.startsWith('{'))) as T; }

  send(text: string): void { this.tracked.child.stdin!.write(text); }

  /** SIGKILL, no grace: what a crash or power cut does to the process. */
  async kill9(): Promise<ChildExit> {
    this.tracked.child.kill('SIGKILL');
    return this.tracked.exited;
  }
}

import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { guardOutput, type GuardedProcess } from '../../../src/cli/output-guard';

/** A stream stand-in: records what reached it; `fail` makes its next writes throw or emit. */
class FakeStream extends EventEmitter {
  written: string[] = [];
  calls = 0;
  throwing: Error | undefined;
  write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    this.calls++;
    if (this.throwing) throw this.throwing;
    this.written.push(String(chunk));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }
}

const systemError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: it failed, write`), { code, errno: -1, syscall: 'write' });

function fakeProcess(): GuardedProcess & { out: FakeStream; err: FakeStream; exit(): void } {
  const out = new FakeStream();
  const err = new FakeStream();
  const hooks: Array<() => void> = [];
  return {
    out, err,
    stdout: out as unknown as GuardedProcess['stdout'],
    stderr: err as unknown as GuardedProcess['stderr'],
    on: (_event: 'exit', listener: () => void) => hooks.push(listener),
    exit: () => { for (const h of hooks) h(); },
  };
}

describe('output guard (src/cli/output-guard.ts)', () => {
  it('a write that throws a system error (a full disk) drops the stream from then on, calls back, and says so on stderr at exit', async () => {
    const p = fakeProcess();
    guardOutput(p);
    p.stdout.write('first\n');
    p.out.throwing = systemError('ENOSPC');
    let called = 0;
    expect(() => p.stdout.write('second\n', () => { called++; })).to.not.throw();
    p.out.throwing = undefined;
    p.stdout.write('third\n', 'utf8', () => { called++; });
    await new Promise((r) => setImmediate(r));
    expect(called).to.equal(2);
    expect(p.out.written).to.deep.equal(['first\n']);
    expect(p.out.calls, 'nothing tried after the failure').to.equal(2);
    p.exit();
    expect(p.err.written).to.have.length(1);
    expect(p.err.written[0]).to.match(/^robocurse: stdout could not be written \(ENOSPC: it failed, write\); .*\n$/);
  });

  it('a reader that went away (EPIPE, EIO; thrown or emitted) is dropped without a word', () => {
    for (const code of ['EPIPE', 'EIO']) {
      const p = fakeProcess();
      guardOutput(p);
      p.out.throwing = systemError(code);
      p.stdout.write('x\n');
      p.stderr.emit('error', systemError(code));
      p.stderr.write('y\n');
      p.exit();
      expect([p.out.written, p.err.written], code).to.deep.equal([[], []]);
    }
  });

  it('an emitted system error drops the stream too; stderr broken as well: nothing is told', () => {
    const p = fakeProcess();
    guardOutput(p);
    p.stdout.emit('error', systemError('ENOSPC'));
    p.stdout.write('dropped\n');
    p.err.throwing = systemError('ENOSPC');
    p.stderr.write('dropped too\n');
    p.err.throwing = undefined;
    p.exit();
    expect([p.out.written, p.err.written]).to.deep.equal([[], []]);
  });

  it('an error that is not a system error (a bug) is thrown as before, from write and from the stream', () => {
    const p = fakeProcess();
    guardOutput(p);
    p.out.throwing = new TypeError('not a chunk');
    expect(() => p.stdout.write('x')).to.throw(TypeError);
    expect(() => p.stdout.emit('error', new TypeError('bug'))).to.throw(TypeError);
  });

  it('guards a process once, however often main() runs in it', () => {
    const p = fakeProcess();
    guardOutput(p);
    guardOutput(p);
    p.out.throwing = systemError('ENOSPC');
    p.stdout.write('x\n');
    p.exit();
    expect(p.err.written).to.have.length(1);
  });
});

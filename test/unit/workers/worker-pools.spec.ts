import { expect } from 'chai';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { TOKENS } from '../../../src/api';
import { createContainer } from '../../../src/di/container';
import { sharesFsThreads } from '../../../src/di/fs-threads';
import type { CopierRegistry } from '../../../src/engines/copier-registry';
import { PiscinaRsyncOutputParser } from '../../../src/engines/rsync/output-parser';
import { makeChunk, makeOptions } from '../../../src/testing';
import type { WorkerScanner } from '../../../src/scan';
import { poolFor, WorkerPool, WorkerPools, type PoolKind } from '../../../src/workers';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

const echoKind = (kind = 'echo', threads = 1): PoolKind => ({ kind, filename: path.join(__dirname, 'fixtures', 'echo-worker.js'), minThreads: 0, maxThreads: threads });

describe('worker pools (src/workers)', () => {
  it('a pool boots no thread until its first task, runs tasks on worker threads, and restarts after close', async () => {
    const pool = new WorkerPool(echoKind());
    try {
      expect(pool.started).to.equal(false);
      expect(pool.threadCount).to.equal(0);
      const r = await pool.run<{ value: number; threadId: number }>({ value: 7 });
      expect(r.value).to.equal(7);
      expect(r.threadId).to.not.equal(threadId);
      expect(pool.started).to.equal(true);
      expect(await pool.run<number>({ value: 21 }, { name: 'double' })).to.equal(42);
      await pool.close();
      expect(pool.started).to.equal(false);
      expect(pool.threadCount).to.equal(0);
      await pool.close(); // idempotent
      expect(await pool.run<number>({ value: 2 }, { name: 'double' })).to.equal(4);
    } finally {
      await pool.close();
    }
  });

  it('an error piscina reports outside any task (a cancelled task\'s late result, a thread dead while idle) is noted, not thrown at the process', async () => {
    const pool = new WorkerPool(echoKind());
    try {
      await pool.run({ value: 1 });
      // What piscina does in those cases: an 'error' event on the pool, which unheard ends the process.
      (pool as unknown as { parts: { piscina: NodeJS.EventEmitter }[] }).parts[0].piscina.emit('error', new Error('Unexpected message from Worker: { taskId: 7 }'));
      expect(String(pool.lastError)).to.contain('Unexpected message');
      expect((await pool.run<{ value: number }>({ value: 3 })).value, 'the pool still runs tasks').to.equal(3);
    } finally {
      await pool.close();
    }
  });

  it('a kind with startThreads boots those first and the rest on widen() (idempotent; before the first use it boots nothing), then spreads tasks over all; close starts over', async () => {
    const held: PoolKind = { ...echoKind('held', 3), minThreads: 3, startThreads: 1 };
    const pool = new WorkerPool(held);
    const threadsOf = async (n: number): Promise<Set<number>> =>
      new Set((await Promise.all(Array.from({ length: n }, (_, i) => pool.run<{ threadId: number }>({ value: i })))).map((r) => r.threadId));
    try {
      expect(pool.width, 'before the first task').to.equal(1);
      // Many tasks at once: piscina would boot more threads for those queued while the first boots.
      expect((await threadsOf(12)).size).to.equal(1);
      expect(pool.threadCount).to.equal(1);
      pool.widen();
      pool.widen();
      expect(pool.width).to.equal(3);
      expect(pool.threadCount).to.equal(3);
      const ids = new Set<number>();
      for (let round = 0; round < 20 && ids.size < 3; round++) for (const id of await threadsOf(12)) ids.add(id);
      expect(ids.size, 'tasks reach the widened threads').to.equal(3);
      expect(new Set(pool.threadIds)).to.deep.equal(ids);
      await pool.close();
      expect(pool.started).to.equal(false);
      expect(pool.width, 'a new first use starts narrow again').to.equal(1);
      expect((await threadsOf(4)).size).to.equal(1);
      await pool.close();
      // Widened before its first use: nothing boots then; the first use boots all of them.
      pool.widen();
      expect(pool.started).to.equal(false);
      expect(pool.width).to.equal(3);
      await pool.run({ value: 1 });
      expect(pool.threadCount).to.equal(3);
      // A kind without startThreads: widen() neither boots nor adds anything.
      const plain = new WorkerPool({ ...echoKind('plain', 2), minThreads: 2 });
      plain.widen();
      expect(plain.started).to.equal(false);
      expect(plain.width).to.equal(2);
      await plain.run({ value: 1 });
      expect(plain.threadCount).to.equal(2);
      await plain.close();
    } finally {
      await pool.close();
    }
  });

  it('one pool per kind; the first request of a kind sizes it; closeAll closes every started pool', async () => {
    const pools = new WorkerPools();
    try {
      const a = pools.pool(echoKind('a', 1));
      expect(pools.pool(echoKind('a', 4))).to.equal(a);
      expect(a.spec.maxThreads).to.equal(1);
      const b = pools.pool(echoKind('b'));
      expect(b).to.not.equal(a);
      expect(pools.startedKinds()).to.deep.equal([]);
      await b.run({ value: 1 });
      expect(pools.startedKinds()).to.deep.equal(['b']);
      await a.run({ value: 1 });
      expect(pools.startedKinds().sort()).to.deep.equal(['a', 'b']);
      await pools.closeAll();
      expect(pools.startedKinds()).to.deep.equal([]);
      expect(a.threadCount + b.threadCount).to.equal(0);
    } finally {
      await pools.closeAll();
    }
  });

  it('kinds told to share threads get one pool (sized by its own spec, marked shared); other kinds keep their own', async () => {
    const pools = new WorkerPools({ shareThreads: { kinds: ['a', 'b'], pool: echoKind('ab', 2) } });
    try {
      const a = pools.pool(echoKind('a', 1));
      expect(pools.pool(echoKind('b', 4))).to.equal(a);
      expect(a.shared).to.equal(true);
      expect(a.spec).to.include({ kind: 'ab', maxThreads: 2 });
      const c = pools.pool(echoKind('c'));
      expect(c).to.not.equal(a);
      expect(c.shared).to.equal(false);
      expect(await a.run<number>({ value: 4 }, { name: 'double' })).to.equal(8);
      expect(pools.startedKinds()).to.deep.equal(['ab']);
    } finally {
      await pools.closeAll();
    }
  });

  it('a run shares its scan\'s threads only where this process copies with the native engine; otherwise the scan keeps a pool of its own', async () => {
    expect(sharesFsThreads([{ engine: 'native' }], undefined)).to.equal(true);
    expect(sharesFsThreads([{ engine: 'rsync' }, { engine: 'native' }], undefined)).to.equal(true);
    expect(sharesFsThreads([{ engine: 'rsync' }, { engine: 'robocopy' }], undefined), 'no native copy').to.equal(false);
    expect(sharesFsThreads([{ engine: 'native' }], 'redis://127.0.0.1:6379'), 'a coordinator: its workers copy').to.equal(false);
    const c = createContainer(undefined, { shareFsThreads: false });
    const pools = c.resolve<WorkerPools>(TOKENS.WorkerPools);
    const scanPool = pools.pool({ kind: 'scan', filename: 'unused', minThreads: 1, maxThreads: 1 });
    expect(scanPool.shared).to.equal(false);
    expect(scanPool.spec.kind).to.equal('scan');
    expect(pools.pool({ kind: 'native-copy', filename: 'unused', minThreads: 1, maxThreads: 1 })).to.not.equal(scanPool);
    await pools.closeAll();
  });

  it('poolFor takes the shared pool when there are pools, else makes one of the caller\'s own', () => {
    const pools = new WorkerPools();
    expect(poolFor(pools, echoKind('x'))).to.equal(pools.pool(echoKind('x')));
    const own = poolFor(undefined, echoKind('x'));
    expect(own).to.not.equal(pools.pool(echoKind('x')));
    expect(own.started).to.equal(false);
  });

  it('the composition root injects one set of pools: the scanner and an engine use it, and only what ran has threads', async () => {
    const dir = tempDir();
    const c = createContainer();
    const pools = c.resolve<WorkerPools>(TOKENS.WorkerPools);
    expect(c.resolve(TOKENS.WorkerPools)).to.equal(pools);
    const scanner = c.resolve<WorkerScanner>(TOKENS.Scanner);
    try {
      // More entries than the scanner's first task (run on the calling thread) takes: the rest goes to threads.
      makeTree(dir, Object.fromEntries(Array.from({ length: 6 }, (_, d) => [`d${d}`, Object.fromEntries(Array.from({ length: 60 }, (_, f) => [`f${f}.txt`, 'x']))])));
      // Resolving everything, engines included, starts no thread (start-up time of every command).
      c.resolve(TOKENS.CopierRegistry);
      expect(pools.startedKinds()).to.deep.equal([]);
      const tree = await scanner.scan(dir, { excludes: { excludeFiles: [], excludeDirs: [], caseInsensitive: false } });
      expect(tree.rootNode.totalFiles).to.equal(360);
      // The scan runs on the run's file-system threads (di/fs-threads.ts), which the copy shares.
      expect(pools.startedKinds()).to.deep.equal(['fs']);
      const fsPool = pools.pool({ kind: 'scan', filename: 'unused', minThreads: 1, maxThreads: 1 });
      const scanThreads = fsPool.threadCount;
      expect(scanThreads).to.be.at.least(2);
      const parser = new PiscinaRsyncOutputParser({ pools });
      // A clean job's output is parsed on the calling thread; one with errors on the parser's thread.
      await parser.parse({ stdout: '', stderr: '' });
      expect(pools.startedKinds()).to.deep.equal(['fs']);
      await parser.parse({ stdout: '', stderr: `rsync: [sender] send_files failed to open "${path.join(dir, 'gone')}": No such file or directory (2)\n` });
      expect(pools.startedKinds().sort()).to.deep.equal(['fs', 'rsync-parse']);
      // The native engine the registry made copies its small files on the scan's threads: none booted for it.
      const native = c.resolve<CopierRegistry>(TOKENS.CopierRegistry).get('native');
      makeTree(path.join(dir, 'many'), Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, `file ${i}`])));
      const r = await native.start(makeChunk(path.join(dir, 'many'), path.join(dir, 'copy')), makeOptions()).done;
      expect(r.exitMeaning.severity, r.exitMeaning.message).to.equal('Success');
      expect(r.stats.filesCopied).to.equal(20);
      expect(pools.startedKinds().sort()).to.deep.equal(['fs', 'rsync-parse']);
      expect(fsPool.threadCount).to.equal(scanThreads);
      await pools.closeAll();
      expect(pools.startedKinds()).to.deep.equal([]);
    } finally {
      await pools.closeAll();
      removeTemp(dir);
    }
  });
});

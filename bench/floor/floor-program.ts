/**
 * The floors' scheme for sharing a tree among worker threads (walk-floor.ts, mirror-floor.ts),
 * the scan's own: the main thread keeps the queue of directories not walked yet, two tasks per
 * thread are in flight, and what is queued is shared among the free slots.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** What a thread's task returns: the subdirectories it found, and counts to add up. */
export interface DirTaskResult { subdirs: string[] }

/** Walks from the root ('') until no directory is left; returns the counts summed with `dirs`, the directories handed out. */
export function shareDirs(workers: readonly Worker[]): Promise<Record<string, number>> {
  const queue: string[] = [''];
  const totals: Record<string, number> = { dirs: 0 };
  let inFlight = 0;
  return new Promise((resolve, reject) => {
    const slots = workers.length * 2;
    const load = new Map(workers.map((w) => [w, 0]));
    const pump = (): void => {
      while (queue.length > 0 && inFlight < slots) {
        const n = Math.max(1, Math.ceil(queue.length / (slots - inFlight)));
        const dirs = queue.splice(0, n);
        totals.dirs += dirs.length;
        const w = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
        load.set(w, load.get(w)! + 1);
        inFlight++;
        w.postMessage({ dirs });
      }
      if (queue.length === 0 && inFlight === 0) resolve(totals);
    };
    for (const w of workers) {
      w.on('error', reject);
      w.on('message', (r: DirTaskResult) => {
        inFlight--;
        load.set(w, load.get(w)! - 1);
        for (const [k, v] of Object.entries(r) as Array<[string, unknown]>) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
        for (const d of r.subdirs) queue.push(d);
        pump();
      });
    }
    pump();
  });
}

/** The two trees a floor works on. */
export interface Roots { source: string; copy: string }

/**
 * A floor's whole program, in the main thread and in each worker (the same file): the workers
 * run `perDir` on each directory of a task, counting into a fresh `counts()`; the main thread
 * boots as many threads as a robocurse run (max(2, CPUs)), shares the tree and prints the totals
 * as one JSON line.
 */
export function floorProgram<R extends DirTaskResult>(name: string, file: string, perDir: (roots: Roots, rel: string, out: R) => void, counts: () => Omit<R, 'subdirs'>): void {
  if (!isMainThread) {
    const roots = workerData as Roots;
    parentPort!.on('message', (task: { dirs: string[] }) => {
      const out = { subdirs: [], ...counts() } as unknown as R;
      for (const rel of task.dirs) perDir(roots, rel, out);
      parentPort!.postMessage(out);
    });
    return;
  }
  const main = async (): Promise<void> => {
    const [source, copy] = process.argv.slice(2);
    if (!source || !copy) throw new Error(`usage: ${name}.js SOURCE COPY`);
    const roots: Roots = { source: path.resolve(source), copy: path.resolve(copy) };
    const threads = Math.max(2, os.availableParallelism());
    const workers = Array.from({ length: threads }, () => new Worker(file, { workerData: roots }));
    const totals = await shareDirs(workers);
    await Promise.all(workers.map((w) => w.terminate()));
    process.stdout.write(`${JSON.stringify(totals)}\n`);
  };
  main().catch((e: unknown) => { process.stderr.write(`${name}: ${(e as Error).message}\n`); process.exit(1); });
}

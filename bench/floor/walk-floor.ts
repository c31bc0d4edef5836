/**
 * The floor of an unchanged re-run for any Node.js tool on this machine (issue #17): a bare
 * `node` process that boots as many worker threads as robocurse's run does (max(2, CPUs)) and
 * makes the same system calls on both trees as its scan (the native helper's readdir + fstatat of
 * every entry of the source and of the copy), comparing each file's size and mtime, with
 * directories shared among the threads through the main thread. Nothing else: no config, no
 * state database, no plan, no digests, no log. A run of robocurse cannot be faster than this;
 * `rsync -a` beside it says what a single C process pays for the same answer.
 *
 *   node dist/bench/floor/walk-floor.js SOURCE COPY    (prints one JSON line: dirs, files, differing)
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { F, LIST_FIELDS, listStat, type StatListing } from '../../src/fs/list-stat';

interface Task { dirs: string[] }
interface Result { subdirs: string[]; files: number; differing: number }
interface Roots { source: string; copy: string }

/** Lists `rel` in both trees; the subdirectories of the source, files counted and compared. */
function walkOne(roots: Roots, rel: string, out: Result): void {
  const src = listStat(rel === '' ? roots.source : path.join(roots.source, rel));
  let dst: StatListing | undefined;
  try { dst = listStat(rel === '' ? roots.copy : path.join(roots.copy, rel)); } catch { dst = undefined; }
  const inCopy = new Map<string, number>();
  if (dst) dst.names.forEach((n, i) => inCopy.set(n, i));
  for (let i = 0; i < src.names.length; i++) {
    const t = src.types[i];
    if (t === 'd') { out.subdirs.push(rel === '' ? src.names[i] : `${rel}/${src.names[i]}`); continue; }
    if (t !== 'f') continue;
    out.files++;
    const j = inCopy.get(src.names[i]);
    const o = i * LIST_FIELDS;
    const p = j === undefined ? -1 : j * LIST_FIELDS;
    if (p < 0 || dst!.stats[p + F.size] !== src.stats[o + F.size] || dst!.stats[p + F.mtimeMs] !== src.stats[o + F.mtimeMs]) out.differing++;
  }
}

function workerMain(): void {
  const roots = workerData as Roots;
  parentPort!.on('message', (task: Task) => {
    const out: Result = { subdirs: [], files: 0, differing: 0 };
    for (const rel of task.dirs) walkOne(roots, rel, out);
    parentPort!.postMessage(out);
  });
}

async function main(): Promise<void> {
  const [source, copy] = process.argv.slice(2);
  if (!source || !copy) throw new Error('usage: walk-floor.js SOURCE COPY');
  const roots: Roots = { source: path.resolve(source), copy: path.resolve(copy) };
  const threads = Math.max(2, os.availableParallelism());
  const workers = Array.from({ length: threads }, () => new Worker(__filename, { workerData: roots }));
  const queue: string[] = [''];
  const totals = { dirs: 0, files: 0, differing: 0 };
  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    // Two tasks per thread in flight, the queue shared among the free slots: the scan's scheme.
    const slots = threads * 2;
    const load = new Map(workers.map((w) => [w, 0]));
    const pump = (): void => {
      while (queue.length > 0 && inFlight < slots) {
        const n = Math.max(1, Math.ceil(queue.length / (slots - inFlight)));
        const dirs = queue.splice(0, n);
        totals.dirs += dirs.length;
        const w = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
        load.set(w, load.get(w)! + 1);
        inFlight++;
        w.postMessage({ dirs } satisfies Task);
      }
      if (queue.length === 0 && inFlight === 0) resolve();
    };
    for (const w of workers) {
      w.on('error', reject);
      w.on('message', (r: Result) => {
        inFlight--;
        load.set(w, load.get(w)! - 1);
        totals.files += r.files;
        totals.differing += r.differing;
        for (const d of r.subdirs) queue.push(d);
        pump();
      });
    }
    pump();
  });
  await Promise.all(workers.map((w) => w.terminate()));
  process.stdout.write(`${JSON.stringify(totals)}\n`);
}

if (isMainThread) {
  main().catch((e: unknown) => { process.stderr.write(`walk-floor: ${(e as Error).message}\n`); process.exit(1); });
} else {
  workerMain();
}

/**
 * Engine output with very long lines (issue #14, item 8): line splitting must be linear in the
 * input and every line consumer must be linear in its (bounded) line. Prints one row per case:
 *   node dist/bench/long-lines-bench.js
 * Case 1 pushes one 20 MiB line (no line break) through each splitter in 64 KiB reads, as a
 * pipe delivers it. Case 2 feeds each line parser lines of MAX_LINE_CHARS built from the
 * characters its patterns repeat (tabs, spaces, digits, ...), which is where a regex with
 * overlapping quantifiers turns quadratic.
 */
import { performance } from 'node:perf_hooks';
import { MAX_LINE_CHARS } from '../src/engines/bounded-lines';
import { RobocopyLogLineParser } from '../src/engines/robocopy/log/line-parser';
import { parseRobocopyLogBuffer } from '../src/engines/robocopy/log/parse-log';
import { RobocopyStdoutProgress } from '../src/engines/robocopy/stdout-progress';
import { LineSplitter } from '../src/engines/rsync/line-splitter';
import { ProgressTracker } from '../src/engines/rsync/progress-parser';
import { parseRsyncOutput } from '../src/engines/rsync/report';

function time(label: string, f: () => void | Promise<void>): Promise<void> {
  const t0 = performance.now();
  const rss0 = process.memoryUsage().rss;
  return Promise.resolve(f()).then(() => {
    const ms = performance.now() - t0;
    const rss = (process.memoryUsage().rss - rss0) / 2 ** 20;
    console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(9)} ms   rss +${rss.toFixed(0)} MiB`);
  });
}

async function main(): Promise<void> {
  const MiB20 = 20 * 2 ** 20;
  const block = Buffer.alloc(64 * 1024, 'a');
  await time('rsync LineSplitter: one 20 MiB line', () => {
    let n = 0;
    const s = new LineSplitter(() => { n++; });
    for (let i = 0; i < MiB20 / block.length; i++) s.push(block);
    s.end();
    if (n !== 1 || s.truncatedLines !== 1) throw new Error('expected one truncated line');
  });
  await time('robocopy console: one 20 MiB line', () => {
    const p = new RobocopyStdoutProgress(() => undefined);
    for (let i = 0; i < MiB20 / block.length; i++) p.write(block);
    p.end();
  });
  await time('robocopy log parse: one 20 MiB line', async () => {
    const log = await parseRobocopyLogBuffer(Buffer.alloc(MiB20, 'a'));
    if (!log.warnings.some((w) => w.includes('cut short'))) throw new Error('expected a truncation warning');
  });

  const alphabets: Record<string, string> = {
    tabs: '\t', spaces: ' ', digits: '1', 'tab+digit': '\t1', 'space+digit': ' 1', 'a 1 ': 'a 1 ', colons: ':', dots: '.',
    percent: '1%', slashes: '/', 'rsync item': '>f+++++++++ ', 'date-ish': '2024/01/01 ', hex: '(0x',
  };
  const consumers: Record<string, (l: string) => void> = {
    'robocopy console': (l) => { new RobocopyStdoutProgress(() => undefined).write(Buffer.from(`${l}\n`)); },
    'robocopy log': (l) => { const q = new RobocopyLogLineParser(); q.feed(l); q.finish(); },
    'rsync stdout': (l) => { new ProgressTracker().feed(l); },
    'rsync report': (l) => { parseRsyncOutput({ stdout: l, stderr: l }); },
  };
  // Best of 3 at a quarter and at the full bound: linear work grows ~4x, quadratic ~16x.
  const best = (f: () => void): number => Math.min(...[0, 1, 2].map(() => { const t = performance.now(); f(); return performance.now() - t; }));
  let worst = 0;
  for (const [name, unit] of Object.entries(alphabets)) {
    for (const prefix of ['', '\t', '\t\t', '2024/01/01 10:00:00 ']) {
      for (const [who, feed] of Object.entries(consumers)) {
        const line = (n: number): string => (prefix + unit.repeat(Math.ceil(n / unit.length))).slice(0, n);
        const small = best(() => feed(line(MAX_LINE_CHARS / 4)));
        const full = best(() => feed(line(MAX_LINE_CHARS)));
        const ratio = full / Math.max(small, 0.05);
        worst = Math.max(worst, full);
        if (ratio > 8 && full > 5) console.log(`SUPERLINEAR? ${who}: ${name}${prefix ? ` after ${JSON.stringify(prefix)}` : ''}: ${small.toFixed(2)} ms -> ${full.toFixed(2)} ms`);
      }
    }
  }
  console.log(`longest single line (${MAX_LINE_CHARS} chars) through any line consumer: ${worst.toFixed(1)} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });

/**
 * Robocopy log parser throughput in one piscina worker, on a ~200 MB UTF-16LE log (generated
 * once under bench/.work/, gitignored): file lines with progress redraws, ERROR blocks with
 * retries, and several appended jobs, like a /UNILOG+ log of a long run.
 *   node dist/bench/robocopy-parse-bench.js [--mb 200] [--reps 3]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RobocopyLogParserPool } from '../src/engines/robocopy';

const WORK = path.resolve(__dirname, '..', '..', 'bench', '.work');

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const D79 = '-'.repeat(79);
const D78 = '-'.repeat(78);

function header(job: number): string {
  return `\r\n${D79}\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n${D79}\r\n\r\n  Started : Tuesday, March 5, 2024 10:00:${String(job % 60).padStart(2, '0')} AM\r\n`
    + `   Source : D:\\Data\\Job${job}\\\r\n     Dest : \\\\nas01\\backup\\Job${job}\\\r\n\r\n    Files : *.*\r\n\r\n  Options : *.* /E /R:3 /W:10 /BYTES /FP /NDL /TEE\r\n\r\n${D78}\r\n\r\n`;
}

function summary(files: number, bytes: number): string {
  const col = (n: number) => ` ${String(n).padStart(9)}`;
  return `\r\n${D78}\r\n\r\n               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n`
    + `    Dirs :${col(10)}${col(10)}${col(0)}${col(0)}${col(0)}${col(0)}\r\n`
    + `   Files :${col(files)}${col(files - 1)}${col(0)}${col(0)}${col(1)}${col(0)}\r\n`
    + `   Bytes :${col(bytes)}${col(bytes - 4096)}${col(0)}${col(0)}${col(4096)}${col(0)}\r\n`
    + '   Times :   0:10:00   0:09:00                       0:00:30   0:00:30\r\n\r\n\r\n'
    + '   Speed :            36118000 Bytes/sec.\r\n   Speed :            2066.688 MegaBytes/min.\r\n   Ended : Tuesday, March 5, 2024 10:10:00 AM\r\n';
}

/** Writes the log in 4 MB pieces so generating it never holds it in memory either. */
function generate(file: string, targetBytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, Buffer.from([0xff, 0xfe]));
  let written = 2; let job = 0;
  while (written < targetBytes) {
    job++;
    let text = header(job); let files = 0; let bytes = 0;
    for (let i = 0; i < 40_000; i++) {
      const size = (i * 7919) % 5_000_000;
      files++; bytes += size;
      text += `\t    New File  \t\t${String(size).padStart(8)}\tD:\\Data\\Job${job}\\dir${i % 97}\\sub ${i % 13}\\file-${i}.bin\r  0%  \r 50%  \r100%  \r\n`;
      if (i % 5000 === 4999) {
        text += `2024/03/05 10:0${i % 10}:00 ERROR 32 (0x00000020) Copying File D:\\Data\\Job${job}\\locked-${i}.db\r\n`
          + 'The process cannot access the file because it is being used by another process.\r\nWaiting 10 seconds... Retrying...\r\n';
      }
      if (text.length > 2_000_000) { written += fs.writeSync(fd, Buffer.from(text, 'utf16le')); text = ''; }
    }
    text += summary(files, bytes);
    written += fs.writeSync(fd, Buffer.from(text, 'utf16le'));
  }
  fs.closeSync(fd);
}

async function main(): Promise<void> {
  const mb = arg('--mb', 200); const reps = arg('--reps', 3);
  fs.mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, `robocopy-${mb}mb-utf16le.log`);
  if (!fs.existsSync(file) || fs.statSync(file).size < mb * 1e6) {
    process.stdout.write(`generating ${file} ...\n`);
    generate(file, mb * 1e6);
  }
  const size = fs.statSync(file).size;
  const pool = new RobocopyLogParserPool({ maxThreads: 1 });
  try {
    await pool.parse(file); // warm-up: worker start, JIT
    const times: number[] = [];
    let jobs = 0; let errors = 0; let parsed = false;
    for (let i = 0; i < reps; i++) {
      const t0 = process.hrtime.bigint();
      const r = await pool.parse(file);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      jobs = r.jobs.length; errors = r.errors.length; parsed = r.parsed;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const mbs = size / 1e6 / (median / 1000);
    process.stdout.write(`robocopy log parse (1 piscina worker): ${(size / 1e6).toFixed(1)} MB UTF-16LE, ${jobs} jobs, ${errors} errors, parsed=${parsed}\n`);
    process.stdout.write(`  median ${median.toFixed(0)} ms over ${reps} runs → ${mbs.toFixed(1)} MB/s (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms)\n`);
    process.stdout.write(`  main-thread RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (the log is streamed, never held whole)\n`);
  } finally {
    await pool.close();
  }
}

void main().catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exitCode = 1; });

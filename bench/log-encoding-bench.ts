/**
 * Code-page detection accuracy of robocopy logs: every fixture (real and synthetic) and the
 * synthetic matrix of test/helpers/robocopy-log-samples.ts, each detected from its bytes alone.
 * A detection counts as right when the chosen page decodes the log to exactly its text (pages
 * that agree on every byte of a log are equally right). Prints a table and the totals.
 *   node dist/bench/log-encoding-bench.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { detectLogEncoding } from '../src/engines/robocopy/log/encoding';
import { packageRoot } from '../src/paths';
import { sampleLogs } from '../test/helpers/robocopy-log-samples';

const HEAD = 64 * 1024;

function detect(bytes: Buffer): string {
  const head = bytes.subarray(0, HEAD);
  const others = bytes.length > HEAD ? [bytes.subarray(Math.max(HEAD, bytes.length - HEAD))] : [];
  return detectLogEncoding(head, others).encoding;
}

/** The shared real logs in an OEM page (their sidecars name it); the others there are UTF-16 or ASCII. */
const SHARED_PAGES: Record<string, number> = { 'CjFlash1_FujiMir_robocopy_log.log': 866 };

/** Fixture files whose name says their page ("...-cp932...", "...cp850.log"), and the shared ones. */
function fixtures(): { name: string; page: number; bytes: Buffer }[] {
  const dirs = [path.join(packageRoot(), 'test', 'fixtures', 'robocopy-logs-real'), path.join(packageRoot(), 'test', 'fixtures', 'robocopy-logs-synthetic')];
  const shared = path.join(packageRoot(), '..', 'shared', 'fixtures', 'robocopy-logs');
  const out: { name: string; page: number; bytes: Buffer }[] = Object.entries(SHARED_PAGES)
    .filter(([f]) => fs.existsSync(path.join(shared, f)))
    .map(([f, page]) => ({ name: f, page, bytes: fs.readFileSync(path.join(shared, f)) }));
  for (const d of dirs) {
    for (const f of fs.readdirSync(d).filter((x) => x.endsWith('.log'))) {
      const m = /cp(\d{3,4})/.exec(f);
      if (m) out.push({ name: f, page: Number(m[1]), bytes: fs.readFileSync(path.join(d, f)) });
    }
  }
  return out;
}

function main(): void {
  const rows: { name: string; page: number; got: string; ok: boolean }[] = [];
  let detectNs = 0n;
  for (const c of [...fixtures(), ...sampleLogs()]) {
    const t0 = process.hrtime.bigint();
    const got = detect(c.bytes);
    detectNs += process.hrtime.bigint() - t0;
    const ok = got === `cp${c.page}` || iconv.decode(c.bytes, got) === iconv.decode(c.bytes, `cp${c.page}`);
    rows.push({ name: c.name, page: c.page, got, ok });
  }
  for (const r of rows) process.stdout.write(`${r.ok ? 'ok   ' : 'WRONG'} ${r.name.padEnd(48)} cp${r.page} -> ${r.got}\n`);
  const right = rows.filter((r) => r.ok).length;
  process.stdout.write(`\n${right}/${rows.length} right (${((100 * right) / rows.length).toFixed(1)} %)\n`);
  process.stdout.write(`detection: ${(Number(detectNs) / 1e6 / rows.length).toFixed(1)} ms per log on average (these logs are small)\n`);
  largeLogs();
}

/** A large log (the long samples repeated to 1 MB), sampled as parse-log.ts samples a file. */
function largeLogs(): void {
  for (const name of ['ja-cp932-long', 'de-cp850-long', 'ru-cp866-long']) {
    const s = sampleLogs().find((x) => x.name === name)!;
    const parts: Buffer[] = [];
    for (let n = 0; n < 1 << 20; n += s.bytes.length) parts.push(s.bytes);
    const big = Buffer.concat(parts);
    const windows = [1, 2, 3, 4, 5, 6].map((i) => big.subarray(HEAD + i * 100_000, HEAD + i * 100_000 + 16 * 1024));
    const t0 = process.hrtime.bigint();
    const got = detectLogEncoding(big.subarray(0, HEAD), [...windows, big.subarray(big.length - HEAD)]).encoding;
    process.stdout.write(`large ${name} (${big.length} B): ${got} in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms\n`);
  }
}

main();

/**
 * The dashboard's first screen on a state database of 100,000 chunks (issue #19: ≤ 1 s):
 *   npm run build && node dist/bench/dashboard-bench.js [--chunks N] [--reps N] [--no-browser]
 * Times the requests a tab makes to draw its first screen (health, sessions, snapshot, first
 * chunk page, errors) over a real socket, each separately and all together as the page sends
 * them (in parallel); then, with Debian's chromium, from navigation to the first chunk row.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DashboardData } from '../src/dashboard/dashboard-data';
import { createDashboardServer } from '../src/dashboard/server';
import { bigState } from '../test/helpers/big-state';
import { fmtMs, median, timeAsync } from './lib/timing';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function main(): Promise<void> {
  const n = flag('--chunks', 100_000);
  const reps = flag('--reps', 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-dashboard-bench-'));
  try {
    const t0 = process.hrtime.bigint();
    const big = bigState(dir, n);
    console.log(`state database with ${n} chunks built in ${fmtMs(Number(process.hrtime.bigint() - t0) / 1e6)}`);
    const server = createDashboardServer({ data: new DashboardData(big.store, undefined), host: '127.0.0.1', port: 0, version: 'bench' });
    const url = new URL(await server.listen());
    const token = url.hash.slice(3);
    const get = async (p: string) => {
      const r = await fetch(new URL(p, url.origin), { headers: { authorization: `Bearer ${token}` } });
      if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
      await r.arrayBuffer();
    };
    const s = big.sessionId;
    const screen = ['/api/v1/health', '/api/v1/runs?limit=30', `/api/v1/runs/${s}`, `/api/v1/runs/${s}/chunks?sort=status&dir=asc&offset=0&limit=25`, `/api/v1/runs/${s}/errors`];
    for (const p of [...screen, `/api/v1/runs/${s}/chunks?sort=size&dir=desc&offset=50000&limit=25&profileRunId=${big.profileRunId}`]) {
      const times: number[] = [];
      for (let i = 0; i < reps; i++) times.push(await timeAsync(() => get(p)));
      console.log(`${fmtMs(median(times)).padStart(10)}  ${p.replace(s, '<session>')}`);
    }
    const all: number[] = [];
    for (let i = 0; i < reps; i++) all.push(await timeAsync(() => Promise.all(screen.map(get))));
    console.log(`${fmtMs(median(all)).padStart(10)}  first screen, all requests in parallel (median of ${reps})`);
    if (!process.argv.includes('--no-browser') && fs.existsSync('/usr/bin/chromium')) {
      const { chromium } = await import('playwright-core');
      const ctx = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
        executablePath: '/usr/bin/chromium', headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await ctx.newPage();
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        await page.goto('about:blank');
        times.push(await timeAsync(async () => {
          await page.goto(url.href);
          await page.locator('tr[data-chunk-id]').first().waitFor();
        }));
      }
      await ctx.close();
      console.log(`${fmtMs(median(times)).padStart(10)}  chromium: navigation to the first chunk row (median of ${reps})`);
    }
    await server.close();
    big.store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });

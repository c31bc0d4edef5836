import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DashboardData } from '../../../src/dashboard/dashboard-data';
import { createDashboardServer, type DashboardServer } from '../../../src/dashboard/server';
import { packageRoot } from '../../../src/paths';
import { createScanner, type WorkerScanner } from '../../../src/scan';
import { StateStore } from '../../../src/state';
import { HOSTILE_NAME, startDashboardScenario, type DashboardScenario } from '../../helpers/dashboard-scenario';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/** Debian's chromium, never a downloaded browser (.ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const OUTPUT = path.join(packageRoot(), 'test-output');

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ariaNow = async (page: Page, name: string): Promise<number> =>
  Number(await page.getByRole('progressbar', { name, exact: true }).getAttribute('aria-valuenow'));

async function feedSeqs(page: Page): Promise<number[]> {
  return page.locator('ol.feed li[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
}

describe('dashboard in a real Chromium (playwright-core, Debian chromium)', function () {
  this.timeout(240_000);
  let dir: string;
  let scanner: WorkerScanner;
  let context: BrowserContext;
  let scenario: DashboardScenario | undefined;
  let readOnly: { server: DashboardServer; store: StateStore } | undefined;

  before(async () => {
    expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`).to.equal(true);
    fs.mkdirSync(OUTPUT, { recursive: true });
    dir = tempDir();
    scanner = createScanner({ threads: 1 });
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1440, height: 1000 },
    });
  });
  after(async () => {
    await context?.close();
    await readOnly?.server.close();
    readOnly?.store.close();
    await scenario?.close();
    await scanner?.close();
    removeTemp(dir);
  });

  it('watches and steers a simulated run of 3 profiles and 40 chunks from the page', async () => {
    scenario = await startDashboardScenario(dir, scanner);
    const s = scenario;
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The cut stream shows up as a network error in the console; anything else is a defect.
    page.on('console', (m) => { if (m.type() === 'error' && !/ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONNECTION_REFUSED/.test(m.text())) pageErrors.push(m.text()); });
    // Waits are for a page driven by a real run on a machine that may be busy with other tests.
    page.setDefaultTimeout(90_000);
    await page.goto(s.url);

    // The token leaves the address bar (and history) and lives in this tab's sessionStorage.
    await until(() => !page.url().includes('#t='), 'the token to leave the address bar');
    expect(page.url()).not.to.contain(s.server.token);
    expect(await page.evaluate('Object.values(sessionStorage)')).to.include(s.server.token);

    // Copying alpha, slowly (1 Mbit/s): the overall bar's aria value rises.
    await page.getByTestId('phase').filter({ hasText: 'Copying' }).waitFor();
    await until(async () => (await ariaNow(page, 'Overall progress')) > 0, 'progress above 0');
    const first = await ariaNow(page, 'Overall progress');
    await until(async () => (await ariaNow(page, 'Overall progress')) > first, 'the overall progress to rise');
    await page.locator('.error-chip').filter({ hasText: '2 problems' }).waitFor();
    expect(await page.getByRole('table').filter({ has: page.locator('[data-chunk-id]') }).count()).to.equal(1);

    // Pause from the page: the run holds, the header and the feed say so.
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByTestId('phase').filter({ hasText: 'Paused' }).waitFor();
    await page.locator('ol.feed li .type', { hasText: /^Paused$/ }).first().waitFor();
    expect(s.orch.state.pauseRequested).to.equal(true);

    // Retry a failed chunk from its row (queued first in line; it runs when a slot frees).
    await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'Failed' }).click();
    await until(async () => (await page.locator('tr[data-chunk-id][data-status="Failed"]').count()) === 2, 'the 2 failed rows');
    const f1 = page.locator('tr[data-chunk-id]', { hasText: 'f1' });
    const f1Id = await f1.getAttribute('data-chunk-id');
    await f1.getByRole('button', { name: 'Retry chunk f1' }).click();
    await until(() => s.events.some((e) => e.type === 'CommandApplied' && e.data.command === 'retry-chunk' && e.data.chunkId === f1Id), 'the retry to be applied');

    // Resume from the page.
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByTestId('phase').filter({ hasText: 'Copying' }).waitFor();
    await page.locator('ol.feed li .type', { hasText: /^Resumed$/ }).first().waitFor();
    expect(s.orch.state.pauseRequested).to.equal(false);

    // Cut every stream; while the tab reconnects, a command produces an event it must get once.
    const before = Number(await page.getByTestId('connection').getAttribute('data-reconnects'));
    s.server.disconnectStreams();
    await page.locator('#jobs').fill('2');
    await page.locator('form', { has: page.locator('#jobs') }).getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('concurrency-now').filter({ hasText: 'now 2' }).waitFor();
    await until(async () => Number(await page.getByTestId('connection').getAttribute('data-reconnects')) > before, 'a reconnect');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.locator('ol.feed li .what', { hasText: 'Command set-concurrency 2' }).waitFor();
    const seqs = await feedSeqs(page);
    expect(new Set(seqs).size, `feed rows ${seqs.join(',')}`).to.equal(seqs.length);
    expect(await page.locator('ol.feed li .what', { hasText: 'Command set-concurrency 2' }).count()).to.equal(1);
    await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'All' }).click();
    // alpha's 14 chunks so far (beta and gamma are not scanned yet): one page, each row once.
    await page.getByTestId('chunk-total').filter({ hasText: '14 chunks' }).waitFor();
    await until(async () => (await page.locator('tr[data-chunk-id]').count()) === 14, 'the 14 rows of alpha');
    const rowIds = await page.locator('tr[data-chunk-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chunk-id')));
    expect(new Set(rowIds).size).to.equal(rowIds.length);
    expect(pageErrors).to.deep.equal([]);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-running.png'), fullPage: true });

    // A read-only dashboard in another "process" (its own read-only connection to the state
    // database) shows the same run, live, with no controls at all.
    const roStore = StateStore.open(s.stateDir, { readonly: true });
    const roServer = createDashboardServer({ data: new DashboardData(roStore, undefined), host: '127.0.0.1', port: 0, version: 'test' });
    readOnly = { server: roServer, store: roStore };
    const roPage = await context.newPage();
    await roPage.goto(await roServer.listen());
    await roPage.getByTestId('read-only').waitFor();
    await roPage.getByTestId('phase').filter({ hasText: 'Copying' }).waitFor();
    await until(async () => (await ariaNow(roPage, 'Overall progress')) > 0, 'read-only progress');
    await until(async () => (await roPage.locator('tr[data-chunk-id]').count()) > 0, 'read-only chunk rows');
    for (const name of ['Pause', 'Suspend', 'Resume', 'Drain', 'Stop…', 'Apply']) expect(await roPage.getByRole('button', { name, exact: true }).count(), name).to.equal(0);
    expect(await roPage.getByRole('button', { name: /^(Retry|Skip) chunk/ }).count()).to.equal(0);
    expect(await roPage.locator('input#jobs, input#bw').count()).to.equal(0);
    await roPage.screenshot({ path: path.join(OUTPUT, 'dashboard-read-only.png'), fullPage: true });
    await roPage.close();

    // Lift the bandwidth limit: alpha finishes; from then on never more than 2 chunks run.
    await page.locator('#bw').fill('0');
    await page.locator('form', { has: page.locator('#bw') }).getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('bandwidth-now').filter({ hasText: 'unlimited' }).waitFor();
    await until(() => s.orch.state.activeJobs.size <= 2, 'the active chunks to fall to 2');
    let maxActive = 0;
    const sampler = setInterval(() => { maxActive = Math.max(maxActive, s.orch.state.activeJobs.size); }, 5);

    // The retried chunk got a new attempt (and failed again, as scripted).
    await until(() => s.events.some((e) => e.type === 'ChunkStart' && e.data.chunkId === f1Id && e.data.attempt === 2), 'attempt 2 of f1');
    await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'Failed' }).click();
    await page.locator(`tr[data-chunk-id="${f1Id}"] [data-testid="attempts"]`, { hasText: '2' }).waitFor();
    await page.locator('ol.feed li .what', { hasText: /f1 \(attempt 2\)/ }).first().waitFor();

    const summary = await s.run;
    clearInterval(sampler);
    expect(maxActive).to.be.at.most(2);
    expect(summary.profiles.map((p) => p.result)).to.deep.equal(['Failed', 'Warning', 'Success']);
    expect(summary.profiles.reduce((a, p) => a + p.chunksTotal, 0)).to.equal(40);

    // The completion summary, and the errors grouped by code (one set for the badge and the list).
    await page.getByRole('heading', { name: /Run ended/ }).waitFor();
    await page.getByTestId('phase').filter({ hasText: 'Failed' }).waitFor();
    await page.locator('.error-chip').filter({ hasText: '3 problems' }).waitFor();
    const groups = await page.locator('#errors .groups > li summary').allInnerTexts();
    expect(groups.map((g) => g.replace(/\s+/g, ' ').trim())).to.satisfy((gs: string[]) => gs.some((g) => g.startsWith('2 Failed · exit code 16')) && gs.some((g) => g.startsWith('1 Warning · exit code 4')));
    // A directory named like markup is shown as text and runs nothing.
    await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'All' }).click();
    await page.locator('#chunk-search').fill('onerror');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('tr[data-chunk-id] td.path', { hasText: HOSTILE_NAME }).waitFor();
    expect(await page.evaluate('window.pwned')).to.equal(undefined);
    expect(await page.locator('td.path img').count()).to.equal(0);
    expect(pageErrors).to.deep.equal([]);
    await page.locator('#chunk-search').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-complete.png'), fullPage: true });
  });
});

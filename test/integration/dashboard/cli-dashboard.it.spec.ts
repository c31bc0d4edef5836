import { expect } from 'chai';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { chunkId } from '../../../src/chunk/chunk-id';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { runCli, startCli } from '../../helpers/run-cli';
import { selfSignedCert } from '../../helpers/self-signed-cert';

async function until<T>(get: () => T | Promise<T>, what: string, ms = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => { c.destroy(); resolve(false); });
    c.on('error', () => resolve(true));
  });
}

/** The URL printed by `--json` (stdout line of type dashboard). */
function dashboardUrl(stdout: string): URL | undefined {
  for (const l of stdout.split('\n')) {
    try { const j = JSON.parse(l) as { type?: string; url?: string }; if (j.type === 'dashboard' && j.url) return new URL(j.url); } catch { /* not yet a whole line */ }
  }
  return undefined;
}

/** The URL a dashboard child prints; fails at once, with its stderr, if the child ended instead. */
function urlOf(c: ReturnType<typeof startCli>, what: string): Promise<URL> {
  return until(() => {
    const url = dashboardUrl(c.stdoutSoFar());
    if (!url && (c.child.exitCode !== null || c.child.signalCode !== null)) throw new Error(`no ${what}: the process ended (${c.child.exitCode ?? c.child.signalCode}): ${c.stderrSoFar()}`);
    return url;
  }, what);
}

async function call(url: URL, p: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; json: any }> {
  const token = url.hash.replace('#t=', '');
  const res = await fetch(new URL(p, url.origin), {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json', origin: url.origin } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

describe('robocurse dashboard, run --dashboard, retry-chunk and skip-chunk as real child processes', function () {
  this.timeout(120_000);
  let dir: string;
  let config: string;
  const children: ReturnType<typeof startCli>[] = [];
  const start = (args: string[]) => { const c = startCli(args, { cwd: dir }); children.push(c); return c; };
  beforeEach(() => {
    dir = tempDir();
    makeTree(path.join(dir, 'src'), { d5: { 'f.bin': 5000 }, d4: { 'f.bin': 4000 }, d3: { 'f.bin': 3000 }, d2: { 'f.bin': 2000 }, d1: { 'f.bin': 1000 } });
    config = path.join(dir, 'robocurse.json');
    fs.writeFileSync(config, JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', maxConcurrentJobs: 1 },
      profiles: { docs: { source: 'src', destination: 'dst', engine: 'simulated', chunking: { maxChunkFiles: 1 },
        engineOptions: { simulated: { script: { '*': { durationMs: 1500 }, d5: { exitCodes: [16, 1], durationMs: 0 } } } } } },
    }));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) { if (c.child.exitCode === null) c.child.kill('SIGKILL'); await c.result; }
    removeTemp(dir);
  });

  it('a non-loopback --host without TLS exits 2 naming the flag, and listens nowhere', async () => {
    const port = await freePort();
    for (const host of ['0.0.0.0', '192.0.2.10', '::']) {
      const r = await runCliLikeCron(['dashboard', '--config', config, '--host', host, '--port', String(port)], { cwd: dir });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.contain(`--host ${host}`).and.to.contain('--tls-cert').and.to.contain('--unsafe-no-tls');
      expect(r.stderr).not.to.match(/\n\s+at /); // no stack trace
      expect(await refused(port)).to.equal(true);
    }
    const half = await runCliLikeCron(['dashboard', '--config', config, '--tls-cert', 'cert.pem'], { cwd: dir });
    expect(half.code).to.equal(2);
    expect(half.stderr).to.contain('--tls-cert and --tls-key go together');
    const missing = await runCliLikeCron(['dashboard', '--config', config, '--host', '0.0.0.0', '--tls-cert', 'nope.pem', '--tls-key', 'nope.key'], { cwd: dir });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('--tls-cert nope.pem: cannot read it (ENOENT)');
    const badHost = await runCliLikeCron(['dashboard', '--config', config, '--allow-host', 'evil.example/x'], { cwd: dir });
    expect(badHost.code).to.equal(2);
    expect(badHost.stderr).to.contain('--allow-host');
  });

  it('with --unsafe-no-tls it warns and serves; with a certificate it serves HTTPS; SIGTERM ends it with 0', async () => {
    const plain = start(['dashboard', '--config', config, '--host', '0.0.0.0', '--unsafe-no-tls', '--json']);
    const url = await urlOf(plain, 'the dashboard URL');
    expect(plain.stderrSoFar()).to.contain('WARNING').and.to.contain('clear text');
    const local = new URL(url.href.replace(url.hostname, '127.0.0.1'));
    expect((await call(local, '/api/v1/health')).status).to.equal(200);
    plain.child.kill('SIGTERM');
    expect((await plain.result).code).to.equal(0);

    const cert = await selfSignedCert(dir);
    const tls = start(['dashboard', '--config', config, '--host', '0.0.0.0', '--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--json']);
    const turl = await urlOf(tls, 'the HTTPS URL');
    expect(turl.protocol).to.equal('https:');
    expect(tls.stderrSoFar()).not.to.contain('WARNING');
    const res = await new Promise<{ status: number; hsts?: string; body: string }>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: Number(turl.port), path: '/api/v1/health', ca: cert.cert, headers: { authorization: `Bearer ${turl.hash.slice(3)}` } }, (r) => {
        let body = ''; r.on('data', (b) => { body += b; }); r.on('end', () => resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string, body }));
      }).on('error', reject);
    });
    expect(res.status, res.body).to.equal(200);
    expect(res.hsts).to.contain('max-age');
    tls.child.kill('SIGINT');
    expect((await tls.result).code).to.equal(0);
  });

  it('follows a run it did not start and steers it through the commands table, as do retry-chunk and skip-chunk', async () => {
    const run = start(['run', '--config', config, '--all', '--json']);
    const dash = start(['dashboard', '--config', config, '--json']);
    const url = await urlOf(dash, 'the dashboard URL');
    // Read-only opens the state database without creating it: start it once the others have.
    const ro = start(['dashboard', '--config', config, '--read-only', '--json']);
    const roUrl = await urlOf(ro, 'the read-only dashboard URL');
    const session = await until(async () => {
      const h = await call(url, '/api/v1/health');
      const s = h.json?.defaultSession as string | undefined;
      return s && (await call(url, `/api/v1/runs/${s}`)).json?.session?.state === 'running' ? s : undefined;
    }, 'the running session');
    const d5 = chunkId('docs', 'd5', 'tree');
    const d1 = chunkId('docs', 'd1', 'tree');
    // d5 (largest, first) fails at once; pause the run from the dashboard so it waits for us.
    await until(async () => (await call(url, `/api/v1/runs/${session}/chunks?status=Failed`)).json?.total === 1, 'd5 to fail');
    const paused = await call(url, `/api/v1/runs/${session}/pause`, { method: 'POST', body: {} });
    expect(paused.status, JSON.stringify(paused.json)).to.equal(200);
    expect(paused.json).to.include({ command: 'pause', state: 'applied' });
    const roPause = await call(roUrl, `/api/v1/runs/${session}/pause`, { method: 'POST', body: {} });
    expect(roPause.status).to.equal(404);

    const bad = await runCliLikeCron(['retry-chunk', 'not/a-chunk', '--config', config, '--profile', 'docs'], { cwd: dir });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('is not a chunk id');
    const retry = await runCliLikeCron(['retry-chunk', d5, '--config', config, '--profile', 'docs'], { cwd: dir });
    expect(retry.code, retry.stderr).to.equal(0);
    expect(retry.stdout).to.match(/retry-chunk \(#\d+\): applied/);
    const skip = await runCliLikeCron(['skip-chunk', d1, '--config', config, '--session', session], { cwd: dir });
    expect(skip.stdout).to.match(/skip-chunk \(#\d+\): applied/);
    const again = await runCliLikeCron(['skip-chunk', d1, '--config', config, '--session', session], { cwd: dir });
    expect(again.stdout).to.match(/skip-chunk \(#\d+\): rejected: chunk .* not waiting to run/);
    const viaPage = await call(url, `/api/v1/runs/${session}/chunks/${d1}/skip`, { method: 'POST', body: {} });
    expect(viaPage.status).to.equal(409);
    expect(viaPage.json.error.message).to.contain('not waiting to run');

    const resumed = await call(url, `/api/v1/runs/${session}/resume`, { method: 'POST', body: {} });
    expect(resumed.json).to.include({ state: 'applied' });
    const r = await run.result;
    expect(r.code, r.stderr).to.equal(1); // the skipped chunk counts as failed
    const summary = r.stdout.split('\n').map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.type === 'summary');
    expect(summary.profiles[0]).to.include({ chunksOk: 4, chunksFailed: 1 });
    expect(summary.profiles[0].failedChunks.map((f: { chunkId: string }) => f.chunkId)).to.deep.equal([d1]);
    // Every command is in the event log the dashboard reads.
    const events = (await call(url, `/api/v1/runs/${session}/events?limit=1000`)).json.events as { eventType: string; data: Record<string, unknown> }[];
    const applied = events.filter((e) => e.eventType === 'CommandApplied').map((e) => `${e.data.command}:${e.data.chunkId}`);
    expect(applied).to.deep.equal([`retry-chunk:${d5}`, `skip-chunk:${d1}`]);
    expect(events.filter((e) => e.eventType === 'ChunkStart' && e.data.chunkId === d5).map((e) => e.data.attempt)).to.deep.equal([1, 2]);
    expect(events.some((e) => e.eventType === 'Paused') && events.some((e) => e.eventType === 'Resumed')).to.equal(true);
    const ended = await call(url, `/api/v1/runs/${session}/pause`, { method: 'POST', body: {} });
    expect(ended.status).to.equal(409);
    dash.child.kill('SIGTERM');
    ro.child.kill('SIGTERM');
    expect((await dash.result).code).to.equal(0);
    expect((await ro.result).code).to.equal(0);
  });

  it('a run paused from another terminal stays alive with nothing running, until resumed', async () => {
    const run = start(['run', '--config', config, '--all', '--json']);
    await until(() => fs.existsSync(path.join(dir, 'state', 'robocurse.db')) && run.stdoutSoFar().includes('"type"'), 'the run to start');
    const pause = await runCliLikeCron(['pause', '--config', config, '--profile', 'docs'], { cwd: dir });
    expect(pause.stdout).to.match(/pause \(#\d+\): applied/);
    const running = async () => {
      const out = JSON.parse((await runCli(['status', '--config', config, '--json'], { cwd: dir })).stdout) as { session: { profiles: { counts: { Running: number } }[] } };
      return out.session.profiles[0]?.counts.Running;
    };
    // Every job started before the pause ends (1.5 s each); then nothing at all is pending.
    await until(async () => (await running()) === 0, 'the running chunks to finish');
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.child.exitCode, run.stderrSoFar()).to.equal(null);
    const resume = await runCliLikeCron(['resume', '--config', config, '--profile', 'docs'], { cwd: dir });
    expect(resume.stdout).to.match(/resume \(#\d+\): applied/);
    const r = await run.result;
    expect(r.code).to.equal(1); // d5 failed for good; everything else copied
    expect(r.stdout).to.contain('"type":"summary"');
  });

  it('run --dashboard prints its URL, serves the run while it lasts, and closes with it', async () => {
    const run = start(['run', '--config', config, '--all', '--json', '--dashboard']);
    const url = await urlOf(run, 'the dashboard line');
    expect(url.hostname).to.equal('127.0.0.1');
    expect(url.hash).to.match(/^#t=[A-Za-z0-9_-]{43}$/);
    expect(run.stderrSoFar()).to.contain(`dashboard: ${url.href}`);
    const health = await call(url, '/api/v1/health');
    expect(health.status).to.equal(200);
    const snap = await call(url, `/api/v1/runs/${health.json.defaultSession}`);
    expect(snap.json.session.state).to.equal('running');
    const noToken = await fetch(new URL('/api/v1/health', url.origin));
    expect(noToken.status).to.equal(401);
    // /metrics: Prometheus text of the running session, for a scraper holding the token only.
    expect((await fetch(new URL('/metrics', url.origin))).status).to.equal(401);
    // The run publishes its live status once a second: the session's gauges come with the first.
    const scrape = async (): Promise<string> => {
      const m = await fetch(new URL('/metrics', url.origin), { headers: { authorization: `Bearer ${url.hash.replace('#t=', '')}` } });
      expect(m.status).to.equal(200);
      expect(m.headers.get('content-type')).to.contain('text/plain');
      return m.text();
    };
    const info = new RegExp(`^robocurse_session_info\\{session_id="${health.json.defaultSession}",version="[^"]*"\\} 1$`, 'm');
    // Gauges come from the live status, counters from the events the run commits in batches:
    // either may show first, so wait for both.
    const started = /^robocurse_events_total\{type="SessionStart"\} 1$/m;
    await until(async () => { const t = await scrape(); return info.test(t) && started.test(t) ? t : undefined; }, 'the session gauges and event counters in /metrics');
    const r = await run.result;
    expect(r.code).to.equal(1); // d5 fails for good (exit 16, not retried)
    expect(await refused(Number(url.port))).to.equal(true);
  });

  it('--dashboard-port that is taken: exit 2 before anything is copied', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runCliLikeCron(['run', '--config', config, '--all', '--dashboard', '--dashboard-port', String(port)], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`--dashboard-port ${port}`).and.to.contain('in use');
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    } finally {
      blocker.close();
    }
  });
});

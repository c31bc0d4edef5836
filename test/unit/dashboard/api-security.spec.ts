import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DashboardServer } from '../../../src/dashboard/server';
import { registerControlRoutes } from '../../../src/dashboard/control-routes';
import { DashboardData } from '../../../src/dashboard/dashboard-data';
import { TableCommandSink } from '../../../src/dashboard/command-sink';
import type { StateStore } from '../../../src/state';
import { auth, HOST, jsonPost, seedState, TEST_TOKEN, testServer } from '../../helpers/dashboard-fixture';
import { removeTemp, tempDir } from '../../helpers/make-tree';

function noCors(headers: Record<string, unknown>): void {
  for (const k of Object.keys(headers)) expect(k.toLowerCase(), `CORS header ${k}`).not.to.match(/^access-control-/);
}

/** Every mutating route the full dashboard registers, collected as fastify registers them. */
function mutatingRoutes(store: StateStore): { method: string; url: string }[] {
  const app: FastifyInstance = Fastify();
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => { for (const m of [r.method].flat()) if (m !== 'GET' && m !== 'HEAD') routes.push({ method: m, url: r.url }); });
  registerControlRoutes(app, new DashboardData(store, new TableCommandSink(store)), new TableCommandSink(store));
  return routes;
}

describe('dashboard API security (inject, no socket)', () => {
  let dir: string;
  let seeded: ReturnType<typeof seedState>;
  let server: DashboardServer;
  beforeEach(async () => {
    dir = tempDir();
    seeded = seedState(dir);
    server = testServer(seeded.store);
    await server.app.ready();
  });
  afterEach(async () => { await server.close(); seeded.store.close(); removeTemp(dir); });

  const s = () => seeded.sessionId;
  const readUrls = () => ['/api/v1/health', '/api/v1/runs', `/api/v1/runs/${s()}`, `/api/v1/runs/${s()}/chunks`, `/api/v1/runs/${s()}/errors`,
    `/api/v1/runs/${s()}/errors.csv`, `/api/v1/runs/${s()}/events`, `/api/v1/runs/${s()}/chunks/${seeded.chunkIds[0]}/log`];

  it('401 on every API route without a token, with a wrong one (same or other length), or with a non-Bearer scheme', async () => {
    const wrongSameLength = TEST_TOKEN.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    for (const url of [...readUrls(), `/api/v1/stream?session=${s()}`]) {
      for (const authorization of [undefined, `Bearer ${wrongSameLength}`, 'Bearer short', `Basic ${TEST_TOKEN}`, TEST_TOKEN]) {
        const r = await server.app.inject({ method: 'GET', url, headers: { host: HOST, ...(authorization ? { authorization } : {}) } });
        expect(r.statusCode, `${url} with ${authorization}`).to.equal(401);
        expect(r.headers['www-authenticate']).to.equal('Bearer');
        expect(r.json().error.code).to.equal('DASHBOARD_UNAUTHORIZED');
      }
      const ok = await server.app.inject({ method: 'GET', url: url.includes('stream') ? '/api/v1/health' : url, headers: auth });
      expect(ok.statusCode, url).to.equal(200);
    }
  });

  it('a token in the query string or a cookie is not accepted', async () => {
    const q = await server.app.inject({ method: 'GET', url: `/api/v1/health?t=${TEST_TOKEN}`, headers: { host: HOST } });
    expect(q.statusCode).to.equal(401);
    const c = await server.app.inject({ method: 'GET', url: '/api/v1/health', headers: { host: HOST, cookie: `t=${TEST_TOKEN}; token=${TEST_TOKEN}` } });
    expect(c.statusCode).to.equal(401);
  });

  it('421 for a foreign or missing Host, on the page and on the API (DNS rebinding)', async () => {
    for (const host of ['evil.example:8080', 'evil.example', '127.0.0.1:9999', '127.0.0.1', 'localhost.evil.example:8080', '']) {
      for (const url of ['/', '/app/main.js', '/api/v1/health']) {
        const r = await server.app.inject({ method: 'GET', url, headers: { ...auth, host } });
        expect(r.statusCode, `${host} ${url}`).to.equal(421);
        noCors(r.headers);
      }
    }
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST:8080']) {
      const r = await server.app.inject({ method: 'GET', url: '/api/v1/health', headers: { ...auth, host } });
      expect(r.statusCode, host).to.equal(200);
    }
  });

  it('403 for a foreign Origin or a cross-site fetch on mutating requests; same-origin is accepted', async () => {
    const url = `/api/v1/runs/${s()}/pause`;
    for (const origin of ['http://evil.example', 'null', `https://${HOST}`, 'http://127.0.0.1:9999']) {
      const r = await server.app.inject({ method: 'POST', url, headers: { ...jsonPost, origin }, payload: {} });
      expect(r.statusCode, origin).to.equal(403);
      expect(r.json().error.code).to.equal('DASHBOARD_FOREIGN_ORIGIN');
    }
    for (const site of ['cross-site', 'same-site']) {
      const r = await server.app.inject({ method: 'POST', url, headers: { ...jsonPost, 'sec-fetch-site': site }, payload: {} });
      expect(r.statusCode, site).to.equal(403);
    }
    const ok = await server.app.inject({ method: 'POST', url, headers: jsonPost, payload: {} });
    expect(ok.statusCode).to.equal(202); // queued: no session polls the table in this test
    expect(ok.json()).to.include({ command: 'pause', state: 'queued' });
    expect(seeded.store.getCommand(ok.json().id)).to.include({ command: 'pause', sessionId: s() });
  });

  it('415 for a text/plain (CORS-simple) or form POST, and for a body without a type; nothing is queued', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Record<string, string> = { ...jsonPost };
      if (type) headers['content-type'] = type; else delete headers['content-type'];
      const r = await server.app.inject({ method: 'POST', url: `/api/v1/runs/${s()}/stop`, headers, payload: '{"mode":"stop"}' });
      expect(r.statusCode, String(type)).to.equal(415);
    }
    expect(seeded.store.pollCommands(s(), ['docs'])).to.deep.equal([]);
  });

  it('no CORS header anywhere, not even on a preflight; CSP and anti-framing headers on every response', async () => {
    const responses = [
      await server.app.inject({ method: 'OPTIONS', url: `/api/v1/runs/${s()}/pause`, headers: { host: HOST, origin: 'http://evil.example', 'access-control-request-method': 'POST' } }),
      await server.app.inject({ method: 'GET', url: '/', headers: { host: HOST, origin: 'http://evil.example' } }),
      await server.app.inject({ method: 'GET', url: '/api/v1/health', headers: { ...auth, origin: 'http://evil.example' } }),
      await server.app.inject({ method: 'GET', url: '/api/v1/health', headers: { host: HOST } }),
      await server.app.inject({ method: 'GET', url: '/nope', headers: { host: HOST } }),
    ];
    for (const r of responses) {
      noCors(r.headers);
      expect(r.headers['content-security-policy']).to.contain("frame-ancestors 'none'").and.to.contain("default-src 'none'").and.to.contain("script-src 'self'");
      expect(r.headers['content-security-policy']).not.to.contain('unsafe');
      expect(r.headers['x-frame-options']).to.equal('DENY');
      expect(r.headers['x-content-type-options']).to.equal('nosniff');
      expect(r.headers['referrer-policy']).to.equal('no-referrer');
      expect(r.headers['set-cookie']).to.equal(undefined);
    }
    const api = await server.app.inject({ method: 'GET', url: '/api/v1/health', headers: auth });
    expect(api.headers['cache-control']).to.equal('no-store');
  });

  it('serves the page and its vendor modules without a token, and nothing by path', async () => {
    for (const url of ['/', '/index.html', '/app/main.js', '/style.css', '/vendor/preact-htm.js', '/vendor/uPlot.esm.js', '/vendor/uPlot.min.css']) {
      const r = await server.app.inject({ method: 'GET', url, headers: { host: HOST } });
      expect(r.statusCode, url).to.equal(200);
    }
    expect((await server.app.inject({ method: 'GET', url: '/', headers: { host: HOST } })).headers['content-type']).to.contain('text/html');
    for (const url of ['/../package.json', '/app/../../package.json', '/%2e%2e/package.json', '/vendor/../../../etc/passwd', '/etc/passwd', '/web/index.html']) {
      const r = await server.app.inject({ method: 'GET', url, headers: { host: HOST } });
      expect(r.statusCode, url).to.equal(404);
      expect(r.body).not.to.contain('"name": "robocurse"');
    }
  });

  it('--read-only registers no mutating route: every one of them answers 404, reads still work', async () => {
    const ro = testServer(seeded.store, { readOnly: true });
    try {
      const routes = mutatingRoutes(seeded.store);
      expect(routes.map((r) => `${r.method} ${r.url}`)).to.include.members([
        'POST /api/v1/runs/:session/pause', 'POST /api/v1/runs/:session/resume', 'POST /api/v1/runs/:session/stop',
        'PUT /api/v1/runs/:session/concurrency', 'PUT /api/v1/runs/:session/bandwidth',
        'POST /api/v1/runs/:session/chunks/:chunkId/retry', 'POST /api/v1/runs/:session/chunks/:chunkId/skip',
      ]);
      for (const r of routes) {
        const url = r.url.replace(':session', s()).replace(':chunkId', seeded.chunkIds[5]);
        const res = await ro.app.inject({ method: r.method as 'POST', url, headers: jsonPost, payload: { mode: 'stop', limit: 2, mbps: 1 } });
        expect([404, 405], `${r.method} ${url}`).to.include(res.statusCode);
        const full = await server.app.inject({ method: r.method as 'POST', url, headers: jsonPost, payload: r.url.endsWith('stop') ? { mode: 'stop' } : r.url.endsWith('concurrency') ? { limit: 2 } : r.url.endsWith('bandwidth') ? { mbps: 1 } : {} });
        expect(full.statusCode, `full server ${r.method} ${url}`).to.equal(202);
      }
      expect(seeded.store.pollCommands(s(), []).length).to.equal(routes.length); // only the full server queued them
      const health = await ro.app.inject({ method: 'GET', url: '/api/v1/health', headers: auth });
      expect(health.json()).to.include({ readOnly: true });
      expect((await ro.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}/chunks`, headers: auth })).statusCode).to.equal(200);
    } finally {
      await ro.close();
    }
  });

  it('the log endpoint serves only the log the run recorded, for chunks of that session', async () => {
    const url = (chunk: string, session = s()) => `/api/v1/runs/${session}/chunks/${chunk}/log?lines=5`;
    const ok = await server.app.inject({ method: 'GET', url: url(seeded.chunkIds[0]), headers: auth });
    expect(ok.statusCode).to.equal(200);
    expect(ok.json().lines).to.deep.equal(['line 496', 'line 497', 'line 498', 'line 499', 'line 500']);
    const unknown = await server.app.inject({ method: 'GET', url: url('ffffffffffffffff'), headers: auth });
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.json().error.code).to.equal('DASHBOARD_UNKNOWN_CHUNK');
    const otherSession = await server.app.inject({ method: 'GET', url: url(seeded.chunkIds[0], '20200101-000000-000000'), headers: auth });
    expect(otherSession.statusCode).to.equal(404);
    const noLog = await server.app.inject({ method: 'GET', url: url(seeded.chunkIds[2]), headers: auth });
    expect(noLog.statusCode).to.equal(404);
    expect(noLog.json().error.code).to.equal('DASHBOARD_NO_LOG');
    for (const bad of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', 'a.b', encodeURIComponent(seeded.logFile)]) {
      const r = await server.app.inject({ method: 'GET', url: url(bad), headers: auth });
      expect([400, 404], bad).to.include(r.statusCode);
      expect(r.body).not.to.contain('root:');
      expect(r.body).not.to.contain('line 500');
    }
  });

  it('commands: 404 for an unknown session or chunk, 400 for a bad body, 409 for a session that is not running', async () => {
    const post = (url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') => server.app.inject({ method, url, headers: jsonPost, payload: payload as object });
    expect((await post('/api/v1/runs/20200101-000000-000000/pause', {})).statusCode).to.equal(404);
    expect((await post(`/api/v1/runs/${s()}/chunks/ffffffffffffffff/retry`, {})).statusCode).to.equal(404);
    expect((await post(`/api/v1/runs/${s()}/concurrency`, { limit: 0 }, 'PUT')).statusCode).to.equal(400);
    expect((await post(`/api/v1/runs/${s()}/concurrency`, { limit: '2; rm -rf /' }, 'PUT')).statusCode).to.equal(400);
    expect((await post(`/api/v1/runs/${s()}/bandwidth`, { mbps: -1 }, 'PUT')).statusCode).to.equal(400);
    expect((await post(`/api/v1/runs/${s()}/stop`, { mode: 'nuke' })).statusCode).to.equal(400);
    expect((await server.app.inject({ method: 'POST', url: `/api/v1/runs/${s()}/pause`, headers: jsonPost, payload: '{not json' })).statusCode).to.equal(400);
    seeded.store.endRun(s(), 'Success', 0);
    const ended = await post(`/api/v1/runs/${s()}/pause`, {});
    expect(ended.statusCode).to.equal(409);
    expect(ended.json().error.code).to.equal('DASHBOARD_NOT_RUNNING');
  });

  it('errors are grouped by code, counted from one set, and exported as CSV with formulas defused', async () => {
    const errors = (await server.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}/errors`, headers: auth })).json();
    expect(errors.total).to.equal(2);
    expect(errors.groups.map((g: { key: string; count: number }) => `${g.key}=${g.count}`)).to.deep.equal(['chunk:Fatal:16=1', 'warning:SCAN_UNREADABLE=1']);
    const csv = await server.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}/errors.csv`, headers: auth });
    expect(csv.headers['content-type']).to.contain('text/csv');
    expect(csv.headers['content-disposition']).to.contain('attachment');
    const lines = csv.body.trim().split('\r\n');
    expect(lines).to.have.length(3);
    expect(lines[1]).to.contain(`"'=HYPERLINK(""x"") access denied"`);
    expect(csv.body).not.to.match(/(^|,)"=/m);
  });

  it('the chunk table pages, filters and sorts on the server', async () => {
    const get = async (q: string) => (await server.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}/chunks?${q}`, headers: auth })).json();
    const first = await get('limit=2&sort=path');
    expect(first.total).to.equal(6);
    expect(first.rows.map((r: { path: string }) => r.path)).to.deep.equal(['=cmd|calc', 'dir0']);
    const second = await get('limit=2&offset=2&sort=path');
    expect(second.rows.map((r: { path: string }) => r.path)).to.deep.equal(['dir1', 'dir2']);
    const failed = await get('status=Failed');
    expect(failed.total).to.equal(1);
    expect(failed.rows[0]).to.include({ status: 'Failed', attempts: 3, exitCode: 16 });
    const search = await get('q=dir_');
    expect(search.total).to.equal(0); // "_" is literal, not a LIKE wildcard
    const byStatus = await get('sort=status');
    expect(byStatus.rows[0].status).to.equal('Running');
    expect(byStatus.rows[0].hasLog).to.equal(true);
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}/chunks?sort=rel_path;DROP TABLE chunks`, headers: auth })).statusCode).to.equal(400);
  });

  it('a snapshot names every profile, started or still waiting, and the events carry the SIEM envelope', async () => {
    const snap = (await server.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}`, headers: auth })).json();
    expect(snap.seq).to.equal(3);
    expect(snap.profiles.map((p: { name: string; state: string }) => `${p.name}:${p.state}`)).to.deep.equal(['docs:running', 'later:waiting']);
    expect(snap.recent[0]).to.include({ seq: 1, eventType: 'SessionStart', host: 'testhost', user: 'tester', severity: 'info', sessionId: s() });
    const events = (await server.app.inject({ method: 'GET', url: `/api/v1/runs/${s()}/events?after=1`, headers: auth })).json();
    expect(events.events.map((e: { seq: number }) => e.seq)).to.deep.equal([2, 3]);
    expect(events.events[1]).to.include({ eventType: 'Warning', severity: 'warning' });
  });
});

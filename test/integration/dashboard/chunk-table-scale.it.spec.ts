import { expect } from 'chai';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { CHUNK_SORTS } from '../../../src/state';
import type { DashboardServer } from '../../../src/dashboard/server';
import { bigState } from '../../helpers/big-state';
import { auth, testServer } from '../../helpers/dashboard-fixture';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * 100,000 chunks: the first screen is a page of rows and a few aggregates, never the table.
 * The time it takes is measured in bench/dashboard-bench.ts (figures do not belong in tests);
 * here: what the server sends, and that the queries behind it use the indexes.
 */
describe('dashboard with a state database of 100,000 chunks', function () {
  this.timeout(120_000);
  let dir: string;
  let big: ReturnType<typeof bigState>;
  let server: DashboardServer;
  before(async () => {
    dir = tempDir();
    big = bigState(dir, 100_000);
    server = testServer(big.store);
    await server.app.ready();
  });
  after(async () => { await server.close(); big.store.close(); removeTemp(dir); });

  it('the first screen is one page of rows, counted and sorted on the server', async () => {
    const get = (url: string) => server.app.inject({ method: 'GET', url, headers: auth });
    const first = await get(`/api/v1/runs/${big.sessionId}/chunks?limit=25`);
    expect(first.statusCode).to.equal(200);
    const page = first.json();
    expect(page.total).to.equal(100_000);
    expect(page.rows).to.have.length(25);
    expect(page.rows[0].status).to.equal('Running'); // running first, then failed
    expect(first.body.length).to.be.below(40_000);
    const last = (await get(`/api/v1/runs/${big.sessionId}/chunks?limit=25&offset=99975&sort=size&dir=desc`)).json();
    expect(last.rows).to.have.length(25);
    const sizes = last.rows.map((r: { estimatedBytes: number }) => r.estimatedBytes);
    expect([...sizes].sort((a: number, b: number) => b - a)).to.deep.equal(sizes);
    const failed = (await get(`/api/v1/runs/${big.sessionId}/chunks?status=Failed&limit=25&profileRunId=${big.profileRunId}`)).json();
    expect(failed.total).to.equal(1000);
    const search = (await get(`/api/v1/runs/${big.sessionId}/chunks?q=project-4242&limit=25`)).json();
    expect(search.rows.map((r: { path: string }) => r.path)).to.include('share/dept-71/project-4242');
    const snap = (await get(`/api/v1/runs/${big.sessionId}`)).json();
    expect(snap.profiles[0].counts).to.include({ Failed: 1000, CompleteWithWarnings: 1000 });
    expect(snap.profiles[0].chunksTotal).to.equal(100_000);
    const errors = (await get(`/api/v1/runs/${big.sessionId}/errors`)).json();
    expect(errors.total).to.equal(2000);
    expect(errors.groups.map((g: { key: string; count: number; chunks: unknown[] }) => `${g.key}=${g.count}/${g.chunks.length}`))
      .to.deep.equal(['chunk:Error:8=1000/50', 'chunk:Warning:4=1000/50']);
    const csv = await get(`/api/v1/runs/${big.sessionId}/errors.csv`);
    expect(csv.body.trim().split('\r\n')).to.have.length(2001); // every one, plus the header
  });

  it('paging by size or path within a profile reads an index in order, not a sort of every row', () => {
    const db = new Database(path.join(dir, 'state', 'robocurse.db'), { readonly: true });
    try {
      for (const [sort, index] of [['size', 'chunks_size'], ['path', 'chunks_path']] as const) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT c.*, p.profile FROM chunks c JOIN profile_runs p ON p.id = c.profile_run_id
          WHERE p.session_id = ? AND c.profile_run_id = ? ORDER BY ${CHUNK_SORTS[sort]} DESC, c.profile_run_id DESC, c.chunk_id DESC LIMIT 25 OFFSET 0`)
          .all(big.sessionId, big.profileRunId) as { detail: string }[];
        const text = plan.map((p) => p.detail).join(' | ');
        expect(text, text).to.contain(index);
        expect(text, text).not.to.match(/TEMP B-TREE FOR ORDER BY/);
      }
      const counts = (db.prepare('EXPLAIN QUERY PLAN SELECT status, COUNT(*) FROM chunks WHERE profile_run_id = ? GROUP BY status').all(big.profileRunId) as { detail: string }[]).map((p) => p.detail).join(' | ');
      expect(counts).to.contain('chunks_status');
    } finally {
      db.close();
    }
  });
});

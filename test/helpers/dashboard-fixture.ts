import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent } from '../../src/api';
import { TableCommandSink } from '../../src/dashboard/command-sink';
import { DashboardData } from '../../src/dashboard/dashboard-data';
import { createDashboardServer, type DashboardServer } from '../../src/dashboard/server';
import type { StreamLimits } from '../../src/dashboard/sse-client';
import { StateStore } from '../../src/state';
import { makeChunks } from './profiles';

export const TEST_TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
export const TEST_PORT = 8080;
export const HOST = `127.0.0.1:${TEST_PORT}`;

/**
 * A state database with one running session (owned by this process, so it counts as alive):
 * profile `docs` with 6 chunks, one failed, one with a recorded engine log on disk.
 */
export function seedState(dir: string): { store: StateStore; sessionId: string; profileRunId: number; chunkIds: string[]; logFile: string } {
  const store = StateStore.open(path.join(dir, 'state'));
  const sessionId = '20261129-120000-abcdef';
  store.beginRun({ sessionId, configHash: 'x', configPath: path.join(dir, 'robocurse.json'), dryRun: false });
  const chunks = makeChunks('docs', 6).map((c, i) => ({ ...c, id: `c0ffee${String(i).padStart(10, '0')}`, relPath: i === 5 ? '=cmd|calc' : c.relPath }));
  const { profileRunId } = store.beginProfileRun(sessionId, 'docs', 'fp', chunks, { resume: false });
  const logFile = path.join(dir, 'logs', sessionId, 'chunks', `${chunks[0].id}-a1.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, Array.from({ length: 500 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  store.markChunkRunning(profileRunId, chunks[0].id, 1, logFile);
  store.markChunkRunning(profileRunId, chunks[1].id, 1);
  store.markChunkDone(profileRunId, chunks[1].id, { exitCode: 1, severity: 'Success', filesCopied: 10, bytesCopied: 1000, durationMs: 500 });
  store.markChunkRunning(profileRunId, chunks[5].id, 3);
  store.markChunkFailed(profileRunId, chunks[5].id, { exitCode: 16, severity: 'Fatal', message: '=HYPERLINK("x") access denied' });
  const ev = (seq: number, type: RunEvent['type'], data: unknown): RunEvent => ({ type, sessionId, seq, timestamp: new Date().toISOString(), data } as RunEvent);
  store.recordEvents([
    ev(1, 'SessionStart', { profiles: ['docs', 'later'], host: 'testhost', user: 'tester', version: '0', dryRun: false, maxConcurrentJobs: 4 }),
    ev(2, 'ProfileStart', { profile: 'docs', index: 0, source: '/src/docs', destination: '/dst/docs', engine: 'simulated', mirror: false }),
    ev(3, 'Warning', { profile: 'docs', code: 'SCAN_UNREADABLE', message: 'cannot read /src/docs/secret' }),
  ]);
  return { store, sessionId, profileRunId, chunkIds: chunks.map((c) => c.id), logFile };
}

export function testServer(store: StateStore, opts: { readOnly?: boolean; limits?: Partial<StreamLimits>; port?: number } = {}): DashboardServer {
  const data = new DashboardData(store, opts.readOnly ? undefined : new TableCommandSink(store, 200, 20));
  return createDashboardServer({ data, host: '127.0.0.1', port: opts.port ?? TEST_PORT, token: TEST_TOKEN, version: 'test', limits: opts.limits });
}

export const auth = { host: HOST, authorization: `Bearer ${TEST_TOKEN}` };
export const jsonPost = { ...auth, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };

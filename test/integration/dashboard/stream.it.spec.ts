import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { Chunk, Chunker, DirTree, Scanner } from '../../../src/api';
import { DashboardData } from '../../../src/dashboard/dashboard-data';
import { StatusPublisher, type LiveStatus } from '../../../src/dashboard/live-status';
import { BusFeed } from '../../../src/dashboard/run-feed';
import { createDashboardServer, type DashboardServer } from '../../../src/dashboard/server';
import type { StreamLimits } from '../../../src/dashboard/sse-client';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import { StateStore } from '../../../src/state';
import { seedState, TEST_TOKEN } from '../../helpers/dashboard-fixture';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { makeProfile } from '../../helpers/profiles';
import { SseReader, type SseFrame } from '../../helpers/sse-reader';

const ids = (frames: SseFrame[]) => frames.filter((f) => f.event === 'run-event').map((f) => f.id!);
const consecutive = (xs: number[]) => xs.every((x, i) => i === 0 || x === xs[i - 1] + 1);

describe('dashboard stream on a real socket', function () {
  this.timeout(60_000);
  let dir: string;
  let store: StateStore;
  let server: DashboardServer;
  let base: string;
  const readers: SseReader[] = [];
  const open = async (session: string, lastEventId?: number) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TEST_TOKEN}` };
    if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
    const r = await SseReader.open(`${base}/api/v1/stream?session=${session}`, headers);
    readers.push(r);
    return r;
  };
  const start = async (data: DashboardData, limits: Partial<StreamLimits>) => {
    server = createDashboardServer({ data, host: '127.0.0.1', port: 0, token: TEST_TOKEN, version: 'test', limits });
    const url = await server.listen();
    base = url.replace(/\/#t=.*$/, '');
  };
  beforeEach(() => { dir = tempDir(); });
  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    await server?.close();
    store?.close();
    removeTemp(dir);
  });

  describe('following the run of this process (event bus)', () => {
    const session = '20261129-130000-b0b0b0';
    let bus: EventBus;
    beforeEach(async () => {
      store = StateStore.open(path.join(dir, 'state'));
      store.beginRun({ sessionId: session, configHash: 'x', configPath: '/x.json', dryRun: false });
      bus = new EventBus(session);
      const feed = new BusFeed((l) => bus.subscribe(l), 50);
      const live = { sessionId: session, phase: 'Replicating', at: 0, rateHistory: [], active: [] } as unknown as LiveStatus;
      await start(new DashboardData(store, undefined, { sessionId: session, live: () => live, feed }), { heartbeatMs: 150, progressMs: 100 });
    });
    const emit = (n: number) => { for (let i = 0; i < n; i++) bus.emit('Warning', { code: 'TEST', message: `event ${i}` }); };

    it('sends a snapshot first, then every event once, in order, with progress ticks and heartbeats between', async () => {
      emit(3);
      const r = await open(session);
      await r.waitFor((f) => f.length > 0, 'the first frame');
      expect(r.frames[0].event).to.equal('snapshot');
      expect(r.frames[0].id).to.equal(3);
      expect((r.frames[0].data as { seq: number }).seq).to.equal(3);
      emit(30);
      await r.waitFor((f) => ids(f).length === 30, '30 events');
      expect(ids(r.frames)).to.deep.equal(Array.from({ length: 30 }, (_, i) => 4 + i));
      const first = r.events()[0].data as Record<string, unknown>;
      expect(first).to.include({ seq: 4, eventType: 'Warning', severity: 'warning', sessionId: session });
      expect(first).to.have.keys('timestamp', 'sessionId', 'seq', 'host', 'user', 'eventType', 'severity', 'data');
      await r.waitFor((f) => f.some((x) => x.event === 'progress'), 'a progress tick');
      await r.waitFor((f) => f.some((x) => x.event === 'comment' && /^heartbeat/.test(x.comment ?? '')), 'a heartbeat');
    });

    it('replays exactly the missed events after a reconnect with Last-Event-ID', async () => {
      const a = await open(session);
      emit(10);
      await a.waitFor((f) => ids(f).length === 10, '10 events');
      a.close();
      emit(15);
      const b = await open(session, 10);
      await b.waitFor((f) => ids(f).length === 15, 'the 15 missed events');
      expect(b.frames.some((f) => f.event === 'snapshot')).to.equal(false);
      expect(ids(b.frames)).to.deep.equal(Array.from({ length: 15 }, (_, i) => 11 + i));
      emit(1);
      await b.waitFor((f) => ids(f).length === 16, 'the next live event');
      expect(ids(b.frames).at(-1)).to.equal(26);
    });

    it('sends a fresh snapshot to a tab that fell behind the replay buffer (or claims a seq from the future)', async () => {
      emit(5);
      emit(80); // the ring holds 50: seq 6 is gone
      const r = await open(session, 5);
      await r.waitFor((f) => f.length > 0, 'the first frame');
      expect(r.frames[0]).to.include({ event: 'snapshot', id: 85 });
      emit(1);
      await r.waitFor((f) => ids(f).length === 1, 'the next event');
      expect(ids(r.frames)).to.deep.equal([86]);
      const future = await open(session, 999);
      await future.waitFor((f) => f.length > 0, 'the first frame');
      expect(future.frames[0]).to.include({ event: 'snapshot', id: 86 });
    });

    it('refuses a stream without the token and for an unknown session', async () => {
      const noToken = await SseReader.open(`${base}/api/v1/stream?session=${session}`, {});
      readers.push(noToken);
      expect(noToken.status).to.equal(401);
      const unknown = await open('20000101-000000-000000');
      expect(unknown.status).to.equal(404);
    });
  });

  describe('following any run through the state database (events table)', () => {
    let seeded: ReturnType<typeof seedState>;
    beforeEach(async () => {
      seeded = seedState(dir);
      store = seeded.store;
      await start(new DashboardData(store, undefined), { heartbeatMs: 150, progressMs: 100, maxReplay: 20 });
    });
    const record = (from: number, n: number) => store.recordEvents(Array.from({ length: n }, (_, i) => ({
      type: 'Warning' as const, sessionId: seeded.sessionId, seq: from + i, timestamp: new Date().toISOString(), data: { code: 'T', message: `m${from + i}` },
    })));

    it('tails new rows by seq, replays from the table, and snapshots past maxReplay', async () => {
      const r = await open(seeded.sessionId, 1);
      await r.waitFor((f) => ids(f).length === 2, 'the replay of 2 and 3');
      expect(ids(r.frames)).to.deep.equal([2, 3]);
      record(4, 3); // written by "another process": only the table connects them
      await r.waitFor((f) => ids(f).length === 5, 'the tailed rows');
      expect(ids(r.frames)).to.deep.equal([2, 3, 4, 5, 6]);
      record(7, 30);
      await r.waitFor((f) => ids(f).length === 35, 'a burst of 30');
      expect(consecutive(ids(r.frames))).to.equal(true);
      const far = await open(seeded.sessionId, 2); // 34 behind, more than maxReplay (20)
      await far.waitFor((f) => f.length > 0, 'the first frame');
      expect(far.frames[0]).to.include({ event: 'snapshot', id: 36 });
      const near = await open(seeded.sessionId, 30);
      await near.waitFor((f) => ids(f).length === 6, 'a replay of 6');
      expect(ids(near.frames)).to.deep.equal([31, 32, 33, 34, 35, 36]);
    });
  });

  describe('a stalled tab and a real orchestrator', () => {
    it('never holds up the run: its queue stays bounded, it is dropped and gets a fresh snapshot when it reads again', async () => {
      const session = '20261129-140000-5ta11e';
      store = StateStore.open(path.join(dir, 'state'));
      store.beginRun({ sessionId: session, configHash: 'x', configPath: '/x.json', dryRun: false });
      const bus = new EventBus(session);
      const feed = new BusFeed((l) => bus.subscribe(l), 2000);
      // Long paths make big events, so the stalled socket fills whatever the kernel buffers.
      const long = 'd'.repeat(180);
      // The scan is faked, but the pre-flight reads the real source root.
      fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
      const chunks: Chunk[] = Array.from({ length: 5000 }, (_, i) => ({
        id: `c${String(i).padStart(15, '0')}`, profile: 'p', kind: 'tree', relPath: `${long}/${i}`, sourcePath: path.join(dir, 'src', long, String(i)),
        destinationPath: path.join(dir, 'dst', long, String(i)), depth: 2, estimatedFiles: 1, estimatedBytes: 10,
      }));
      const tree: DirTree = { root: path.join(dir, 'src'), rootNode: { name: '', relPath: '', depth: 0, ownFiles: 0, ownBytes: 0, totalFiles: 5000, totalBytes: 50_000, totalDirs: 5000, children: [] }, errors: [], skippedLinks: [], durationMs: 1 };
      const scanner: Scanner = { scan: async () => tree };
      const chunker: Chunker = { plan: () => chunks };
      const copier = new SimulatedCopier({ script: { '*': { durationMs: 0 } } });
      // Made-up chunk paths: the chunk-root guard (which checks real directories) is not what this tests.
      const orch = new Orchestrator({ bus, scanner, chunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
      const publisher = new StatusPublisher(orch, () => undefined, pino({ level: 'silent' }));
      await start(new DashboardData(store, undefined, { sessionId: session, live: () => publisher.publish(), feed }), { maxQueuedEvents: 100, progressMs: 50, heartbeatMs: 100 });
      const stalled = await open(session);
      const reading = await open(session);
      await stalled.waitFor((f) => f.length > 0, 'the first snapshot');
      stalled.pause();
      let maxQueued = 0;
      const sampler = setInterval(() => { for (const s of server.streamStats()) maxQueued = Math.max(maxQueued, s.queued); }, 5);
      const summary = await orch.startReplicationRun([makeProfile('p', { source: path.join(dir, 'src'), destination: path.join(dir, 'dst') })], { maxConcurrentJobs: 8, tickIntervalMs: 20 });
      clearInterval(sampler);
      expect(summary.profiles[0].chunksOk).to.equal(5000);
      const stats = server.streamStats();
      const stalledStats = stats.find((s) => s.dropped > 0);
      expect(stalledStats, JSON.stringify(stats)).not.to.equal(undefined);
      expect(maxQueued).to.be.at.most(101);
      // The reading tab saw every event of the run, once, in order.
      await reading.waitFor((f) => f.some((x) => x.event === 'run-event' && (x.data as { eventType: string }).eventType === 'SessionEnd'), 'SessionEnd');
      const seen = ids(reading.frames);
      expect(consecutive(seen)).to.equal(true);
      expect(seen.at(-1)).to.equal(bus.emit('Warning', { code: 'AFTER', message: 'after the run' }).seq - 1);
      // The stalled tab reads again: a fresh snapshot, then only newer events.
      stalled.resume();
      await stalled.waitFor((f) => f.filter((x) => x.event === 'snapshot').length >= 2, 'a fresh snapshot');
      const newest = bus.emit('Warning', { code: 'LAST', message: 'last' }).seq;
      await stalled.waitFor((f) => ids(f).includes(newest), 'the newest event');
      let last = 0;
      for (const f of stalled.frames) {
        if (f.event === 'snapshot') { expect(f.id!).to.be.at.least(last); last = f.id!; }
        if (f.event === 'run-event') { expect(f.id!).to.be.above(last); last = f.id!; }
      }
    });
  });
});

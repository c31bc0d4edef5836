import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import pino from 'pino';
import { emptyStats, type Chunk, type CopyResult, type RunEvent } from '../../../src/api';
import type { RobocurseConfig } from '../../../src/config/types';
import { Robocurse } from '../../../src/library/robocurse';
import { StateJournal } from '../../../src/orchestrator/state-journal';
import { StateStore } from '../../../src/state';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

const chunk = (id: string): Chunk => ({ id, profile: 'docs', kind: 'tree', relPath: id, sourcePath: `/s/${id}`, destinationPath: `/d/${id}`, depth: 1, estimatedFiles: 1, estimatedBytes: 10 });
const result = (severity: 'Success' | 'Error', message: string): CopyResult => ({
  exitCode: severity === 'Success' ? 0 : 8, exitMeaning: { severity, shouldRetry: false, message },
  stats: { ...emptyStats(), filesCopied: severity === 'Success' ? 1 : 0, bytesCopied: severity === 'Success' ? 10 : 0 }, errors: [], durationMs: 5, killed: false,
});
const event = (seq: number): RunEvent => ({ type: 'Warning', sessionId: 'S1', seq, timestamp: '2026-11-29T00:00:00.000+00:00', data: { code: 'TEST', message: `w${seq}` } }) as RunEvent;

/** StateJournal on a real state database: what is on record when. */
describe('StateJournal', () => {
  let dir: string;
  let store: StateStore;
  let cfg: RobocurseConfig;
  const logger = pino({ level: 'silent' });
  const configObject = { version: 1, profiles: { docs: { source: 'src', destination: 'dst' } } };

  beforeEach(async () => {
    dir = tempDir();
    makeTree(path.join(dir, 'src'), { 'a.txt': 'a' });
    cfg = (await Robocurse.load(configObject, { baseDir: dir })).config;
    store = StateStore.open(path.join(dir, 'state'));
  });
  afterEach(() => { store.close(); removeTemp(dir); });

  function begin(journal: StateJournal, chunks: Chunk[]): number {
    journal.beginRun({ sessionId: 'S1', profiles: ['docs'], dryRun: false });
    journal.beginProfile(cfg.profiles[0], chunks, { resume: false, dryRun: false });
    return store.profileRunsOfSession('S1')[0].id;
  }

  it('records the run with a hash of the config text it was given', () => {
    begin(new StateJournal(store, cfg, logger), [chunk('c1')]);
    const run = store.getRun('S1');
    expect(run?.configHash).to.equal(createHash('sha256').update(JSON.stringify(configObject)).digest('hex').slice(0, 16));
    expect(run?.outcome).to.equal(null);
  });

  it('chunk results are group-committed: on record only after the flush, in order, a failure with its message', () => {
    const journal = new StateJournal(store, cfg, logger);
    const id = begin(journal, [chunk('c1'), chunk('c2')]);
    journal.chunkStarted('docs', chunk('c1'), 1);
    journal.chunkFinished('docs', chunk('c1'), 'Complete', result('Success', 'ok'));
    journal.chunkStarted('docs', chunk('c2'), 1);
    journal.chunkFinished('docs', chunk('c2'), 'Failed', result('Error', 'disk on fire'));
    expect(store.chunkCounts(id).Complete).to.equal(0);
    journal.flushChunks();
    const byId = new Map(store.listChunks(id).map((c) => [c.chunkId, c]));
    expect(byId.get('c1')?.status).to.equal('Complete');
    expect(byId.get('c2')?.status).to.equal('Failed');
    expect(byId.get('c2')?.lastError).to.contain('disk on fire');
  });

  it('a chunk write that fails is logged and does not keep the others off the record', () => {
    const errors: string[] = [];
    const recording = pino({ level: 'error' }, { write: (l: string) => { errors.push(l); } });
    const journal = new StateJournal(store, cfg, recording);
    const id = begin(journal, [chunk('c1')]);
    journal.chunkStarted('docs', chunk('c1'), 1);
    // A chunk the profile run never planned cannot be recorded: the store refuses it.
    journal.chunkFinished('docs', chunk('zz-not-planned'), 'Complete', result('Success', 'ok'));
    journal.chunkFinished('docs', chunk('c1'), 'Complete', result('Success', 'ok'));
    journal.flushChunks();
    expect(store.listChunks(id).find((c) => c.chunkId === 'c1')?.status).to.equal('Complete');
    expect(errors.join('')).to.contain('could not record a chunk result in the state database');
  });

  it('events are buffered and written in one batch; endRun writes what is pending and the outcome', () => {
    const journal = new StateJournal(store, cfg, logger);
    const id = begin(journal, [chunk('c1')]);
    journal.recordEvent(event(1));
    journal.recordEvent(event(2));
    expect(store.readEventsSince('S1', 0)).to.deep.equal([]);
    journal.chunkFinished('docs', chunk('c1'), 'Complete', result('Success', 'ok'));
    journal.endProfile({ profile: 'docs', result: 'Success' } as Parameters<StateJournal['endProfile']>[0]);
    journal.recordEvent(event(3));
    journal.endRun({ outcome: 'Success', exitCode: 0 });
    expect(store.readEventsSince('S1', 0).map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(store.listChunks(id)[0].status).to.equal('Complete');
    const run = store.getRun('S1');
    expect([run?.outcome, run?.exitCode]).to.deep.equal(['Success', 0]);
  });
  it('a write that fails (a full disk) is said once, stops the run through onWriteFailure, and nothing more is tried', () => {
    const journal = new StateJournal(store, cfg, logger);
    const id = begin(journal, [chunk('c1'), chunk('c2')]);
    const failures: string[] = [];
    journal.onWriteFailure = (m) => failures.push(m);
    journal.chunkStarted('docs', chunk('c1'), 1);
    const batch = store.batch.bind(store);
    let calls = 0;
    store.batch = (): never => {
      calls++;
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    journal.flushChunks();
    expect(failures).to.deep.equal([`the state database ${path.join(dir, 'state', 'robocurse.db')} (global.stateDir) cannot be written: database or disk is full (SQLITE_FULL)`]);
    // Nothing more is queued or tried: no second failure, no second call, no throw.
    journal.chunkFinished('docs', chunk('c1'), 'Complete', result('Success', 'ok'));
    journal.recordEvent(event(1));
    journal.flushChunks();
    journal.flushEvents();
    journal.endProfile({ profile: 'docs', result: 'Failed' } as Parameters<StateJournal['endProfile']>[0]);
    journal.endRun({ outcome: 'Error', exitCode: 4 });
    expect(calls).to.equal(1);
    expect(failures).to.have.length(1);
    store.batch = batch;
    expect(store.chunkCounts(id).Running ?? 0).to.equal(0);
    expect(store.getRun('S1')?.outcome).to.equal(null);
  });
  it('events that cannot be stored for another reason than the database failing are logged and dropped; the run goes on', () => {
    const journal = new StateJournal(store, cfg, logger);
    begin(journal, [chunk('c1')]);
    const failures: string[] = [];
    journal.onWriteFailure = (m) => failures.push(m);
    const recordEvents = store.recordEvents.bind(store);
    store.recordEvents = (): never => { throw new TypeError('not an event'); };
    journal.recordEvent(event(1));
    journal.flushEvents();
    store.recordEvents = recordEvents;
    journal.recordEvent(event(2));
    journal.endRun({ outcome: 'Success', exitCode: 0 });
    expect(failures).to.deep.equal([]);
    expect(store.getRun('S1')?.outcome).to.equal('Success');
  });
  it('a run or profile that cannot be recorded at its start fails naming the database (the SQLite error kept as its cause)', () => {
    const journal = new StateJournal(store, cfg, logger);
    journal.beginRun({ sessionId: 'S1', profiles: ['docs'], dryRun: false });
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const beginProfileRun = store.beginProfileRun.bind(store);
    store.beginProfileRun = (): never => { throw full; };
    let thrown: unknown;
    try { journal.beginProfile(cfg.profiles[0], [chunk('c1')], { resume: false, dryRun: false }); } catch (err) { thrown = err; }
    store.beginProfileRun = beginProfileRun;
    expect((thrown as Error).message).to.equal(`the state database ${path.join(dir, 'state', 'robocurse.db')} (global.stateDir) cannot be written: database or disk is full (SQLITE_FULL)`);
    expect((thrown as Error).cause).to.equal(full);
    // Not a storage error of SQLite: thrown as it is.
    const other = new RangeError('not a database problem');
    store.beginProfileRun = (): never => { throw other; };
    expect(() => journal.beginProfile(cfg.profiles[0], [chunk('c1')], { resume: false, dryRun: false })).to.throw(other);
    store.beginProfileRun = beginProfileRun;
  });
});

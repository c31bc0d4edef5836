import { expect } from 'chai';
import pino from 'pino';
import type { Chunker, Copier, CopyResult, RunEvent, Scanner } from '../../../src/api';
import { emptyStats } from '../../../src/api';
import { robocopyExitMeaning } from '../../../src/engines/exit-meaning';
import { SimulatedCopier } from '../../../src/engines/simulated';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { failedFilesOf, FAILED_FILES_LISTED, rootRelative } from '../../../src/orchestrator/failed-file-report';
import { FailedFileCollector, filesOnlyWarning, isInsideChunk, nextAttemptScope, onlyFilesFailed } from '../../../src/orchestrator/file-retry';
import { Orchestrator } from '../../../src/orchestrator/orchestrator';
import type { ActiveJob } from '../../../src/orchestrator/types';
import { addAttempt } from '../../../src/report/chunk-totals';
import { makeChunks, makeProfile } from '../../helpers/profiles';

function result(code: number, filesFailed: number, o: Partial<CopyResult> = {}): CopyResult {
  return { exitCode: code, exitMeaning: robocopyExitMeaning(code), stats: { ...emptyStats(), filesFailed }, errors: [], durationMs: 5, killed: false, ...o };
}

function collector(...paths: string[]): FailedFileCollector {
  const c = new FailedFileCollector();
  for (const p of paths) c.note({ action: 'fail', relPath: p, error: `EACCES: cannot read ${p}` });
  return c;
}

const [chunk] = makeChunks('p', 1);
const listing: Pick<Copier, 'capabilities' | 'fileListProblem'> = { capabilities: { suspend: false, liveBandwidth: false, mirror: true, dryRun: true, liveProgress: false, fileList: true } };

describe('file-only retries (file-retry.ts)', () => {
  it('collects each failed path once, with its latest reason, and ignores other actions', () => {
    const c = new FailedFileCollector();
    c.note({ action: 'new', relPath: 'a.txt' });
    c.note({ action: 'fail', relPath: 'b.txt', error: 'EIO: first' });
    c.note({ action: 'fail', relPath: 'b.txt', error: 'EIO: second' });
    c.note({ action: 'skip', relPath: 'link' });
    c.note({ action: 'fail', relPath: 'sub/c.txt' });
    expect(c.list()).to.deep.equal([{ relPath: 'b.txt', error: 'EIO: second' }, { relPath: 'sub/c.txt', error: 'failed' }]);
  });

  it('takes only paths strictly inside the chunk', () => {
    for (const p of ['a', 'a/b', 'x y/é\udc80.txt', '..a', 'a..b']) expect(isInsideChunk(p), p).to.equal(true);
    for (const p of ['', '/abs/a', 'C:/x', 'a//b', './a', 'a/./b', '../a', 'a/..', 'a/',
      // rsync's temp file in the scratch dir, as its rename error names it
      '.robocurse-tmp-b08258ee026cb37d/big.bin.ZRlpoo" -> "a/big.bin', 'sub/.robocurse-tmp-0123456789abcdef/x']) expect(isInsideChunk(p), p).to.equal(false);
  });

  it('an attempt failed only files when every counted failure has a named file in the chunk', () => {
    expect(onlyFilesFailed(result(9, 2), collector('a', 'b/c').list())).to.equal(true);
    // Counted but not named (capped lists, a failed directory counted as a file), or named but not counted.
    expect(onlyFilesFailed(result(9, 3), collector('a', 'b').list())).to.equal(false);
    expect(onlyFilesFailed(result(9, 1), collector('a', 'b').list())).to.equal(false);
    // A chunk root's problem, a fatal attempt, a killed one, one without failures.
    expect(onlyFilesFailed(result(8, 1), collector('/src/p/dir0').list())).to.equal(false);
    expect(onlyFilesFailed(result(16, 1), collector('a').list())).to.equal(false);
    expect(onlyFilesFailed(result(8, 1, { killed: true }), collector('a').list())).to.equal(false);
    expect(onlyFilesFailed(result(8, 0), [])).to.equal(false);
  });

  it('the next attempt copies only the failed files, sorted, when the engine takes a list for this chunk', () => {
    expect(nextAttemptScope(listing, chunk, result(8, 2), collector('z', 'a/b').list())).to.deep.equal({ files: ['a/b', 'z'], reason: '2 failed file(s)' });
    const noList = { capabilities: { ...listing.capabilities, fileList: false } };
    expect(nextAttemptScope(noList, chunk, result(8, 1), collector('a').list())).to.deep.equal({ reason: 'the engine cannot copy a list of files' });
    const picky = { ...listing, fileListProblem: (_c: unknown, files: readonly string[]) => (files.some((f) => f.includes('/')) ? 'robocopy takes names of the chunk directory only' : undefined) };
    expect(nextAttemptScope(picky, chunk, result(8, 1), collector('a/b').list()).files).to.equal(undefined);
    expect(nextAttemptScope(picky, chunk, result(8, 1), collector('ab').list()).files).to.deep.equal(['ab']);
    expect(nextAttemptScope(listing, chunk, result(16, 1), collector('a').list()).files).to.equal(undefined);
  });

  it('a files-only failure under failedFilesSeverity "warning" becomes a warning that says what still fails', () => {
    const w = filesOnlyWarning(result(8, 1), collector('a').list(), 3);
    expect(w.exitMeaning.severity).to.equal('Warning');
    expect(w.exitMeaning.shouldRetry).to.equal(false);
    expect(w.exitMeaning.message).to.match(/^1 file\(s\) still failing after 3 attempt\(s\), reported as a warning/);
    expect(w.exitCode).to.equal(8);
  });

  it('a file-only attempt adds to what earlier attempts found up to date; a file copied on retry counts once, as copied', () => {
    const full = addAttempt(undefined, { ...emptyStats(), filesCopied: 5, bytesCopied: 50, filesSkipped: 94, bytesSkipped: 940, filesFailed: 1, bytesFailed: 10, extrasRemoved: 2 });
    const retry = addAttempt(full, { ...emptyStats(), filesCopied: 1, bytesCopied: 10 }, true);
    expect(retry).to.include({ attempts: 2, filesCopied: 6, bytesCopied: 60, filesSkipped: 94, bytesSkipped: 940, filesFailed: 0, bytesFailed: 0, extrasRemoved: 2 });
    // Without the flag a later attempt's "up to date" replaces the earlier one (a whole-chunk retry).
    expect(addAttempt(full, { ...emptyStats(), filesCopied: 1, bytesCopied: 10 }).filesSkipped).to.equal(0);
  });

  it('summaries list the first failed files with their paths from the source root, and count all of them', () => {
    const many = collector(...Array.from({ length: 30 }, (_, i) => `f${String(i).padStart(2, '0')}`)).list();
    const r = failedFilesOf([{ chunk, status: 'Failed', failedFiles: many }]);
    expect(r.total).to.equal(30);
    expect(r.listed).to.have.length(FAILED_FILES_LISTED);
    expect(r.listed[0]).to.deep.equal({ chunkId: chunk.id, path: 'dir0/f00', error: 'EACCES: cannot read f00', severity: 'Error' });
    expect(rootRelative({ ...chunk, relPath: '' }, { relPath: 'a/b', error: '' })).to.equal('a/b');
    expect(rootRelative(chunk, { relPath: '/src/p/dir0', error: '' })).to.equal('/src/p/dir0');
  });
});

describe('Orchestrator: file-only retries and failedFilesSeverity', () => {
  const unusedScanner: Scanner = { scan: () => Promise.reject(new Error('not used')) };
  const unusedChunker: Chunker = { plan: () => [] };
  let events: RunEvent[];
  let orch: Orchestrator;

  beforeEach(() => {
    const sim = new SimulatedCopier({ script: { '*': { durationMs: 60_000 } } });
    const copier: Copier = { name: 'simulated', capabilities: { ...sim.capabilities, fileList: true }, start: (c, o) => sim.start(c, o) };
    const bus = new EventBus('test-session');
    events = [];
    bus.subscribe((e) => events.push(e));
    orch = new Orchestrator({ bus, scanner: unusedScanner, chunker: unusedChunker, copierFor: () => copier, logger: pino({ level: 'silent' }), guardChunkRoots: false });
  });
  afterEach(async () => { await orch.stopAllJobs(); });

  const attempt = (n: number, failed: FailedFileCollector, onlyFiles?: string[]): ActiveJob =>
    ({ id: n, job: undefined as never, chunk, retryCount: n - 1, attempt: n, startedAt: Date.now(), failedFiles: failed, ...(onlyFiles ? { onlyFiles } : {}) });

  it('re-queues only the failed files; a failure of the chunk as a whole re-queues all of it', () => {
    orch.initQueue(makeProfile('p'), []);
    orch.handleFailedChunk(attempt(1, collector('sub/locked.xlsx')), result(9, 1));
    expect(orch.queue.items().map((q) => q.onlyFiles)).to.deep.equal([['sub/locked.xlsx']]);
    orch.queue.clear();
    // Two failures counted, one named (a directory that could not be read, say): the whole chunk again.
    orch.handleFailedChunk(attempt(1, collector('sub/locked.xlsx')), result(8, 2));
    expect(orch.queue.items().map((q) => q.onlyFiles)).to.deep.equal([undefined]);
  });

  it('by default the last attempt fails the chunk, with every failed file reported (FileFailed) and in the summary', () => {
    orch.initQueue(makeProfile('p'), []);
    orch.handleFailedChunk(attempt(3, collector('a.txt', 'sub/b.txt'), ['a.txt', 'sub/b.txt']), result(8, 2));
    expect(orch.state.failedChunks.map((f) => f.failedFiles?.map((x) => x.relPath))).to.deep.equal([['a.txt', 'sub/b.txt']]);
    const ff = events.filter((e) => e.type === 'FileFailed');
    expect(ff.map((e) => [e.data.path, e.data.severity, e.data.attempts, e.data.source])).to.deep.equal([
      ['dir0/a.txt', 'Error', 3, '/src/p/dir0/a.txt'], ['dir0/sub/b.txt', 'Error', 3, '/src/p/dir0/sub/b.txt'],
    ]);
    expect(events.map((e) => e.type)).to.deep.equal(['FileFailed', 'FileFailed', 'ChunkError']);
  });

  it('with failedFilesSeverity "warning" the last attempt ends the chunk CompleteWithWarnings, the files still listed', () => {
    orch.initQueue(makeProfile('p', { failedFilesSeverity: 'warning' }), []);
    orch.handleFailedChunk(attempt(3, collector('locked.db'), ['locked.db']), result(8, 1));
    expect(orch.state.failedChunks).to.have.length(0);
    const [done] = orch.state.completedChunks;
    expect(done.status).to.equal('CompleteWithWarnings');
    expect(done.result?.exitMeaning.severity).to.equal('Warning');
    expect(done.failedFiles?.map((f) => f.relPath)).to.deep.equal(['locked.db']);
    expect(events.filter((e) => e.type === 'FileFailed').map((e) => e.data.severity)).to.deep.equal(['Warning']);
    // A chunk with a problem beyond its files still fails.
    orch.handleFailedChunk(attempt(3, collector('locked.db')), result(24, 1));
    expect(orch.state.failedChunks).to.have.length(1);
  });
});

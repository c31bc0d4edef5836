import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newSessionId } from '../../../src/logging/session-id';
import { pruneLogs } from '../../../src/retention/log-retention';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * pruneLogs on a real log directory: which sessions expire and which files are gzipped. It reads
 * a session's folder of chunk logs only when it must (issue #17: a start in a directory of 90
 * nightly sessions spent ~0.13 s listing and lstat-ing every chunk log); the rules stay exact.
 */
const DAY = 86_400_000;
const POLICY = { logsDays: 30, compressAfterDays: 5, eventsDays: 0, sessionsKeep: 0 };

describe('log retention: pruneLogs', () => {
  let logs: string;
  const now = Date.now();
  beforeEach(() => { logs = tempDir('robocurse-prune-'); });
  afterEach(() => removeTemp(logs));

  /** A session's own log and chunk logs, each `daysAgo` old (a number, or one per file). */
  function session(id: string, own: number, chunks: number[]): { own: string; chunks: string[] } {
    const ownFile = path.join(logs, `robocurse-${id}.log`);
    fs.writeFileSync(ownFile, `log of ${id}`);
    const at = (f: string, days: number): void => { const t = new Date(now - days * DAY); fs.utimesSync(f, t, t); };
    at(ownFile, own);
    fs.mkdirSync(path.join(logs, id, 'chunks'), { recursive: true });
    const files = chunks.map((days, i) => {
      const f = path.join(logs, id, 'chunks', `c${i}.log`);
      fs.writeFileSync(f, `chunk ${i}`);
      at(f, days);
      return f;
    });
    return { own: ownFile, chunks: files };
  }

  it('a session expires only when none of its files is newer than logsDays, its own log or a chunk log', async () => {
    session('20200101-000000-aaaaaa', 40, [40, 41]);
    session('20200102-000000-bbbbbb', 40, [40, 2]); // a chunk log written since: kept
    const r = await pruneLogs(logs, POLICY, new Set(), { now, dryRun: false });
    expect(r.deletedSessions).to.deep.equal(['20200101-000000-aaaaaa']);
    expect(fs.existsSync(path.join(logs, '20200101-000000-aaaaaa'))).to.equal(false);
    expect(fs.existsSync(path.join(logs, 'robocurse-20200101-000000-aaaaaa.log'))).to.equal(false);
    expect(fs.existsSync(path.join(logs, '20200102-000000-bbbbbb', 'chunks', 'c1.log'))).to.equal(true);
  });

  it('gzips the old files of a session that spans the limit, and not its newer own log', async () => {
    const s = session('20200103-000000-cccccc', 1, [8, 9, 1]);
    const r = await pruneLogs(logs, POLICY, new Set(), { now, dryRun: false });
    expect(r.compressed.sort()).to.deep.equal([s.chunks[0], s.chunks[1]].sort());
    expect(fs.existsSync(`${s.chunks[0]}.gz`)).to.equal(true);
    expect(fs.existsSync(s.chunks[2])).to.equal(true);
    expect(fs.existsSync(s.own)).to.equal(true);
  });

  it('gzips a session\'s own log after its chunk logs, and not while one of them failed; the next pass finishes', async () => {
    const s = session('20200104-000000-dddddd', 10, [10, 10]);
    // The second chunk log's .gz name is taken by a directory: its gzip fails.
    fs.mkdirSync(`${s.chunks[1]}.gz`);
    const first = await pruneLogs(logs, POLICY, new Set(), { now, dryRun: false });
    expect(first.errors).to.have.length(1);
    expect(fs.existsSync(`${s.chunks[0]}.gz`)).to.equal(true);
    expect(fs.existsSync(s.own), 'the own log waits for the folder').to.equal(true);
    fs.rmdirSync(`${s.chunks[1]}.gz`);
    const second = await pruneLogs(logs, POLICY, new Set(), { now, dryRun: false });
    expect(second.errors).to.deep.equal([]);
    expect(second.compressed.sort()).to.deep.equal([s.chunks[1], s.own].sort());
    expect(fs.existsSync(`${s.own}.gz`) && fs.existsSync(`${s.chunks[1]}.gz`)).to.equal(true);
    const third = await pruneLogs(logs, POLICY, new Set(), { now, dryRun: false });
    expect(third.compressed).to.deep.equal([]);
  });

  it('keeps the newest sessionsKeep sessions and running ones whatever their age; a dry run only reports', async () => {
    session('20200105-000000-eeeeee', 50, [50]);
    session('20200106-000000-ffffff', 50, [50]);
    session('20200107-000000-abcdef', 50, [50]);
    const dry = await pruneLogs(logs, { ...POLICY, sessionsKeep: 1 }, new Set(['20200105-000000-eeeeee']), { now, dryRun: true });
    expect(dry.deletedSessions).to.deep.equal(['20200106-000000-ffffff']);
    expect(dry.protectedSessions).to.deep.equal(['20200105-000000-eeeeee']);
    expect(fs.existsSync(path.join(logs, '20200106-000000-ffffff'))).to.equal(true);
  });

  it('does not list the folder of a session that started after the compression cutoff (a day of margin), and compresses it once its start is older', async () => {
    // Ids from the session's start time, as runs make them; the chunk logs' mtimes say 10 days old,
    // which no file of a session started 2 days ago can be: only a listing would find them.
    const young = session(newSessionId(new Date(now - 2 * DAY)), 1, [10, 10]);
    const edge = session(newSessionId(new Date(now - 4.5 * DAY)), 1, [10]);
    const first = await pruneLogs(logs, POLICY, new Set(), { now, dryRun: false });
    expect(first.compressed, 'started after cutoff + 1 day: folder not listed').to.deep.equal(edge.chunks);
    expect(fs.existsSync(young.chunks[0]) && fs.existsSync(young.chunks[1])).to.equal(true);
    // Four days later the young session started before the cutoff and its margin: its old files go.
    const later = await pruneLogs(logs, POLICY, new Set(), { now: now + 4 * DAY, dryRun: false });
    expect(later.compressed).to.include.members(young.chunks);
    expect(fs.existsSync(`${young.chunks[0]}.gz`)).to.equal(true);
  });

  it('two passes at once (two runs started together by cron) share the work: no errors, every old file gzipped, nothing else removed', async () => {
    const made = Array.from({ length: 12 }, (_, i) => session(`2020020${Math.floor(i / 10)}-00000${i % 10}-aaaaaa`, 10, [10, 10, 10]));
    const expired = session('20200101-000000-bbbbbb', 40, [40]);
    const recent = session('20200301-000000-cccccc', 1, [1]);
    const [a, b] = await Promise.all([0, 1].map(() => pruneLogs(logs, POLICY, new Set(), { now, dryRun: false })));
    expect([...a.errors, ...b.errors]).to.deep.equal([]);
    for (const f of made.flatMap((m) => [m.own, ...m.chunks])) {
      expect(fs.existsSync(f), f).to.equal(false);
      expect(fs.readFileSync(`${f}.gz`).length, f).to.be.greaterThan(0);
    }
    expect(fs.existsSync(expired.own)).to.equal(false);
    expect(fs.existsSync(recent.own)).to.equal(true);
    expect(fs.existsSync(recent.chunks[0])).to.equal(true);
    expect(fs.readdirSync(logs).filter((n) => n.includes('.tmp-'))).to.deep.equal([]);
  });
});

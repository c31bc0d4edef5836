import { expect } from 'chai';
import type { RunEvent } from '../../../src/api';
import { StateKit } from './state-test-kit';

function event(sessionId: string, seq: number): RunEvent {
  return { type: 'Paused', sessionId, seq, timestamp: `2030-01-01T00:00:${String(seq % 60).padStart(2, '0')}+00:00`, data: { suspend: false, activeJobs: seq } };
}

describe('StateStore events', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());

  it('stores events and reads them back in order after a given seq, per session', () => {
    const s = kit.open();
    s.recordEvents([event('a', 1), event('a', 2), event('b', 1)]);
    s.recordEvent(event('a', 3));
    expect(s.readEventsSince('a', 0).map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(s.readEventsSince('a', 1)).to.deep.equal([event('a', 2), event('a', 3)]);
    expect(s.readEventsSince('a', 1, 1).map((e) => e.seq)).to.deep.equal([2]);
    expect(s.readEventsSince('b', 0)).to.have.length(1);
  });

  it('keeps the first copy of an event sent twice', () => {
    const s = kit.open();
    s.recordEvent(event('a', 1));
    s.recordEvent({ ...event('a', 1), type: 'Resumed', data: { activeJobs: 0, pausedMs: 5 } });
    expect(s.readEventsSince('a', 0)).to.deep.equal([event('a', 1)]);
  });

  it('prunes the events of all but the newest sessions', () => {
    let t = 0;
    const s = kit.open(kit.dir(), () => new Date(Date.UTC(2030, 0, 1) + 1000 * t++));
    for (const sid of ['old', 'mid', 'new']) s.beginRun({ sessionId: sid, configHash: 'h', configPath: '/c', dryRun: false });
    s.recordEvents([event('old', 1), event('old', 2), event('mid', 1), event('new', 1), event('orphan', 1)]);
    expect(s.pruneEvents(2)).to.equal(3);
    expect(s.readEventsSince('old', 0)).to.deep.equal([]);
    expect(s.readEventsSince('mid', 0)).to.have.length(1);
    expect(s.readEventsSince('new', 0)).to.have.length(1);
    expect(s.getRun('old')).to.not.equal(undefined);
  });

  it('prunes events older than a time, never a kept session\'s, through the time index (not a read of every event)', () => {
    const dir = kit.dir();
    const s = kit.open(dir);
    const at = (sid: string, seq: number, iso: string): RunEvent => ({ ...event(sid, seq), timestamp: iso });
    s.recordEvents([at('old', 1, '2030-01-01T00:00:00.000Z'), at('old', 2, '2030-01-03T00:00:00.000Z'),
      at('running', 1, '2030-01-01T00:00:00.000Z'), at('new', 1, '2030-01-05T00:00:00.000Z')]);
    expect(s.pruneEventsBefore('2030-01-02T00:00:00.000Z', ['running'])).to.equal(1);
    expect(s.readEventsSince('old', 0).map((e) => e.seq)).to.deep.equal([2]);
    expect(s.readEventsSince('running', 0)).to.have.length(1);
    expect(s.readEventsSince('new', 0)).to.have.length(1);
    const plan = kit.raw(dir).prepare("EXPLAIN QUERY PLAN DELETE FROM events WHERE timestamp < ? AND session_id NOT IN (SELECT value FROM json_each(?))")
      .all('2030-01-02', '[]') as { detail: string }[];
    expect(plan.map((r) => r.detail).join('; ')).to.match(/SEARCH events USING (COVERING )?INDEX events_time \(timestamp<\?\)/);
  });

  it('lets another connection follow the events as they are committed', () => {
    const dir = kit.dir();
    const writer = kit.open(dir);
    const follower = kit.open(dir);
    writer.recordEvent(event('a', 1));
    expect(follower.readEventsSince('a', 0)).to.have.length(1);
    writer.recordEvent(event('a', 2));
    expect(follower.readEventsSince('a', 1).map((e) => e.seq)).to.deep.equal([2]);
  });
});

describe('StateStore commands', () => {
  const kit = new StateKit();
  afterEach(() => kit.cleanup());
  let t = 0;
  // A clock that moves one second per call, so "older than the session" is deterministic.
  const clock = (): Date => new Date(Date.UTC(2030, 0, 1) + 1000 * t++);

  it('delivers commands addressed to the session or to its profiles, oldest first, until applied', () => {
    const dir = kit.dir();
    const s = kit.open(dir, clock);
    const cli = kit.open(dir, clock);
    const stale = cli.enqueueCommand({ profile: 'docs' }, 'stop');
    s.beginRun({ sessionId: 's1', configHash: 'h', configPath: '/c', dryRun: false });
    const forSession = cli.enqueueCommand({ sessionId: 's1' }, 'pause');
    const forProfile = cli.enqueueCommand({ profile: 'docs' }, 'set-bandwidth', 100);
    cli.enqueueCommand({ profile: 'other' }, 'stop');
    cli.enqueueCommand({ sessionId: 's2' }, 'stop');

    const polled = s.pollCommands('s1', ['docs', 'media']);
    expect(polled.map((c) => [c.id, c.command, c.argument])).to.deep.equal([[forSession, 'pause', null], [forProfile, 'set-bandwidth', '100']]);
    expect(polled.map((c) => c.id)).to.not.include(stale);

    expect(s.markCommandApplied(forSession)).to.equal(true);
    expect(s.markCommandApplied(forSession)).to.equal(false);
    expect(s.markCommandApplied(forProfile, 'rejected: engine cannot change bandwidth')).to.equal(true);
    expect(s.pollCommands('s1', ['docs', 'media'])).to.deep.equal([]);
    expect(cli.getCommand(forProfile)).to.include({ outcome: 'rejected: engine cannot change bandwidth' });
    expect(cli.getCommand(forProfile)?.appliedAt).to.be.a('string');
  });

  it('rejects unknown commands, missing targets and bad arguments', () => {
    const s = kit.open();
    expect(() => s.enqueueCommand({ sessionId: 's' }, 'explode' as never)).to.throw(/unknown command/).with.property('code', 'STATE_BAD_COMMAND');
    expect(() => s.enqueueCommand({} as never, 'stop')).to.throw(/session id or a profile/);
    expect(() => s.enqueueCommand({ sessionId: 's' }, 'set-concurrency')).to.throw(/needs a number/);
    expect(() => s.enqueueCommand({ sessionId: 's' }, 'set-concurrency', 'many')).to.throw(/needs a number/);
    expect(s.enqueueCommand({ sessionId: 's' }, 'set-concurrency', 4)).to.be.a('number');
  });
});

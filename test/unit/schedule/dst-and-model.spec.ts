import { expect } from 'chai';
import { compileSchedule, describeSchedule } from '../../../src/schedule/compile';
import { dstWarnings } from '../../../src/schedule/dst-warnings';
import { nextRuns } from '../../../src/schedule/next-runs';
import { DEFAULT_TIME, type ScheduleConfig } from '../../../src/schedule/types';
import { ZoneClock } from '../../../src/schedule/zone';
import { MATRIX } from './schedule-fixtures';

const daily = (time: string, extra: Partial<ScheduleConfig> = {}): ScheduleConfig => ({ ...MATRIX.daily, time, ...extra });
const FROM = Date.parse('2026-01-01T00:00:00Z');

describe('schedule model', () => {
  it('compiles hourly intervals to the same clock hours every day, phase taken from time', () => {
    expect(compileSchedule('p', { ...MATRIX['hourly-6'], time: '03:15' })).to.include({ minute: 15 }).and.to.have.deep.property('hours', [3, 9, 15, 21]);
    expect(compileSchedule('p', MATRIX['hourly-1']).hours).to.have.length(24);
    expect(compileSchedule('p', MATRIX['weekly-mon-thu'])).to.deep.include({ hours: [4], daysOfWeek: [1, 4], dayOfMonth: null });
    expect(describeSchedule(compileSchedule('p', MATRIX['monthly-last']))).to.equal('monthly on the last day at 00:30');
  });

  it('the default time lies outside 01:00-03:59', () => {
    const [h] = DEFAULT_TIME.split(':').map(Number);
    expect(h < 1 || h > 3).to.equal(true);
  });

  it('nextRuns: monthly "last" runs on 30, 31, 28/29', () => {
    const runs = nextRuns(compileSchedule('p', MATRIX['monthly-last']), 'UTC', Date.parse('2027-01-15T00:00:00Z'), 3);
    expect(runs.map((t) => new Date(t).toISOString().slice(0, 10))).to.deep.equal(['2027-01-31', '2027-02-28', '2027-03-31']);
  });

  it('ZoneClock: no instant in a gap, two in an overlap, one otherwise (half-hour zone included)', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(berlin.instants({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 })).to.deep.equal([]);
    expect(berlin.instants({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }).map((t) => new Date(t).toISOString())).to.deep.equal(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    expect(new ZoneClock('Australia/Lord_Howe').instants({ year: 2026, month: 10, day: 4, hour: 2, minute: 15 })).to.deep.equal([]);
  });
});

describe('DST warnings (validate and plan)', () => {
  it('Europe/Berlin: 02:30 is in the spring gap and the autumn overlap, with the dates', () => {
    const w = dstWarnings(compileSchedule('docs', daily('02:30')), 'Europe/Berlin', FROM);
    expect(w.map((x) => x.path)).to.deep.equal(['profiles.docs.schedule.time', 'profiles.docs.schedule.time']);
    expect(w[0].message).to.contain('02:30 does not exist on 2026-03-29 in Europe/Berlin').and.to.contain('02:00 -> 03:00');
    expect(w[1].message).to.contain('02:30 happens twice on 2026-10-25').and.to.contain('03:00 -> 02:00');
  });

  it('America/New_York: 02:30 only in the gap; 01:30 only in the overlap', () => {
    expect(dstWarnings(compileSchedule('a', daily('02:30')), 'America/New_York', FROM).map((x) => x.message.slice(0, 40))).to.deep.equal(['02:30 does not exist on 2026-03-08 in Am']);
    expect(dstWarnings(compileSchedule('a', daily('01:30')), 'America/New_York', FROM).map((x) => x.message.slice(0, 40))).to.deep.equal(['01:30 happens twice on 2026-11-01 in Ame']);
  });

  it('Australia/Sydney (southern hemisphere): gap in October, overlap in April', () => {
    const w = dstWarnings(compileSchedule('a', daily('02:30')), 'Australia/Sydney', FROM);
    expect(w.map((x) => x.message.slice(0, 36))).to.deep.equal(['02:30 happens twice on 2026-04-05 in', '02:30 does not exist on 2026-10-04 i']);
  });

  it('no warning for safe times, for UTC, for hourly-every-hour, or for days the schedule does not run', () => {
    expect(dstWarnings(compileSchedule('a', daily(DEFAULT_TIME)), 'Europe/Berlin', FROM)).to.deep.equal([]);
    expect(dstWarnings(compileSchedule('a', daily('02:30')), 'UTC', FROM)).to.deep.equal([]);
    expect(dstWarnings(compileSchedule('a', MATRIX['hourly-1']), 'Europe/Berlin', FROM)).to.deep.equal([]);
    // Berlin changes on Sundays: a Mon+Thu 02:30 schedule never meets a change.
    expect(dstWarnings(compileSchedule('a', { ...MATRIX['weekly-mon-thu'], time: '02:30' }), 'Europe/Berlin', FROM)).to.deep.equal([]);
    expect(dstWarnings(compileSchedule('a', { ...MATRIX['hourly-6'], interval: 2, time: '00:30' }), 'Europe/Berlin', FROM).map((x) => x.message.slice(0, 5))).to.deep.equal(['02:30', '02:30']);
  });
});

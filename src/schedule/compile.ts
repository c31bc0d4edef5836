import { dottedPath } from '../config/json-source';
import type { ConfigProblem } from '../config/problems';
import { DEFAULT_TIME, HOURLY_INTERVALS, WEEKDAYS, type Frequency, type ScheduleConfig, type ScheduleModel } from './types';

type Raw = Record<string, unknown>;
type Located = ConfigProblem & { segments: (string | number)[] };

/**
 * Rules of `profiles.<name>.schedule` that the JSON schema cannot say clearly: which keys belong
 * to which frequency, and the ranges that depend on each other. Shapes and types are the schema's.
 */
export function scheduleProblems(raw: unknown, base: (string | number)[]): Located[] {
  if (raw === undefined || raw === null || typeof raw !== 'object') return [];
  const s = raw as Raw;
  const out: Located[] = [];
  const add = (key: string, message: string): void => { const segments = [...base, key]; out.push({ segments, path: dottedPath(segments), message }); };
  const f = s.frequency as Frequency;
  if (s.interval !== undefined && f !== 'hourly') add('interval', `only for frequency "hourly" (this schedule is "${f}")`);
  if (s.daysOfWeek !== undefined && f !== 'weekly') add('daysOfWeek', `only for frequency "weekly" (this schedule is "${f}")`);
  if (s.dayOfMonth !== undefined && f !== 'monthly') add('dayOfMonth', `only for frequency "monthly" (this schedule is "${f}")`);
  if (f === 'weekly') {
    const days = s.daysOfWeek as string[] | undefined;
    if (days === undefined) add('daysOfWeek', 'missing: a weekly schedule names its days, e.g. ["Mon", "Thu"]');
    else if (days.length === 0) add('daysOfWeek', 'expected at least one day, e.g. ["Mon", "Thu"]');
    else if (new Set(days).size !== days.length) add('daysOfWeek', `a day is named twice: ${JSON.stringify(days)}`);
  }
  if (f === 'monthly') {
    const d = s.dayOfMonth;
    if (d === undefined) add('dayOfMonth', 'missing: a monthly schedule names its day, 1-28 or "last"');
    else if (!(d === 'last' || (typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 28))) {
      add('dayOfMonth', `expected an integer 1-28 or "last" (days 29-31 do not exist in every month), got ${JSON.stringify(d)}`);
    }
  }
  const interval = typeof s.interval === 'number' ? s.interval : 1;
  const delay = s.randomDelayMinutes;
  if (f === 'hourly' && typeof delay === 'number' && delay >= interval * 60) {
    add('randomDelayMinutes', `must be less than the ${interval * 60} minutes between hourly runs, got ${delay}`);
  }
  return out;
}

/** Builds the validated schedule (call only after scheduleProblems found nothing). */
export function buildSchedule(raw: Raw): ScheduleConfig {
  const frequency = raw.frequency as Frequency;
  const days = (raw.daysOfWeek as string[] | undefined) ?? [];
  return {
    enabled: (raw.enabled as boolean | undefined) ?? true,
    frequency,
    time: (raw.time as string | undefined) ?? DEFAULT_TIME,
    interval: frequency === 'hourly' ? (raw.interval as number | undefined) ?? 1 : 1,
    daysOfWeek: days.map((d) => WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number])).sort((a, b) => a - b),
    dayOfMonth: frequency === 'monthly' ? (raw.dayOfMonth as number | 'last') : null,
    randomDelayMinutes: (raw.randomDelayMinutes as number | undefined) ?? 0,
  };
}

/** Parses "HH:MM" (already checked by the schema's pattern). */
export function parseTime(time: string): { hour: number; minute: number } {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`not a HH:MM time: ${time}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** The normalized model of one profile's schedule. */
export function compileSchedule(profile: string, s: ScheduleConfig): ScheduleModel {
  if (s.frequency === 'hourly' && !(HOURLY_INTERVALS as readonly number[]).includes(s.interval)) {
    throw new Error(`profiles.${profile}.schedule.interval: ${s.interval} does not divide 24`);
  }
  const { hour, minute } = parseTime(s.time);
  const step = s.frequency === 'hourly' ? s.interval : 24;
  const hours: number[] = [];
  for (let h = hour % step; h < 24; h += step) hours.push(h);
  return {
    profile,
    frequency: s.frequency,
    interval: s.interval,
    minute,
    hours,
    daysOfWeek: s.frequency === 'weekly' ? [...s.daysOfWeek] : null,
    dayOfMonth: s.frequency === 'monthly' ? s.dayOfMonth : null,
    randomDelayMinutes: s.randomDelayMinutes,
  };
}

/** "daily at 00:30", "every 6 h at :30 (00:30, 06:30, ...)" — for plan and list output. */
export function describeSchedule(m: ScheduleModel): string {
  const hhmm = (h: number): string => `${String(h).padStart(2, '0')}:${String(m.minute).padStart(2, '0')}`;
  const at = m.hours.length > 4 ? `${m.hours.slice(0, 3).map(hhmm).join(', ')}, ... (${m.hours.length} a day)` : m.hours.map(hhmm).join(', ');
  const delay = m.randomDelayMinutes > 0 ? ` + up to ${m.randomDelayMinutes} min random delay` : '';
  switch (m.frequency) {
    case 'hourly': return `every ${m.interval} h at ${at}${delay}`;
    case 'daily': return `daily at ${at}${delay}`;
    case 'weekly': return `weekly on ${m.daysOfWeek!.map((d) => WEEKDAYS[d]).join(', ')} at ${at}${delay}`;
    case 'monthly': return `monthly on ${m.dayOfMonth === 'last' ? 'the last day' : `day ${m.dayOfMonth}`} at ${at}${delay}`;
  }
}

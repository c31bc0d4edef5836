import type { ScheduleModel } from './types';
import { daysInMonth, weekdayOf, ZoneClock } from './zone';

/** Whether the schedule starts on this calendar date. */
export function runsOnDate(m: ScheduleModel, year: number, month: number, day: number): boolean {
  if (m.daysOfWeek) return m.daysOfWeek.includes(weekdayOf(year, month, day));
  if (m.dayOfMonth === 'last') return day === daysInMonth(year, month);
  if (m.dayOfMonth !== null) return day === m.dayOfMonth;
  return true;
}

/**
 * The next `count` starts after `fromMs` (random delay not included), by systemd's rule for
 * local times, which croner documents too: a time in a DST gap does not happen that day; a time
 * in an overlap happens once, at its first occurrence. Used for `status` on backends that do not
 * report a next run, and checked against `systemd-analyze calendar` in the tests.
 */
export function nextRuns(m: ScheduleModel, zone: string, fromMs: number, count: number): number[] {
  const clock = new ZoneClock(zone);
  const start = clock.wall(fromMs);
  const out: number[] = [];
  // Walk calendar dates (not instants): a local date is what the schedule names.
  const date = new Date(Date.UTC(start.year, start.month - 1, start.day));
  for (let i = 0; i < 366 * 8 && out.length < count; i++, date.setUTCDate(date.getUTCDate() + 1)) {
    const y = date.getUTCFullYear(); const mo = date.getUTCMonth() + 1; const d = date.getUTCDate();
    if (!runsOnDate(m, y, mo, d)) continue;
    for (const hour of m.hours) {
      const first = clock.instants({ year: y, month: mo, day: d, hour, minute: m.minute })[0];
      if (first !== undefined && first > fromMs) out.push(first);
      if (out.length === count) break;
    }
  }
  return out;
}

import { runsOnDate } from './next-runs';
import type { ScheduleModel } from './types';
import { isoDate, pad2, ZoneClock, type WallTime } from './zone';

/** A schedule time that meets a DST change of the host's zone. */
export interface DstWarning {
  /** `profiles.<name>.schedule.time` */
  path: string;
  message: string;
}

interface Transition { at: number; before: number; after: number }

/** Offset changes between `fromMs` and `toMs`, found day by day and narrowed to the minute. */
function transitions(clock: ZoneClock, fromMs: number, toMs: number): Transition[] {
  const out: Transition[] = [];
  const day = 86_400_000;
  for (let t = fromMs; t < toMs; t += day) {
    const a = clock.offsetMinutes(t); const b = clock.offsetMinutes(t + day);
    if (a === b) continue;
    let lo = t; let hi = t + day;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (clock.offsetMinutes(mid) === a) lo = mid; else hi = mid;
    }
    out.push({ at: hi, before: a, after: b });
  }
  return out;
}

const hhmm = (w: { hour: number; minute: number }): string => `${pad2(w.hour)}:${pad2(w.minute)}`;
const wallOf = (clock: ZoneClock, ms: number): WallTime => clock.wall(ms);

/**
 * Warnings for start times that fall in a DST gap (the time does not exist that day) or overlap
 * (it happens twice) of `zone` within `horizonDays` from `fromMs`, on days the schedule runs.
 * One warning per schedule time and kind, naming the first date it happens.
 */
export function dstWarnings(m: ScheduleModel, zone: string, fromMs: number, horizonDays = 730): DstWarning[] {
  // An hourly run every hour loses or repeats one hour's run at a change, by design: no warning.
  if (m.frequency === 'hourly' && m.interval === 1) return [];
  const clock = new ZoneClock(zone);
  const path = `profiles.${m.profile}.schedule.time`;
  const seen = new Set<string>();
  const out: DstWarning[] = [];
  for (const tr of transitions(clock, fromMs, fromMs + horizonDays * 86_400_000)) {
    const gap = tr.after > tr.before;
    // Wall times of the change: a gap skips [from, to); an overlap repeats [to, from).
    const from = wallOf(clock, tr.at - 60_000); const fromMin = (from.hour * 60 + from.minute + 1) % 1440;
    const toW = wallOf(clock, tr.at); const toMin = toW.hour * 60 + toW.minute;
    const [lo, end] = gap ? [fromMin, toMin] : [toMin, fromMin];
    const hi = end <= lo ? end + 1440 : end; // a change across midnight
    if (!runsOnDate(m, toW.year, toW.month, toW.day)) continue;
    for (const hour of m.hours) {
      const t = hour * 60 + m.minute;
      if (!(lo <= t && t < hi)) continue;
      const key = `${gap}:${t}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const time = hhmm({ hour, minute: m.minute });
      const span = `${hhmm({ hour: Math.floor(fromMin / 60), minute: fromMin % 60 })} -> ${hhmm(toW)}`;
      out.push({
        path,
        message: gap
          ? `${time} does not exist on ${isoDate(toW)} in ${zone} (the clock jumps ${span}): systemd skips that run, cron starts it right after the jump; pick a time outside 01:00-03:59`
          : `${time} happens twice on ${isoDate(toW)} in ${zone} (the clock goes back ${span}): systemd and cron start it once, at the first ${time}; pick a time outside 01:00-03:59`,
      });
    }
  }
  return out;
}

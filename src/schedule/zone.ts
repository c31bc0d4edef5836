/** A local wall-clock time (month 1-12). */
export interface WallTime { year: number; month: number; day: number; hour: number; minute: number }

/** The zone robocurse and the system scheduler see (honours TZ), e.g. "Europe/Berlin". */
export function hostZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Conversions between instants and the wall clock of one IANA zone, through Intl (the ICU copy of
 * the tz database), so results do not depend on the TZ of the process.
 */
export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly zone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Wall time of an instant (seconds dropped). */
  wall(ms: number): WallTime {
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
  }

  /** Offset from UTC in minutes at an instant (east positive). */
  offsetMinutes(ms: number): number {
    const w = this.wall(ms);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
    return Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
  }

  /**
   * The instants showing this wall time, ascending: none in a DST gap, two in an overlap.
   * Offsets are taken a day either side, which covers every zone's transitions.
   */
  instants(w: WallTime): number[] {
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
    const offsets = new Set([-1, 0, 1].map((d) => this.offsetMinutes(asUtc + d * 86_400_000)));
    const out = new Set<number>();
    for (const o of offsets) {
      const t = asUtc - o * 60_000;
      const back = this.wall(t);
      if (back.year === w.year && back.month === w.month && back.day === w.day && back.hour === w.hour && back.minute === w.minute) out.add(t);
    }
    return [...out].sort((a, b) => a - b);
  }
}

/** Days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Weekday of a calendar date, 0 = Sunday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2026-03-29" */
export function isoDate(w: { year: number; month: number; day: number }): string {
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
}

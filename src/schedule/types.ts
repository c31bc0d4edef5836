/** How often a profile runs; `interval` (hourly only) divides the day. */
export type Frequency = 'hourly' | 'daily' | 'weekly' | 'monthly';

/** Day names as written in the config; index = JavaScript getDay() (0 = Sunday). */
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Hourly intervals whose runs fall on the same clock hours every day (divisors of 24). */
export const HOURLY_INTERVALS = [1, 2, 3, 4, 6, 8, 12] as const;

/**
 * The default start time. Outside 01:00-03:59 local on purpose: that window holds the DST gap or
 * overlap of most zones, where a run is skipped (spring) or its time is ambiguous (autumn).
 */
export const DEFAULT_TIME = '00:30';

/** `profiles.<name>.schedule` after validation, defaults filled in. */
export interface ScheduleConfig {
  enabled: boolean;
  frequency: Frequency;
  /** "HH:MM", local time of the host. Hourly: the minute, and the first hour of the pattern. */
  time: string;
  /** Hours between hourly runs (1 for the other frequencies). */
  interval: number;
  /** Weekly: the days, 0 = Sunday, ascending; empty otherwise. */
  daysOfWeek: number[];
  /** Monthly: 1-28 or 'last'; null otherwise. */
  dayOfMonth: number | 'last' | null;
  /** Each start is delayed by a random 0..N minutes (spreads a fleet of hosts). */
  randomDelayMinutes: number;
}

/**
 * The one normalized form every backend renders: starts at `minute` past each of `hours` on the
 * days selected by `daysOfWeek` (weekly), `dayOfMonth` (monthly) or every day.
 */
export interface ScheduleModel {
  profile: string;
  frequency: Frequency;
  interval: number;
  minute: number;
  /** Every clock hour a run starts in, ascending. */
  hours: number[];
  daysOfWeek: number[] | null;
  dayOfMonth: number | 'last' | null;
  randomDelayMinutes: number;
}

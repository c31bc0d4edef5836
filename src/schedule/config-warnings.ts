import type { RobocurseConfig } from '../config/types';
import { compileSchedule } from './compile';
import { dstWarnings } from './dst-warnings';
import { hostZone } from './zone';

/**
 * `validate`'s schedule warnings: start times in a DST gap or overlap of the host's zone. The zone
 * is looked up only when a profile has a schedule (Intl's first use costs tens of ms).
 */
export function scheduleWarnings(cfg: RobocurseConfig, zone?: string, nowMs = Date.now()): string[] {
  const scheduled = cfg.profiles.filter((p) => p.enabled && p.schedule?.enabled);
  if (scheduled.length === 0) return [];
  const tz = zone ?? hostZone();
  return scheduled.flatMap((p) => dstWarnings(compileSchedule(p.name, p.schedule!), tz, nowMs).map((w) => `${w.path}: ${w.message}`));
}
